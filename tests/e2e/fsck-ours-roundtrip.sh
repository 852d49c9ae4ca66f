#!/bin/bash
# Our own mkfs.erofs images of the hostile tree: fsck.erofs --check-ishare
# passes them and --extract reproduces the tree; after one data byte of a
# file is flipped, --check-ishare names exactly that file (exit 4), and an
# image without fingerprints is refused by --check-ishare.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/hostile-tree.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/hostile-tree.sh"


# A regular file with one name, >= 8 KiB and content no other file has.
pick_victim() {
	python3 - "$1" <<'PY'
import hashlib, os, stat, sys
root = sys.argv[1]
seen, cands = {}, []
for top, _, files in os.walk(root):
    for name in files:
        p = os.path.join(top, name)
        st = os.lstat(p)
        if not stat.S_ISREG(st.st_mode):
            continue
        with open(p, 'rb') as f:
            h = hashlib.sha256(f.read()).digest()
        seen[h] = seen.get(h, 0) + 1
        if st.st_nlink == 1 and st.st_size >= 8192:
            cands.append((os.path.relpath(p, root), h))
for rel, h in sorted(cands):
    if seen[h] == 1 and rel.isascii() and rel.isprintable():
        print('/' + rel)
        break
PY
}

# Image byte of file data at logical offset 100, from dump.erofs --json.
data_offset() {
	"$DUMP" --json --path="$2" "$1" | python3 -c '
import json, sys
ino = json.load(sys.stdin)["inode"]
ext = [e for e in ino["extents"] if e["kind"] == "mapped"]
assert ext, "no mapped extent"
print(ext[0]["physical"] + 100)'
}

flip_byte() {
	python3 - "$1" "$2" <<'PY'
import sys
with open(sys.argv[1], 'r+b') as f:
    f.seek(int(sys.argv[2]))
    b = f.read(1)
    f.seek(int(sys.argv[2]))
    f.write(bytes([b[0] ^ 0x5a]))
PY
}

check_block_size() {
	local bs=$1 img=$WORK/ours-$1.erofs out rc=0 victim off errs
	"$MKFS" --quiet -b"$bs" --ishare_key "$img" "$WORK/src" ||
		fail "-b$bs: mkfs failed"
	out=$("$FSCK" --check-ishare "$img" 2>&1) || rc=$?
	[ "$rc" = 0 ] && grep -q ': clean$' <<<"$out" ||
		fail "-b$bs: fsck --check-ishare exit $rc: $out"
	"$FSCK" --extract="$WORK/x-$bs" "$img" >/dev/null ||
		fail "-b$bs: fsck --extract failed"
	compare_tree "$WORK/src" "$WORK/x-$bs" ||
		fail "-b$bs: extracted tree differs from the source"
	rm -rf "$WORK/x-$bs"

	victim=$(pick_victim "$WORK/src")
	[ -n "$victim" ] || fail "no file to corrupt in the hostile tree"
	off=$(data_offset "$img" "$victim") || fail "-b$bs: no data offset for $victim"
	flip_byte "$img" "$off"
	rc=0
	# findings go to stderr, one line each; the summary to stdout
	out=$("$FSCK" --check-ishare "$img" 2>&1 >/dev/null) || rc=$?
	[ "$rc" = 4 ] || fail "-b$bs: flipped data byte: exit $rc, want 4: $out"
	errs=$(wc -l <<<"$out")
	grep -qxF "fsck.erofs: $victim: fingerprint mismatch (content SHA-256 differs)" <<<"$out" &&
		[ "$errs" = 1 ] ||
		fail "-b$bs: want exactly one mismatch naming $victim, got: $out"
	# without --check-ishare the data still reads fine: clean
	"$FSCK" "$img" >/dev/null || fail "-b$bs: plain fsck fails on a data flip"
	rm -f "$img"
}

check_no_fingerprints() {
	local img=$WORK/nofp.erofs out rc=0
	"$MKFS" --quiet "$img" "$WORK/src" || fail "mkfs without fingerprints failed"
	out=$("$FSCK" --check-ishare "$img" 2>&1) || rc=$?
	[ "$rc" = 4 ] && grep -qxF "fsck.erofs: $img: no fingerprints: the ishare_xattrs feature is not set" <<<"$out" ||
		fail "--check-ishare on an image without fingerprints: exit $rc: $out"
}

patch() {
	python3 "$E2E_LIB/patch-image.py" "$@"
}

# One finding line, exactly, from fsck --check-ishare on a patched copy.
expect_finding() {
	local img=$1 want=$2 out rc=0
	out=$("$FSCK" --check-ishare "$img" 2>&1 >/dev/null) || rc=$?
	[ "$rc" = 4 ] && grep -qxF "$want" <<<"$out" ||
		fail "want '$want' (exit 4), got exit $rc: $out"
}

# Missing, malformed and misplaced fingerprints, each named precisely.
check_fingerprint_forms() {
	local img=$WORK/fp.erofs victim pos
	"$MKFS" --quiet --ishare_key "$img" "$WORK/src" || fail "mkfs failed"
	# unique content, so its value is in the image exactly once
	victim=$(pick_victim "$WORK/src")
	pos=$(patch "$img" find-fingerprint "$WORK/src$victim")

	cp "$img" "$WORK/t.erofs"
	patch "$WORK/t.erofs" set $((pos + 1)) 0x53	# "sha256:" -> "sHa256:"
	expect_finding "$WORK/t.erofs" \
		"fsck.erofs: $victim: fingerprint malformed (39 bytes, want \"sha256:\" + 32)"

	cp "$img" "$WORK/t.erofs"
	patch "$WORK/t.erofs" set $((pos - 3)) 0x01	# long prefix -> "user."
	expect_finding "$WORK/t.erofs" "fsck.erofs: $victim: fingerprint missing"

	cp "$img" "$WORK/t.erofs"
	patch "$WORK/t.erofs" set $((1024 + 0x69)) 5	# ishare_xattr_prefix_id
	expect_finding "$WORK/t.erofs" \
		"fsck.erofs: $WORK/t.erofs: invalid ishare_xattr_prefix_id 5 (1 xattr prefixes)"
	rm -f "$img" "$WORK/t.erofs"
}

main() {
	need_root "hostile tree and owner-preserving extraction"
	mkfs_select
	[ "$MKFS_KIND" = ours ] || skip "this test is about our mkfs"
	e2e_workdir
	hostile_tree "$WORK/src" 4
	check_block_size 4096
	check_block_size 1024
	check_no_fingerprints
	check_fingerprint_forms
}

main "$@"
