#!/bin/bash
# fsck.erofs and dump.erofs exit statuses and error lines when things go
# wrong around the check rather than in the image: a target directory that
# cannot be made, an empty --extract=, a --path that names nothing, files
# that cannot be extracted (already there, or a non-root user), options
# that need --extract, and errors about the inode the user asked for.
# Every case asserts the exact exit status and the exact lines on stderr,
# and that the summary never calls such a run clean.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/e2e.sh"

HINT="Try 'fsck.erofs --help' for more information."

# expect RC STDERR CMD...: exact exit status and stderr; never "clean".
expect() {
	local want_rc=$1 want_err=$2 rc=0
	shift 2
	"$@" >"$WORK/stdout" 2>"$WORK/stderr" || rc=$?
	[ "$rc" = "$want_rc" ] ||
		fail "$*: exit $rc, want $want_rc; stderr: $(cat "$WORK/stderr")"
	[ "$(cat "$WORK/stderr")" = "$want_err" ] ||
		fail "$*: stderr was:"$'\n'"$(cat "$WORK/stderr")"$'\n'"want:"$'\n'"$want_err"
	! grep -q 'clean' "$WORK/stdout" ||
		fail "$*: summary says clean: $(cat "$WORK/stdout")"
}

# The summary line (stdout) of the last expect, exactly.
expect_summary() {
	[ "$(cat "$WORK/stdout")" = "fsck.erofs: $IMG: $1" ] ||
		fail "summary was: $(cat "$WORK/stdout")"$'\n'"want: fsck.erofs: $IMG: $1"
}

make_image() {
	mkdir -p "$WORK/src/d"
	echo hello >"$WORK/src/a"
	echo world >"$WORK/src/d/b"
	head -c 20000 /dev/urandom >"$WORK/src/d/big"
	ln "$WORK/src/a" "$WORK/src/hl"
	ln -s a "$WORK/src/sym"
	mkfifo "$WORK/src/fifo"
	NSPECIAL=1
	if [ "$(id -u)" = 0 ]; then
		mknod "$WORK/src/cdev" c 1 3
		NSPECIAL=2
	fi
	IMG=$WORK/ours.img
	"$(tools_dir)/mkfs/mkfs.erofs" --quiet "$IMG" "$WORK/src" || fail "mkfs failed"
	chmod 0644 "$IMG"
	COUNTS="8 inodes (2 directories, 3 files, 1 symlink, $NSPECIAL special), 1 hard link, 20013 bytes of data read"
	[ "$NSPECIAL" = 2 ] || COUNTS="7 inodes (2 directories, 3 files, 1 symlink, 1 special), 1 hard link, 20013 bytes of data read"
}

# 1, 2: the target directory, --path and the tree already extracted.
check_targets() {
	local want=() line
	expect 8 "fsck.erofs: $WORK/no/such: cannot create directory: No such file or directory" \
		"$FSCK" --extract="$WORK/no/such" "$IMG"
	expect_summary "aborted: $WORK/no/such: cannot create directory: No such file or directory"
	: >"$WORK/afile"
	expect 8 "fsck.erofs: $WORK/afile: cannot open directory: Not a directory" \
		"$FSCK" --extract="$WORK/afile" "$IMG"
	expect_summary "aborted: $WORK/afile: cannot open directory: Not a directory"
	expect 16 "fsck.erofs: /nonexist: No such file or directory" \
		"$FSCK" --path=/nonexist "$IMG"
	expect 16 "fsck.erofs: /a/x: Not a directory" "$FSCK" --path=/a/x "$IMG"
	expect 16 "fsck.erofs: --extract= needs a directory name"$'\n'"$HINT" \
		"$FSCK" --extract= "$IMG"
	[ ! -s "$WORK/stdout" ] || fail "a usage error printed a summary"

	"$FSCK" --extract="$WORK/x" "$IMG" >/dev/null || fail "first extraction failed"
	for line in /a /cdev /d/b /d/big /fifo /hl /sym; do
		[ "$line" != /cdev ] || [ "$NSPECIAL" = 2 ] || continue
		want+=("fsck.erofs: $line: already exists (use --overwrite)")
	done
	expect 8 "$(printf '%s\n' "${want[@]}")" "$FSCK" --extract="$WORK/x" "$IMG"
	expect_summary "$COUNTS: 0 errors, 0 warnings, 0 not checked, ${#want[@]} files not extracted"
}

