#!/bin/bash
# Time of `dump.erofs --ishare-report` on two 1 GB images (target: < 5 s
# warm on 2 cores). The images hold 200 files of 5 MiB each; 180 are
# identical in both, 20 differ. Built with our mkfs when it writes
# fingerprints, else with upstream 1.9.x in the peer chroot.
#
#   tests/bench/ishare-report-bench.sh       (RUNS=3 by default)
# Prints the cold and warm times and the report's own summary lines.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/peer.sh
source "$HERE/../lib/peer.sh"

TOOLS_DIR=$(tools_dir)
MKFS=$TOOLS_DIR/mkfs/mkfs.erofs
RUNS=${RUNS:-3}
TARGET=5

"$DUMP" --ishare-report --help >/dev/null 2>&1 || skip "dump.erofs --ishare-report unavailable"
work=$(mktemp -d "${TMPDIR:-/tmp}/ishare-bench.XXXXXX")
trap 'rm -rf --one-file-system -- "$work"' EXIT

mkdir -p "$work/a" "$work/b"
for i in $(seq -w 1 200); do
	head -c 5242880 /dev/urandom >"$work/a/f$i"
	if [ "$i" -le 180 ]; then
		cp "$work/a/f$i" "$work/b/f$i"
	else
		head -c 5242880 /dev/urandom >"$work/b/f$i"
	fi
done

build() {
	if "$MKFS" --quiet -T0 --xattr-inode-digest "$work/$1.img" "$work/$1" 2>/dev/null; then
		echo ours
		return
	fi
	reason=$(peer_setup) || skip "no mkfs can build the images: $reason"
	peer_run mkfs.erofs --quiet -T0 --xattr-inode-digest "$work/$1.img" "$work/$1" >/dev/null
	echo upstream
}
by=$(build a)
build b >/dev/null
rm -rf "$work/a" "$work/b"
echo "images: $(du -h "$work/a.img" | cut -f1) + $(du -h "$work/b.img" | cut -f1), mkfs: $by"

cat "$work/a.img" "$work/b.img" >/dev/null
best=
for r in $(seq 1 "$RUNS"); do
	s=$(date +%s.%N)
	"$DUMP" --ishare-report "$work/a.img" "$work/b.img" >"$work/report.txt"
	e=$(date +%s.%N)
	t=$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.3f", b - a }')
	echo "run $r: ${t}s"
	if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
done
grep -E '^(Content|Files|Shared|Page cache|Reduction)' "$work/report.txt"
# For scale: the same model trusting the values instead of comparing group
# members (--trust) and fsck hashing every file against its fingerprint.
timed() {
	local s e
	s=$(date +%s.%N)
	"$@" >/dev/null
	e=$(date +%s.%N)
	awk -v a="$s" -v b="$e" 'BEGIN { printf "%.2f", b - a }'
}
echo "dump.erofs --ishare-report --trust (reads no file content): $(timed "$DUMP" --ishare-report --trust "$work/a.img" "$work/b.img")s"
echo "fsck.erofs --check-ishare (hashes every file): $(timed "$TOOLS_DIR/fsck/fsck.erofs" --check-ishare "$work/a.img" "$work/b.img")s"
echo "ishare-report (default: compares every group member) on 2 x 1 GB: ${best}s warm (target < ${TARGET}s)"
awk -v t="$best" -v m="$TARGET" 'BEGIN { exit !(t < m) }' || fail "slower than ${TARGET}s"
