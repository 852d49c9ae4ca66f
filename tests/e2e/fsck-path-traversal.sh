#!/bin/bash
# A hand-crafted image whose directory entries try to escape the
# extraction target ("a/b" as a name, a ".." entry that is a regular file)
# must not write anything outside DIR; fsck reports both directories by
# path and exits 4. dump.erofs --ls refuses the bad block too. A directory
# cycle is reported once, with the path where it closes, without hanging,
# and 2000 nested directories stop at the walker's depth limit.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/e2e.sh"


main() {
	local out rc=0 listing
	e2e_workdir
	python3 "$E2E_LIB/craft-image.py" traversal "$WORK/trav.erofs"
	mkdir -p "$WORK/sandbox/target"
	out=$("$FSCK" --extract="$WORK/sandbox/target" "$WORK/trav.erofs" 2>&1 >/dev/null) || rc=$?
	[ "$rc" = 4 ] || fail "hostile image: exit $rc, want 4: $out"
	grep -qxF "fsck.erofs: /s: inode 41: '.' or '..' entry is not a directory" <<<"$out" ||
		fail "the fake '..' entry is not reported: $out"
	grep -qxF "fsck.erofs: /t: inode 43: name contains '/' or NUL" <<<"$out" ||
		fail "the 'a/b' entry is not reported: $out"
	# nothing but the two (empty) directories, and nothing beside target
	listing=$(cd "$WORK/sandbox" && find . | sort | tr '\n' ' ')
	[ "$listing" = ". ./target ./target/s ./target/t " ] ||
		fail "extraction wrote unexpected paths: $listing"
	rc=0
	out=$("$DUMP" --ls --path=/t "$WORK/trav.erofs" 2>&1 >/dev/null) || rc=$?
	[ "$rc" = 1 ] && grep -qxF "dump.erofs: /t: name contains '/' or NUL" <<<"$out" ||
		fail "dump.erofs --ls: exit $rc: $out"

	python3 "$E2E_LIB/craft-image.py" cycle "$WORK/cycle.erofs"
	rc=0
	out=$(timeout 20 "$FSCK" --extract="$WORK/cyc" "$WORK/cycle.erofs" 2>&1 >/dev/null) || rc=$?
	[ "$rc" = 4 ] || fail "cycle image: exit $rc, want 4: $out"
	[ "$out" = "fsck.erofs: /c/loop: directory (inode 40) reachable twice (cycle or hard-linked directory)" ] ||
		fail "cycle image: unexpected report: $out"
	rc=0
	timeout 20 "$DUMP" -S "$WORK/cycle.erofs" >/dev/null 2>&1 || rc=$?
	[ "$rc" = 1 ] || fail "dump.erofs -S on a cycle: exit $rc, want 1"

	python3 "$E2E_LIB/craft-image.py" deep "$WORK/deep.erofs"
	rc=0
	out=$(timeout 20 "$FSCK" "$WORK/deep.erofs" 2>&1 >/dev/null) || rc=$?
	[ "$rc" = 4 ] && grep -q '^fsck.erofs: \(/d\)\{1025\}: directories nested deeper than 1024$' <<<"$out" ||
		fail "deep image: exit $rc: $(cut -c1-200 <<<"$out")"
}

main "$@"