# 3: as nobody, /cdev cannot be made but everything else is; with
# --preserve-owner nothing can be owned by root, so no file is left.
check_non_root() {
	local asnobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
		echo "SKIP part: the non-root extraction needs root and setpriv" >&2
		return 0
	fi
	chmod 0755 "$WORK"
	mkdir -m 0777 "$WORK/nobody"
	expect 8 "fsck.erofs: /cdev: cannot create node: Operation not permitted" \
		"${asnobody[@]}" "$FSCK" --extract="$WORK/nobody/x" "$IMG"
	expect_summary "$COUNTS: 0 errors, 0 warnings, 0 not checked, 1 file not extracted"
	[ ! -e "$WORK/nobody/x/cdev" ] || fail "/cdev exists after failing"
	cmp "$WORK/src/d/big" "$WORK/nobody/x/d/big" || fail "/d/big after /cdev differs"
	{ [ -p "$WORK/nobody/x/fifo" ] && [ "$(readlink "$WORK/nobody/x/sym")" = a ] &&
		[ "$(cat "$WORK/nobody/x/hl")" = hello ]; } ||
		fail "files after /cdev were not extracted"

	expect 8 "fsck.erofs: /a: cannot change owner: Operation not permitted
fsck.erofs: /cdev: cannot create node: Operation not permitted
fsck.erofs: /d/b: cannot change owner: Operation not permitted
fsck.erofs: /d/big: cannot change owner: Operation not permitted
fsck.erofs: /d: cannot change owner: Operation not permitted
fsck.erofs: /fifo: cannot change owner: Operation not permitted
fsck.erofs: /hl: hard link not created: the inode's first name was not extracted
fsck.erofs: /sym: cannot change owner: Operation not permitted
fsck.erofs: /: cannot change owner: Operation not permitted" \
		"${asnobody[@]}" "$FSCK" --preserve-owner --extract="$WORK/nobody/y" "$IMG"
	expect_summary "$COUNTS: 0 errors, 0 warnings, 0 not checked, 9 files not extracted"
	[ "$(cd "$WORK/nobody/y" && find . | sort | tr '\n' ' ')" = ". ./d " ] ||
		fail "partial files left behind: $(cd "$WORK/nobody/y" && find .)"
}

# 4: errors about the inode asked for name it as the user did.
check_subjects() {
	local nid pos bad=$WORK/bad.img
	nid=$("$DUMP" --json --path=/d "$IMG" | python3 -c 'import json, sys; print(json.load(sys.stdin)["inode"]["nid"])')
	pos=$("$DUMP" --json --path=/d/big "$IMG" | python3 -c 'import json, sys; print(json.load(sys.stdin)["inode"]["position"])')
	expect 1 "dump.erofs: /d: Is a directory" "$DUMP" --cat --path=/d "$IMG"
	expect 1 "dump.erofs: nid $nid: Is a directory" "$DUMP" --cat --nid="$nid" "$IMG"
	expect 1 "dump.erofs: nid 999999: inode beyond the end of the image" \
		"$DUMP" --nid=999999 "$IMG"
	expect 4 "fsck.erofs: nid 999999: inode beyond the end of the image" \
		"$FSCK" --nid=999999 "$IMG"
	expect_summary "0 inodes (0 directories, 0 files, 0 symlinks, 0 special), 0 hard links, 0 bytes of data read: 1 error, 0 warnings, 0 not checked"
	# /d/big's start block (i_u, §3.5) far beyond the image
	cp "$IMG" "$bad"
	python3 "$E2E_LIB/patch-image.py" "$bad" set $((pos + 16 + 3)) 127
	expect 1 "dump.erofs: /d/big: data blocks beyond the end of the image" \
		"$DUMP" --cat --path=/d/big "$bad"
	expect 4 "fsck.erofs: /d/big: data blocks beyond the end of the image" \
		"$FSCK" --path=/d/big "$bad"
}

# 5: extraction options without --extract=DIR.
check_extract_options() {
	local opt
	for opt in overwrite force preserve no-preserve preserve-owner \
		   no-preserve-owner preserve-perms no-preserve-perms xattrs no-xattrs; do
		expect 16 "fsck.erofs: --$opt needs --extract"$'\n'"$HINT" \
			"$FSCK" "--$opt" "$IMG"
		[ ! -s "$WORK/stdout" ] || fail "--$opt: a usage error printed a summary"
	done
	expect 16 "fsck.erofs: --overwrite needs --extract=DIR"$'\n'"$HINT" \
		"$FSCK" --extract --overwrite "$IMG"
}

main() {
	e2e_workdir
	make_image
	check_targets
	check_non_root
	check_subjects
	check_extract_options
}

main "$@"
