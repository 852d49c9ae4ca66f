#!/bin/bash
# --json output of fsck.erofs and every dump.erofs view is valid JSON for
# an image whose names are not UTF-8 (or hold backslashes, quotes,
# newlines), and the names decode back to the exact bytes (json.h rule:
# "\\" is a backslash, "\xHH" a raw byte). A finding about a file with
# such a name carries its path losslessly too.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/e2e.sh"


make_src() {
	python3 - "$1" <<'PY'
import os, sys
root = os.fsencode(sys.argv[1])
os.mkdir(root)
names = [b'\xff\xfe-latin1', b'back\\slash', b'quote"d', b'new\nline',
         'ünïcödé'.encode(), b'tab\there', b'x\\x41']
for i, n in enumerate(names):
    with open(os.path.join(root, n), 'wb') as f:
        f.write(bytes([i]) * (8192 + i))
os.mkdir(os.path.join(root, b'd\xe9j\xe0'))
PY
}

# Decode json.h's escaping of byte strings.
DECODE='
def decode(s):
    out, i = bytearray(), 0
    while i < len(s):
        c = s[i]
        if c == "\\" and s[i + 1] == "\\":
            out += b"\\"; i += 2
        elif c == "\\" and s[i + 1] == "x":
            out.append(int(s[i + 2:i + 4], 16)); i += 4
        else:
            out += c.encode(); i += 1
    return bytes(out)
'

check_ls() {
	"$DUMP" --json --ls --path=/ "$1" | python3 -c "$DECODE"'
import json, os, sys
doc = json.load(sys.stdin)
got = sorted(decode(e["name"]) for e in doc["entries"])
want = sorted([b".", b".."] + os.listdir(os.fsencode(sys.argv[1])))
assert got == want, (got, want)
' "$2" || fail "dump --json --ls names differ from the source"
}

check_views() {
	local img=$1 v
	for v in "-s" "-S" "-s -S" "--path=/" "--nid=$(root_nid "$img")"; do
		# shellcheck disable=SC2086 # $v holds options
		"$DUMP" --json $v "$img" | python3 -m json.tool >/dev/null ||
			fail "dump.erofs --json $v is not valid JSON"
	done
	"$DUMP" --json --path="$WORK/src" "$img" >/dev/null 2>&1 && fail "bogus path accepted"
	"$FSCK" --json --check-ishare "$img" | python3 -m json.tool >/dev/null ||
		fail "fsck.erofs --json is not valid JSON"
}

root_nid() {
	"$DUMP" --json -s "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["superblock"]["root_nid"])'
}

check_finding_path() {
	local img=$1 off rc=0
	off=$("$DUMP" --json --path=$'/\xff\xfe-latin1' "$img" | python3 -c '
import json, sys
print([e for e in json.load(sys.stdin)["inode"]["extents"] if e["kind"] == "mapped"][0]["physical"])')
	printf '\x77' | dd of="$img" bs=1 seek="$off" conv=notrunc status=none
	"$FSCK" --json --check-ishare "$img" >"$WORK/fsck.json" || rc=$?
	[ "$rc" = 4 ] || fail "fsck --json on a flipped file: exit $rc, want 4"
	python3 -c "$DECODE"'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["exit_status"] == 4 and doc["counts"]["errors"] == 1, doc
f = doc["findings"][0]
assert f["kind"] == "error" and decode(f["path"]) == b"/\xff\xfe-latin1", f
assert f["reason"].startswith("fingerprint mismatch"), f
' "$WORK/fsck.json" || fail "fsck --json finding does not name the file losslessly"
	check_finding_line "$img"
}

# In text mode a finding stays on one line: control bytes print as \xHH.
check_finding_line() {
	local img=$1 off rc=0
	off=$("$DUMP" --json --path=$'/new\nline' "$img" | python3 -c '
import json, sys
print([e for e in json.load(sys.stdin)["inode"]["extents"] if e["kind"] == "mapped"][0]["physical"])')
	printf '\x77' | dd of="$img" bs=1 seek="$off" conv=notrunc status=none
	"$FSCK" --check-ishare "$img" >/dev/null 2>"$WORK/fsck.err" || rc=$?
	[ "$rc" = 4 ] || fail "fsck on two flipped files: exit $rc, want 4"
	grep -qxF 'fsck.erofs: /new\x0aline: fingerprint mismatch (content SHA-256 differs)' \
		"$WORK/fsck.err" || fail "finding for a name with a newline: $(cat "$WORK/fsck.err")"
	[ "$(wc -l <"$WORK/fsck.err")" = 2 ] ||
		fail "fsck printed other than one line per finding: $(cat "$WORK/fsck.err")"
}

main() {
	e2e_workdir
	mkfs_select
	make_src "$WORK/src"
	run_mkfs "$(mkfs_fp_opt)" "$WORK/img" "$WORK/src" >/dev/null ||
		fail "mkfs failed"
	check_ls "$WORK/img" "$WORK/src"
	check_views "$WORK/img"
	check_finding_path "$WORK/img"
}

main "$@"
