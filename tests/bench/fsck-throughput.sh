#!/bin/bash
# Throughput of fsck.erofs --check-ishare (read every byte, SHA-256 it,
# compare with the fingerprint) on a 1 GiB uncompressed image, warm page
# cache, plain and chunk-based layouts; median of RUNS runs (default 5).
# Target: >= 1 GB/s on 2 cores. Also times upstream 1.9.x
# fsck.erofs --xattr-inode-digest on the same image when the peer is there.
#
#   tests/bench/fsck-throughput.sh            (SIZE_MB=1024 RUNS=5)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../e2e/lib/e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib/e2e.sh"

TOOLS=$(tools_dir)
RUNS=${RUNS:-5}
SIZE_MB=${SIZE_MB:-1024}
FILES=16

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# time_runs CMD...: median wall seconds of RUNS runs (each must exit 0)
time_runs() {
	local i t0 t1
	for ((i = 0; i < RUNS; i++)); do
		t0=$(date +%s.%N)
		"$@" >/dev/null 2>&1 || { echo failed; return 0; }
		t1=$(date +%s.%N)
		echo "$t1 - $t0" | bc -l
	done | median
}

report() {
	local label=$1 secs=$2
	if [ "$secs" = failed ]; then
		printf '%-44s %10s\n' "$label" failed
		return
	fi
	printf '%-44s %8.3f s %8.2f GB/s\n' "$label" "$secs" \
		"$(echo "$SIZE_MB * 1048576 / $secs / 1000000000" | bc -l)"
}

bench_image() {
	local name=$1 img=$WORK/$1.erofs; shift
	"$TOOLS/mkfs/mkfs.erofs" --quiet --ishare_key "$@" "$img" "$WORK/src" ||
		fail "mkfs $name failed"
	cat "$img" >/dev/null		# warm cache
	report "ours: fsck --check-ishare ($name)" \
		"$(time_runs "$TOOLS/fsck/fsck.erofs" --check-ishare "$img")"
	if [ "$HAVE_PEER" = 1 ]; then
		report "upstream: fsck --xattr-inode-digest ($name)" \
			"$(time_runs peer_run fsck.erofs --xattr-inode-digest "$img")"
	fi
	rm -f "$img"
}

# Chunk-based layout (4 KiB chunks, one map entry per block): our mkfs
# does not write it, so upstream builds the image.
bench_peer_chunk() {
	local img=$WORK/chunk.erofs
	peer_run mkfs.erofs --xattr-inode-digest --chunksize=4096 "$img" "$WORK/src" \
		>/dev/null 2>&1 || fail "upstream mkfs --chunksize failed"
	cat "$img" >/dev/null
	report "ours: fsck --check-ishare (upstream chunk 4K)" \
		"$(time_runs "$TOOLS/fsck/fsck.erofs" --check-ishare "$img")"
	rm -f "$img"
}

main() {
	local i
	need_cmd bc bc
	e2e_workdir
	mkdir "$WORK/src"
	for ((i = 0; i < FILES; i++)); do
		head -c $((SIZE_MB / FILES))M /dev/urandom >"$WORK/src/f$i"
	done
	HAVE_PEER=0
	peer_setup >/dev/null 2>&1 && HAVE_PEER=1
	echo "fsck throughput, $SIZE_MB MiB in $FILES files, $(nproc) CPUs, median of $RUNS"
	bench_image plain
	[ "$HAVE_PEER" = 1 ] && bench_peer_chunk
	return 0
}

main "$@"
