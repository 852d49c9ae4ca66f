#!/bin/bash
# Corruption fuzz: hundreds of deterministic runs flipping bits in, or
# scribbling random bytes over, the metadata of several images (ours and
# upstream's: plain, -b1024, chunk-based, -b512, compressed, the
# hand-crafted traversal, cycle and deep images), each checked with
# fsck.erofs and dump.erofs under a timeout. No run may hang, die of a
# signal, trip ASan/UBSan (build with --enable-sanitizers) or exit outside
# the documented statuses.
# FUZZ_RUNS / FUZZ_SEED override the run count and the seed.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/e2e.sh"

main() {
	local tools imgs=()
	tools=$(tools_dir)
	e2e_workdir
	python3 "$E2E_LIB/make-tree.py" small "$WORK/src" --seed 5
	python3 -c "import sys; sys.stdout.write('fuzz text\\n' * 20000)" >"$WORK/src/text"
	mkdir -p "$WORK/src/dir" && for i in $(seq 1 60); do : >"$WORK/src/dir/entry-$i"; done
	"$tools/mkfs/mkfs.erofs" --quiet --ishare_key "$WORK/ours.img" "$WORK/src" ||
		fail "mkfs failed"
	"$tools/mkfs/mkfs.erofs" --quiet -b1024 "$WORK/ours-1k.img" "$WORK/src" ||
		fail "mkfs -b1024 failed"
	imgs+=("$WORK/ours.img" "$WORK/ours-1k.img")
	python3 "$E2E_LIB/craft-image.py" traversal "$WORK/trav.img"
	python3 "$E2E_LIB/craft-image.py" cycle "$WORK/cycle.img"
	python3 "$E2E_LIB/craft-image.py" deep "$WORK/deep.img"
	imgs+=("$WORK/trav.img" "$WORK/cycle.img" "$WORK/deep.img")
	if peer_setup >/dev/null 2>&1; then
		peer_run mkfs.erofs --xattr-inode-digest --chunksize=4096 \
			"$WORK/chunk.img" "$WORK/src" >/dev/null 2>&1 &&
			imgs+=("$WORK/chunk.img")
		peer_run mkfs.erofs -b512 "$WORK/b512.img" "$WORK/src" >/dev/null 2>&1 &&
			imgs+=("$WORK/b512.img")
		peer_run mkfs.erofs -zlz4hc "$WORK/lz4.img" "$WORK/src" >/dev/null 2>&1 &&
			imgs+=("$WORK/lz4.img")
	else
		echo "upstream peer unavailable: fuzzing our images only" >&2
	fi
	python3 "$E2E_LIB/fuzz-images.py" --tools "$tools" --work "$WORK" \
		--runs "${FUZZ_RUNS:-300}" --seed "${FUZZ_SEED:-20261124}" "${imgs[@]}" ||
		fail "corruption fuzz found crashes, hangs or sanitizer reports"
}

main "$@"
