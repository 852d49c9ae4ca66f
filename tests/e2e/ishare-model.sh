#!/bin/bash
# dump.erofs --ishare-report and fsck.erofs --check-ishare on small images
# built by upstream mkfs 1.9.x, checked against figures computed
# independently: file sizes and contents seen through the host kernel's
# mount of the same images (the host kernel has no sharing, only the
# files), grouped by SHA-256 of their content.
# Exit 0 pass, 77 skip, else fail.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/peer.sh
source "$HERE/../lib/peer.sh"
# shellcheck source-path=SCRIPTDIR source=../kernel/ishare-images.sh
source "$HERE/../kernel/ishare-images.sh"

TOOLS_DIR=$(tools_dir)

need_root "loop mounts, tmpfs, peer chroot"
command -v jq >/dev/null 2>&1 || skip "jq not installed"
reason=$(peer_setup) || skip "upstream peer unavailable: $reason"
work=$(mktemp -d "${TMPDIR:-/tmp}/ishare-model.XXXXXX")
cleanup() {
	umount "$work/m1" 2>/dev/null || true
	umount "$work/m2" 2>/dev/null || true
	rm -rf --one-file-system -- "$work"
}
trap cleanup EXIT
ishare_build_images "$work/img" >"$work/build.log" 2>&1 || fail "building images: $(tail -n1 "$work/build.log")"
cd "$work/img"

# ---- expected figures from the host kernel's view of the images ----------
mkdir -p "$work/m1" "$work/m2"
mount -t erofs -o loop,ro plain1.img "$work/m1" || skip "host cannot mount erofs"
mount -t erofs -o loop,ro plain2.img "$work/m2"
# "inode size sha256" per regular-file inode, both images
for m in m1 m2; do
	find "$work/$m" -type f -printf '%i %s %p\n' | sort -u -k1,1 |
		while read -r ino size path; do
			echo "$m:$ino $size $(sha256sum <"$path" | cut -c1-64)"
		done
done >"$work/files"
dirs=$(find "$work/m1" "$work/m2" -type d -printf '%s\n' | awk '{ p += int(($1 + 4095) / 4096) } END { print p * 4096 }')
umount "$work/m1" "$work/m2"
pages() { awk '{ p += int(($2 + 4095) / 4096) } END { print p * 4096 }'; }
want_without=$(pages <"$work/files")
# with sharing: one page cache per (content, size) among non-empty files
want_with=$(awk '$2 > 0 { k[$3 " " $2] = $2 } END { for (x in k) print "x", k[x] }' "$work/files" | pages)
want_groups=$(awk '$2 > 0 { n[$3 " " $2]++ } END { g = 0; for (x in n) if (n[x] > 1) g++; print g }' "$work/files")

# ---- the report -----------------------------------------------------------
"$DUMP" --ishare-report --json --domain-id=x plain1.img plain2.img >"$work/r.json" ||
	fail "dump.erofs --ishare-report failed"
check() {
	local key=$1 want=$2 got
	got=$(jq ".$key" "$work/r.json")
	[ "$got" = "$want" ] || fail "$key: got $got, want $want"
	echo "$key = $got"
}
check data_without_sharing "$want_without"
check data_with_sharing "$want_with"
check metadata "$dirs"
check page_cache_without_sharing $((want_without + dirs))
check page_cache_with_sharing $((want_with + dirs))
check shared_groups "$want_groups"
check unsafe_groups 0
check files "$(wc -l <"$work/files")"

# the table states what it trusted, and the figures in MB
"$DUMP" --ishare-report --domain-id=x plain1.img plain2.img >"$work/r.txt"
grep -q '^Content: sha256 fingerprints trusted as written' "$work/r.txt" ||
	fail "table does not say how content was checked"
grep -q "^Shared groups: $want_groups (0 unsafe, 0 unverifiable)" "$work/r.txt" ||
	fail "table shared groups: $(grep '^Shared' "$work/r.txt")"

# near misses: compressed vs uncompressed costs text.txt's pages (and more)
"$DUMP" --ishare-report --json lz1.img plain2.img >"$work/nm.json"
jq -e '.near_misses | any(.reason == "compressed vs uncompressed" and .file.path == "/text.txt")' \
	"$work/nm.json" >/dev/null || fail "no compressed-vs-uncompressed near miss for /text.txt"

