#!/bin/bash
# Extraction into a full filesystem: fsck.erofs --extract stops with one
# line naming the file that did not fit and the reason, exits 8, and leaves
# no partial copy of that file behind.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/e2e.sh"

main() {
	local tools out rc=0
	need_root "tmpfs mount"
	tools=$(tools_dir)
	e2e_workdir
	mkdir -p "$WORK/src/a"
	echo small >"$WORK/src/a/first"
	head -c $((3 * 1024 * 1024)) /dev/urandom >"$WORK/src/big"
	"$tools/mkfs/mkfs.erofs" --quiet "$WORK/img" "$WORK/src" || fail "mkfs failed"
	mount_tmpfs "$WORK/full" 1m
	out=$("$tools/fsck/fsck.erofs" --extract="$WORK/full/x" "$WORK/img" 2>&1 >/dev/null) || rc=$?
	[ "$rc" = 8 ] || fail "extraction into a full tmpfs: exit $rc, want 8: $out"
	[ "$out" = "fsck.erofs: /big: write failed: No space left on device" ] ||
		fail "unexpected report: $out"
	[ ! -e "$WORK/full/x/big" ] || fail "a partial /big was left behind"
	[ "$(cat "$WORK/full/x/a/first")" = small ] || fail "files before /big are missing"
}

main "$@"
