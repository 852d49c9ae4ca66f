#!/bin/bash
# A real tree: mkfs.erofs on this machine's /usr/share (or $USR_SHARE_SRC)
# must mount on the running kernel and compare equal to the source, and
# upstream fsck.erofs must accept the image.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/e2e.sh"

SRC=${USR_SHARE_SRC:-/usr/share}

main() {
	need_erofs_mount
	[ -d "$SRC" ] || skip "$SRC does not exist"
	mkfs_select
	e2e_workdir
	local img=$WORK/usr-share.erofs mnt=$WORK/mnt rc=0 out
	run_mkfs --quiet "$img" "$SRC" || fail "mkfs on $SRC failed"
	mount_erofs "$img" "$mnt"
	compare_tree "$SRC" "$mnt" || fail "mounted image of $SRC differs from the source"
	umount_erofs "$mnt"
	need_peer
	out=$(peer_run fsck.erofs "$img" 2>&1) || rc=$?
	if [ $rc != 0 ] || grep -q '<E>' <<<"$out"; then
		echo "$out" | head -n 20 >&2
		fail "upstream fsck.erofs rejects the image of $SRC"
	fi
	echo "$SRC: $(stat -c %s "$img") byte image mounts, compares equal, upstream fsck accepts it"
}

main "$@"
