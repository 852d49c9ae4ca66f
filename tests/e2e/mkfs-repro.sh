#!/bin/bash
# Reproducibility: the same tree with the same -T and -U gives a
# byte-identical image, also when the tree was created in the opposite
# order on another filesystem (so readdir returns the entries in a
# different order: ext4 lists by name hash, tmpfs newest first) and lives
# at a different path.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/hostile-tree.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/hostile-tree.sh"

T=1600000000
UUID=2f3c8a4e-1b7d-4c59-9e60-5a1d2b3c4d5e

# Directory listings in raw readdir order, to prove the premise: the two
# trees really are enumerated differently.
readdir_order() {
	python3 -c '
import os, sys
root = os.fsencode(sys.argv[1])
for d, dirs, files in os.walk(root):
    sys.stdout.buffer.write(os.path.relpath(d, root) + b"\0" +
                            b"\0".join(os.listdir(d)) + b"\n")
' "$1"
}

build() {
	run_mkfs --quiet -T"$T" -U"$UUID" "$@" || fail "mkfs $* failed"
}

main() {
	need_root "devices and ownership in the source tree"
	mkfs_select
	e2e_workdir
	hostile_tree "$WORK/a" 3
	mount_tmpfs "$WORK/b-reversed" 256m
	hostile_tree "$WORK/b-reversed" 3 reverse
	compare_tree "$WORK/a" "$WORK/b-reversed" >/dev/null ||
		fail "generator bug: forward and reversed trees differ"
	if cmp -s <(readdir_order "$WORK/a") <(readdir_order "$WORK/b-reversed"); then
		fail "generator bug: reversed tree has the same readdir order"
	fi

	build "$WORK/1.erofs" "$WORK/a"
	build "$WORK/2.erofs" "$WORK/a"
	cmp "$WORK/1.erofs" "$WORK/2.erofs" ||
		fail "two builds of the same tree differ"
	build "$WORK/3.erofs" "$WORK/b-reversed"
	cmp "$WORK/1.erofs" "$WORK/3.erofs" ||
		fail "the same tree created in reverse order gives a different image"
	for bs in 1024 512; do
		build -b"$bs" "$WORK/a-$bs.erofs" "$WORK/a"
		build -b"$bs" "$WORK/b-$bs.erofs" "$WORK/b-reversed"
		cmp "$WORK/a-$bs.erofs" "$WORK/b-$bs.erofs" ||
			fail "-b$bs: reversed tree gives a different image"
	done
	# The fingerprint pass must be as deterministic as the rest.
	build "$(mkfs_fp_opt trusted.erofs.fingerprint)" "$WORK/fa.erofs" "$WORK/a"
	build "$(mkfs_fp_opt trusted.erofs.fingerprint)" "$WORK/fb.erofs" "$WORK/b-reversed"
	cmp "$WORK/fa.erofs" "$WORK/fb.erofs" ||
		fail "fingerprinted builds of the same tree differ"
	# A different UUID must change the image, or the cmp above proves little.
	run_mkfs --quiet -T"$T" -U"${UUID%?}0" "$WORK/4.erofs" "$WORK/a" || fail "mkfs failed"
	if cmp -s "$WORK/1.erofs" "$WORK/4.erofs"; then
		fail "-U has no effect on the image"
	fi
	echo "reproducible: $(stat -c %s "$WORK/1.erofs") bytes, sha256 $(sha256sum <"$WORK/1.erofs" | cut -c1-16)"
}

main "$@"