# ---- fsck --check-ishare ---------------------------------------------------
"$FSCK" --check-ishare plain1.img plain2.img >"$work/f.out" 2>&1 ||
	fail "fsck --check-ishare on clean images: $(cat "$work/f.out")"
grep -q "^2 images, .* 0 unsafe" "$work/f.out" || fail "fsck summary: $(cat "$work/f.out")"
rc=0
"$FSCK" --check-ishare plain1.img forged2.img >"$work/f2.out" 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "fsck --check-ishare passed a forged fingerprint"
grep -qx 'fsck.erofs: forged2.img:/diff.bin: fingerprint does not match the content' "$work/f2.out" ||
	fail "no mismatch line: $(cat "$work/f2.out")"
grep -q '^fsck.erofs: unsafe sharing group: plain1.img:/diff.bin forged2.img:/diff.bin: ' "$work/f2.out" ||
	fail "no unsafe group line: $(cat "$work/f2.out")"
# the report flags it too once asked to look at contents
"$DUMP" --ishare-report --verify --json plain1.img forged2.img >"$work/v.json"
[ "$(jq .unsafe_groups "$work/v.json")" = 1 ] || fail "dump --verify: unsafe_groups $(jq .unsafe_groups "$work/v.json")"

# ---- bad input: one line, non-zero, nothing on stdout -----------------------
rc=0
"$DUMP" --ishare-report plain1.img nonexistent.img >"$work/bad.out" 2>"$work/bad.err" || rc=$?
[ "$rc" != 0 ] || fail "dump accepted a missing image"
[ ! -s "$work/bad.out" ] || fail "partial output on bad input"
[ "$(wc -l <"$work/bad.err")" = 1 ] && grep -q '^dump.erofs: nonexistent.img: ' "$work/bad.err" ||
	fail "bad input message: $(cat "$work/bad.err")"
printf '0 /nope 0 1\n' >"$work/t"
rc=0
"$DUMP" --ishare-report --trace="$work/t" plain1.img >"$work/bad.out" 2>"$work/bad.err" || rc=$?
[ "$rc" != 0 ] && [ ! -s "$work/bad.out" ] || fail "bad trace accepted"
grep -qx "dump.erofs: $work/t: trace line 1: no regular file '/nope' in image 0" "$work/bad.err" ||
	fail "bad trace message: $(cat "$work/bad.err")"
# command-line mistakes: exit 2 (dump) / 16 (fsck), the same one-line wording
rc=0
"$DUMP" --ishare-report plain1.img -o file >"$work/bad.out" 2>"$work/bad.err" || rc=$?
[ "$rc" = 2 ] && [ ! -s "$work/bad.out" ] || fail "dangling -o: exit $rc"
grep -qx 'dump.erofs: file: -o must come before the image it applies to' "$work/bad.err" ||
	fail "dangling -o message: $(cat "$work/bad.err")"
rc=0
"$FSCK" --check-ishare --mount=nfs plain1.img plain2.img >"$work/bad.out" 2>"$work/bad.err" || rc=$?
[ "$rc" = 16 ] || fail "fsck --mount=nfs: exit $rc"
grep -qx 'fsck.erofs: nfs: --mount takes loop or file' "$work/bad.err" ||
	fail "--mount=nfs message: $(cat "$work/bad.err")"

# ---- trace workload ---------------------------------------------------------
printf '0 /same.bin 0 4096\n1 same.bin 4096 4096\n1 /diff.bin 0 1\n' >"$work/t"
"$DUMP" --ishare-report --json --trace="$work/t" plain1.img plain2.img >"$work/t.json"
[ "$(jq .data_without_sharing "$work/t.json")" = $((3 * 4096)) ] &&
	[ "$(jq .data_with_sharing "$work/t.json")" = $((3 * 4096)) ] ||
	fail "trace footprint: $(jq -c '[.data_without_sharing, .data_with_sharing]' "$work/t.json")"
printf '0 /same.bin 0 8192\n1 /same.bin 4096 8192\n' >"$work/t"
"$DUMP" --ishare-report --json --trace="$work/t" plain1.img plain2.img >"$work/t.json"
[ "$(jq .data_without_sharing "$work/t.json")" = $((4 * 4096)) ] &&
	[ "$(jq .data_with_sharing "$work/t.json")" = $((3 * 4096)) ] ||
	fail "trace union: $(jq -c '[.data_without_sharing, .data_with_sharing]' "$work/t.json")"
echo "ishare model end-to-end: ok"
