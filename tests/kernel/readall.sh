#!/bin/bash
# Read-all on a real Linux 7.3 kernel against the model's footprint.
#
# Two bookworm rootfs images that differ only in redis-server
# (tests/kernel/redis-pair.sh) are mounted in the 7.3 guest; after
# drop_caches every regular file of both is read, and the growth of
# Cached: and Buffers: in /proc/meminfo is taken, once without and once
# with inode_share,domain_id=redis. dump.erofs --ishare-report --json must
# predict, within 2%, both Cached: figures (cached_without_sharing /
# cached_with_sharing: file data + directories) and both Cached: + Buffers:
# figures (page_cache_without_sharing / page_cache_with_sharing: data + all
# metadata, the inodes, xattrs and inline tails read through the block
# device being what Buffers: counts).
#
# Prints the measured and predicted figures. Exit 0 pass, 77 skip, else fail.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$HERE/../lib/common.sh"
# shellcheck source-path=SCRIPTDIR source=redis-pair.sh
source "$HERE/redis-pair.sh"

TOOLS_DIR=$(tools_dir)
TOLERANCE=2	# percent

work=$(mktemp -d "${TMPDIR:-/tmp}/readall.XXXXXX")
trap 'rm -rf --one-file-system -- "$work"' EXIT

need_root "debootstrap, chroot"
command -v jq >/dev/null 2>&1 || skip "jq not installed"
reason=$(redis_pair_setup) || skip "redis pair unavailable: $reason"

# The images are ours: this is the figure the README quotes for our tool.
mkdir -p "$work/img"
for t in a b; do
	"$TOOLS_DIR/mkfs/mkfs.erofs" --quiet -T0 --ishare_key "$work/img/$t.img" "$REDIS_ROOT/$t" ||
		fail "mkfs.erofs of the $t tree failed"
done

rc=0
bash "$HERE/run-guest.sh" -t 600 "$work/img" "$HERE/readall.guest.sh" >"$work/kernel.out" || rc=$?
[ "$rc" = 77 ] && skip "qemu guest unavailable"
[ "$rc" = 0 ] || fail "guest run failed (status $rc)"

# "readall MODE WALK_CACHED WALK_BUFFERS CACHED BUFFERS FILES" (KiB)
kib() {
	awk -v m="$1" -v f="$2" '$1 == "readall" && $2 == m { print $f }' "$work/kernel.out"
}
cached_plain=$(kib plain 5)
cached_share=$(kib share 5)
buffers_plain=$(kib plain 6)
buffers_share=$(kib share 6)
[ -n "$cached_plain" ] && [ -n "$cached_share" ] && [ -n "$buffers_plain" ] && [ -n "$buffers_share" ] ||
	fail "no readall results: $(cat "$work/kernel.out")"

echo "kernel: redis-server $(redis_pair_version a) vs $(redis_pair_version b), $(wc -c <"$work/img/a.img") + $(wc -c <"$work/img/b.img") bytes"
awk '$1 == "readall" { printf "kernel %-5s: Cached: +%d KiB, Buffers: +%d KiB (walk only: +%d / +%d KiB), %d files\n", $2, $5, $6, $3, $4, $7 }' "$work/kernel.out"

if ! "$DUMP" --ishare-report --help >/dev/null 2>&1; then
	skip "kernel measured, model not compared: dump.erofs --ishare-report unavailable"
fi
(cd "$work/img" && "$DUMP" --ishare-report --json --domain-id=redis a.img b.img) >"$work/model.json" ||
	fail "dump.erofs --ishare-report failed"
model() { jq -e ".$1" "$work/model.json" || fail "no $1 in the report"; }

# within TOLERANCE percent of the measurement; prints the error
check() {
	local what=$1 model=$2 kernel_kib=$3
	awk -v w="$what" -v m="$model" -v k="$kernel_kib" -v t="$TOLERANCE" 'BEGIN {
		kb = k * 1024; err = 100 * (m - kb) / kb
		printf "%-34s kernel %8.1f MB  model %8.1f MB  error %+.2f%%\n", w, kb / 1e6, m / 1e6, err
		exit (err < -t || err > t) }'
}
ok=0
check "Cached: without sharing" "$(model cached_without_sharing)" "$cached_plain" || ok=1
check "Cached: with sharing" "$(model cached_with_sharing)" "$cached_share" || ok=1
check "Buffers: without sharing" "$(model buffers)" "$buffers_plain" || ok=1
check "Buffers: with sharing" "$(model buffers)" "$buffers_share" || ok=1
total_plain=$((cached_plain + buffers_plain))
total_share=$((cached_share + buffers_share))
check "Cached: + Buffers: without sharing" "$(model page_cache_without_sharing)" "$total_plain" || ok=1
check "Cached: + Buffers: with sharing" "$(model page_cache_with_sharing)" "$total_share" || ok=1
# the keys must add up as the report defines them
[ "$(model metadata)" = $(($(model directory_bytes) + $(model buffers))) ] &&
	[ "$(model page_cache_without_sharing)" = $(($(model data_without_sharing) + $(model metadata))) ] &&
	[ "$(model page_cache_with_sharing)" = $(($(model data_with_sharing) + $(model metadata))) ] ||
	fail "metadata and page_cache_* keys do not add up: $(jq -c '[.data_without_sharing, .data_with_sharing, .directory_bytes, .buffers, .metadata]' "$work/model.json")"
awk -v p="$total_plain" -v s="$total_share" 'BEGIN { printf "kernel reduction %.1f%% (Cached: + Buffers:)\n", 100 * (p - s) / p }'
awk -v r="$(model reduction_percent)" 'BEGIN { printf "model reduction %.1f%%\n", r }'
[ "$ok" = 0 ] || fail "model off by more than $TOLERANCE%"
