#!/bin/bash
# Wall time and peak RSS of our mkfs.erofs and upstream 1.9.x (sid chroot)
# on the same tree, plain and with page-cache-sharing fingerprints (ours:
# --ishare_key, upstream: --xattr-inode-digest), warm page cache, median
# of RUNS runs (default 5). Prints a table and the fingerprinting overhead.
#
#   tests/bench/mkfs-bench.sh [SOURCE_DIR]   (default /usr/lib/x86_64-linux-gnu)
#   RUNS=5 MKFS=/path/to/mkfs.erofs tests/bench/mkfs-bench.sh
#
# The source is bind-mounted read-only under /tmp so that both tools (the
# peer runs in a chroot that sees only host /tmp) read the same files by
# the same path. Images go to /tmp and are deleted after each run.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../e2e/lib/e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib/e2e.sh"

SOURCE=${1:-/usr/lib/x86_64-linux-gnu}
RUNS=${RUNS:-5}
FP=trusted.erofs.fingerprint
declare -A WALL RSS SIZE WALLS RSSS

warm_cache() {
	# Read every file once so that all timed runs start from a warm cache.
	find "$WORK/src" -type f -print0 | xargs -0 -r cat >/dev/null 2>&1 || true
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# run_once KEY CMD...: one timed run; appends wall seconds and peak RSS
# (KiB) to the KEY's lists. A failure marks KEY failed for good.
run_once() {
	local key=$1 img=$WORK/bench.erofs w r
	shift
	[ "${WALL[$key]:-}" = failed ] && return 0
	# Flush the previous image first so its writeback is not billed to
	# this run.
	rm -f "$img"
	sync
	if ! /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" "$img" "$WORK/src" \
		>/dev/null 2>"$WORK/err"; then
		echo "$key: failed: $(tail -n1 "$WORK/err")" >&2
		WALL[$key]=failed RSS[$key]=- SIZE[$key]=-
		return 0
	fi
	read -r w r <"$WORK/time"
	WALLS[$key]+="$w "
	RSSS[$key]+="$r "
	SIZE[$key]=$(stat -c %s "$img" | awk '{ printf "%.1f", $1 / 1048576 }')
	rm -f "$img"
}

# Reduce the per-run lists to medians (wall s, RSS MiB).
summarise() {
	local key
	for key in "${!WALLS[@]}"; do
		[ "${WALL[$key]:-}" = failed ] && continue
		# shellcheck disable=SC2086 # split the space-separated lists
		WALL[$key]=$(printf '%s\n' ${WALLS[$key]} | median)
		# shellcheck disable=SC2086
		RSS[$key]=$(printf '%s\n' ${RSSS[$key]} | median | awk '{ printf "%.1f", $1 / 1024 }')
	done
}

overhead() {
	local plain=${WALL[$1]:-failed} fp=${WALL[$2]:-failed}
	case "$plain$fp" in *failed*) echo n/a; return ;; esac
	awk -v p="$plain" -v f="$fp" 'BEGIN { if (p > 0) printf "%+.1f%%", (f - p) * 100 / p; else print "n/a" }'
}

ratio() {
	local a=${WALL[$1]:-failed} b=${WALL[$2]:-failed}
	case "$a$b" in *failed*) echo n/a; return ;; esac
	awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'
}

report() {
	local k
	printf '\nmkfs.erofs benchmark: %s (%s files, %s), median of %d, warm cache\n' \
		"$SOURCE" "$(find "$WORK/src" -type f | wc -l)" "$(du -sh "$WORK/src" | cut -f1)" "$RUNS"
	printf '%-24s %10s %14s %12s\n' "tool / mode" "wall (s)" "peak RSS (MiB)" "image (MiB)"
	for k in ours-plain ours-fp upstream-plain upstream-fp; do
		[ -n "${WALL[$k]:-}" ] || continue
		printf '%-24s %10s %14s %12s\n' "$k" "${WALL[$k]}" "${RSS[$k]}" "${SIZE[$k]}"
	done
	echo
	[ -n "${WALL[ours-plain]:-}" ] &&
		echo "fingerprinting overhead, ours:     $(overhead ours-plain ours-fp)  (target <= +15%)"
	[ -n "${WALL[upstream-plain]:-}" ] &&
		echo "fingerprinting overhead, upstream: $(overhead upstream-plain upstream-fp)"
	[ -n "${WALL[upstream-plain]:-}" ] && {
		echo "ours / upstream wall, plain:       $(ratio ours-plain upstream-plain)  (target <= 1.00x)"
		echo "ours / upstream wall, fingerprint: $(ratio ours-fp upstream-fp)"
	}
	return 0
}

main() {
	need_root "bind mount of the source, peer chroot"
	[ -x /usr/bin/time ] || need_cmd /usr/bin/time time
	[ -d "$SOURCE" ] || fail "$SOURCE: not a directory"
	mkfs_select
	local peer=1 reason i
	reason=$(peer_setup) || { peer=0; echo "upstream not measured: $reason" >&2; }
	e2e_workdir
	mkdir -p "$WORK/src"
	mount --bind "$SOURCE" "$WORK/src" || fail "cannot bind-mount $SOURCE"
	E2E_MOUNTS+=("$WORK/src")
	mount -o remount,bind,ro "$WORK/src" || true
	warm_cache

	# Interleave the tools run by run, so that background load on the
	# machine spreads over all of them instead of biasing one.
	for ((i = 0; i < RUNS; i++)); do
		if [ "$MKFS_KIND" = ours ]; then
			run_once ours-plain "$MKFS" --quiet
			run_once ours-fp "$MKFS" --quiet --ishare_key="$FP"
		fi
		if [ $peer = 1 ]; then
			# The peer wrapper (bash, unshare, chroot) adds a few ms.
			run_once upstream-plain "${PEER_MKFS_ARGV[@]}" --quiet
			run_once upstream-fp "${PEER_MKFS_ARGV[@]}" --quiet --xattr-inode-digest="$FP"
		fi
	done
	summarise
	report
}

main "$@"
