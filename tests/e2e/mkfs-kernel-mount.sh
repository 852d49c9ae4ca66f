#!/bin/bash
# mkfs.erofs → running kernel: build images of the hostile tree with block
# sizes 4096, 1024 and 512, loop-mount each read-only and compare every
# path with the source (type, mode, owner, mtime with nanoseconds, size,
# content, symlink target, rdev, xattrs incl. ACLs, hard links). Then once
# more with -T: every inode must carry exactly that mtime.
# MKFS=peer runs the same checks against upstream mkfs.erofs 1.9.x.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/hostile-tree.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/hostile-tree.sh"

check_block_size() {
	local bs=$1
	local img=$WORK/hostile-$bs.erofs mnt=$WORK/mnt-$bs
	run_mkfs --quiet -b"$bs" "$img" "$WORK/src" || fail "mkfs -b$bs failed"
	[ $((1 << $(od -An -tu1 -j $((1024 + 0x0C)) -N1 "$img"))) = "$bs" ] ||
		fail "-b$bs: superblock blkszbits does not say $bs"
	mount_erofs "$img" "$mnt"
	[ "$(stat -f -c %S "$mnt")" = "$bs" ] ||
		fail "-b$bs: kernel reports block size $(stat -f -c %S "$mnt")"
	compare_tree "$WORK/src" "$mnt" ||
		fail "block size $bs: mounted image differs from the source"
	umount_erofs "$mnt"
	rm -f "$img"
	echo "block size $bs: mounted image equals the source"
}

check_fixed_time() {
	local t=1234567890 img=$WORK/hostile-T.erofs mnt=$WORK/mnt-T
	run_mkfs --quiet -T"$t" "$img" "$WORK/src" || fail "mkfs -T$t failed"
	mount_erofs "$img" "$mnt"
	compare_tree --all-mtime "$t" "$WORK/src" "$mnt" ||
		fail "-T$t: mounted image differs (every mtime must be $t)"
	umount_erofs "$mnt"
	echo "-T$t: every mtime is $t, everything else equals the source"
}

main() {
	need_erofs_mount
	mkfs_select
	e2e_workdir
	hostile_tree "$WORK/src" 1
	for bs in 4096 1024 512; do
		check_block_size "$bs"
	done
	check_fixed_time
}

main "$@"
