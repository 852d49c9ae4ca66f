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
# directories count in Cached:, inode/xattr blocks (Buffers:) are measured
# against Linux 7.3 by tests/kernel/readall.sh; here they only add up
check directory_bytes "$dirs"
check cached_without_sharing $((want_without + dirs))
check cached_with_sharing $((want_with + dirs))
buffers=$(jq .buffers "$work/r.json")
img_bytes=$(($(stat -c %s plain1.img) + $(stat -c %s plain2.img)))
[ "$buffers" -ge $((2 * 4096)) ] && [ "$buffers" -le "$img_bytes" ] ||
	fail "buffers: $buffers, not between both superblock pages and $img_bytes"
check metadata $((dirs + buffers))
check page_cache_without_sharing $((want_without + dirs + buffers))
check page_cache_with_sharing $((want_with + dirs + buffers))
check shared_groups "$want_groups"
check unsafe_groups 0
check files "$(wc -l <"$work/files")"

# the table states how it checked content (compared unless --trust)
"$DUMP" --ishare-report --domain-id=x plain1.img plain2.img >"$work/r.txt"
grep -q '^Content: group members compared byte by byte' "$work/r.txt" ||
	fail "table does not say it compared: $(grep '^Content' "$work/r.txt")"
grep -q "^Shared groups: $want_groups (0 unsafe, 0 unverifiable)" "$work/r.txt" ||
	fail "table shared groups: $(grep '^Shared' "$work/r.txt")"
"$DUMP" --ishare-report --trust --domain-id=x plain1.img plain2.img >"$work/r.txt"
grep -q '^Content: sha256 fingerprints trusted as written' "$work/r.txt" ||
	fail "--trust table does not say it trusted: $(grep '^Content' "$work/r.txt")"
[ "$(jq -r .content_check "$work/r.json")" = compared ] || fail "content_check: $(jq .content_check "$work/r.json")"

# an empty domain_id: Linux refuses the mount (EINVAL, "Bad value for 'domain_id'")
for args in "--domain-id= plain1.img" "-o domain_id= plain1.img"; do
	# shellcheck disable=SC2086 # split on purpose
	"$DUMP" --ishare-report --json $args >"$work/d.json" || fail "dump $args failed"
	[ "$(jq '.images[0].mount_error' "$work/d.json")" = -22 ] &&
		[ "$(jq -r '.kernel_messages[0].text' "$work/d.json")" = "Bad value for 'domain_id'" ] &&
		[ "$(jq .data_without_sharing "$work/d.json")" = 0 ] ||
		fail "empty domain_id ($args) not a mount error: $(jq -c '[.images[0].mount_error, .kernel_messages]' "$work/d.json")"
done

# near misses: compressed vs uncompressed costs text.txt's pages (and more)
"$DUMP" --ishare-report --json lz1.img plain2.img >"$work/nm.json"
jq -e '.near_misses | any(.reason == "compressed vs uncompressed" and .file.path == "/text.txt")' \
	"$work/nm.json" >/dev/null || fail "no compressed-vs-uncompressed near miss for /text.txt"
# on a tie the file left out is the one that cannot share, whatever the order
"$DUMP" --ishare-report --json nofeature2.img plain1.img >"$work/nm.json"
[ "$(jq -c '[.near_misses[] | select(.file.path == "/same.bin") | [.reason, .file.image, .peer.image]]' "$work/nm.json")" = \
	'[["image lacks the ishare feature bit",0,1]]' ] ||
	fail "near miss tie: $(jq -c '.near_misses' "$work/nm.json")"

# ---- fsck --check-ishare ---------------------------------------------------
"$FSCK" --check-ishare plain1.img plain2.img >"$work/f.out" 2>&1 ||
	fail "fsck --check-ishare on clean images: $(cat "$work/f.out")"
grep -q "^2 images, .* 0 unsafe" "$work/f.out" || fail "fsck summary: $(cat "$work/f.out")"
rc=0
"$FSCK" --check-ishare plain1.img forged2.img >"$work/f2.out" 2>&1 || rc=$?
[ "$rc" = 4 ] || fail "fsck --check-ishare on a forged fingerprint: exit $rc, want 4"
grep -qx 'fsck.erofs: forged2.img:/diff.bin: fingerprint does not match the content' "$work/f2.out" ||
	fail "no mismatch line: $(cat "$work/f2.out")"
grep -q '^fsck.erofs: unsafe sharing group: plain1.img:/diff.bin forged2.img:/diff.bin: ' "$work/f2.out" ||
	fail "no unsafe group line: $(cat "$work/f2.out")"
# the report compares by default, flags the group and exits 3; --verify
# is an accepted no-op; --trust takes the values at their word
for v in "" --verify; do
	rc=0
	"$DUMP" --ishare-report $v --json plain1.img forged2.img >"$work/v.json" || rc=$?
	[ "$rc" = 3 ] || fail "dump $v on a forged pair: exit $rc, want 3"
	[ "$(jq -c '[.unsafe_groups, .unsafe]' "$work/v.json")" = \
		'[1,[[{"image":0,"path":"/diff.bin"},{"image":1,"path":"/diff.bin"}]]]' ] ||
		fail "dump $v: unsafe $(jq -c '[.unsafe_groups, .unsafe]' "$work/v.json")"
done
rc=0
"$DUMP" --ishare-report plain1.img forged2.img >"$work/v.txt" || rc=$?
[ "$rc" = 3 ] && grep -qx 'UNSAFE group (same fingerprint, different content): \[0\]:/diff.bin \[1\]:/diff.bin' "$work/v.txt" ||
	fail "table on a forged pair (exit $rc): $(grep -i unsafe "$work/v.txt")"
"$DUMP" --ishare-report --trust --json plain1.img forged2.img >"$work/v.json" ||
	fail "dump --trust exits non-zero without finding anything"
[ "$(jq -c '[.unsafe_groups, .content_check]' "$work/v.json")" = '[0,"trusted"]' ] ||
	fail "dump --trust: $(jq -c '[.unsafe_groups, .content_check]' "$work/v.json")"

# compressed files cannot be read yet: listed, counted, exit 8 (not 0)
for pair in "lz1.img lz2.img" "lz1.img plain2.img"; do
	rc=0
	# shellcheck disable=SC2086
	"$FSCK" --check-ishare $pair >"$work/c.out" 2>"$work/c.err" || rc=$?
	[ "$rc" = 8 ] || fail "fsck --check-ishare $pair: exit $rc, want 8"
	grep -qx 'fsck.erofs: lz1.img:/text.txt: not checked: compressed data not yet supported' "$work/c.err" ||
		fail "fsck $pair does not list the unchecked file: $(cat "$work/c.err")"
	grep -qE 'files? not checked$' "$work/c.out" && ! grep -q '; 0 files not checked' "$work/c.out" ||
		fail "fsck $pair summary: $(cat "$work/c.out")"
done

# ---- near misses by content: an image built without fingerprints ---------
# s1 with fingerprints, s2 without (both our mkfs): files of s2 identical
# to one in s1 (or to another s2 file) cost their pages. Expected from the
# host kernel's view: every non-empty s2 file whose (sha256, size) occurs
# in s1 costs its pages; among s2 files alone, all but one of each class.
MKFS=$TOOLS_DIR/mkfs/mkfs.erofs
"$MKFS" --quiet -T0 --ishare_key fp1.img "$work/img/s1" || fail "our mkfs --ishare_key"
"$MKFS" --quiet -T0 nofp2.img "$work/img/s2" || fail "our mkfs without fingerprints"
mount -t erofs -o loop,ro fp1.img "$work/m1"
mount -t erofs -o loop,ro nofp2.img "$work/m2"
for m in m1 m2; do
	find "$work/$m" -type f -size +0 -printf '%s %P\n' | while read -r size path; do
		echo "$m $size $(sha256sum <"$work/$m/$path" | cut -c1-64) /$path"
	done
done | sort -k1,1 -k4,4 >"$work/nofp.files"
umount "$work/m1" "$work/m2"
# "bytes path" of every s2 file that should be listed
awk '$1 == "m1" { t[$3 " " $2] = 1 }
     $1 == "m2" { k = $3 " " $2; if ((k in t) || (k in seen)) print int(($2 + 4095) / 4096) * 4096, $4; seen[k] = 1 }' \
	"$work/nofp.files" | sort -k2 >"$work/nofp.want"
[ -s "$work/nofp.want" ] || fail "test trees share no file between s1 and s2"
want_bytes=$(awk '{ b += $1 } END { print b }' "$work/nofp.want")
want_n=$(wc -l <"$work/nofp.want")
"$DUMP" --ishare-report --json fp1.img nofp2.img >"$work/nofp.json" || fail "dump on fp1.img nofp2.img"
jq -r '.near_misses[] | select(.reason == "no_fingerprint" and .file.image == 1 and .peer.image == 0) | "\(.bytes) \(.file.path)"' \
	"$work/nofp.json" | sort -k2 >"$work/nofp.got"
diff -u "$work/nofp.want" "$work/nofp.got" >&2 || fail "no_fingerprint near misses differ from the host's view"
[ "$(jq -c '[.near_miss_bytes, .no_fingerprint, .images[1].no_fingerprint_bytes]' "$work/nofp.json")" = \
	"[$want_bytes,{\"compared\":true,\"files\":$want_n,\"bytes\":$want_bytes,\"not_compared\":0},$want_bytes]" ] ||
	fail "no_fingerprint totals: $(jq -c '[.near_miss_bytes, .no_fingerprint, .images[1].no_fingerprint_bytes]' "$work/nofp.json"), want $want_n files / $want_bytes bytes"
jq -e '.near_misses | all(.reason != "no_fingerprint" or (.text == "image built without fingerprints" and .fix == "rebuild nofp2.img with mkfs.erofs --ishare_key (or upstream --xattr-inode-digest)"))' \
	"$work/nofp.json" >/dev/null || fail "no_fingerprint text or fix: $(jq -c '.near_misses[0]' "$work/nofp.json")"
"$DUMP" --ishare-report fp1.img nofp2.img >"$work/nofp.txt"
line=$(printf '  [1] nofp2.img: %s files / %s MB identical to files elsewhere but without a fingerprint (image built without fingerprints): rebuild with mkfs.erofs --ishare_key (or upstream --xattr-inode-digest)' \
	"$want_n" "$(awk -v b="$want_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')")
grep -qxF -- "$line" "$work/nofp.txt" || fail "table lacks: $line; got: $(grep -A3 'without a fingerprint' "$work/nofp.txt")"
# --trust reads no content: the report says so, and finds nothing by content
"$DUMP" --ishare-report --trust fp1.img nofp2.img >"$work/nofp.txt"
grep -qx 'Near misses without a fingerprint: not compared (--trust reads no content)' "$work/nofp.txt" &&
	grep -qE '^  \[1\] nofp2.img: [1-9][0-9]* files without a fingerprint, of sizes found elsewhere: not compared \(--trust\)$' "$work/nofp.txt" ||
	fail "--trust does not say it did not compare: $(grep -i 'fingerprint' "$work/nofp.txt")"
"$DUMP" --ishare-report --trust --json fp1.img nofp2.img >"$work/nofp.json"
[ "$(jq -c '[.no_fingerprint.compared, .no_fingerprint.files, .no_fingerprint.not_compared >= '"$want_n"', ([.near_misses[] | select(.reason == "no_fingerprint")] | length)]' "$work/nofp.json")" = '[false,0,true,0]' ] ||
	fail "--trust JSON: $(jq -c .no_fingerprint "$work/nofp.json")"

# ---- fsck --check-ishare carries on past a file it cannot read --------------
# forged2.img with /same.bin's data block address (inode bytes 16-18)
# pointed far past the end: that file is reported, diff.bin is still
# found forged, and an image that cannot be opened stops only itself.
cp forged2.img "$work/bad2.img"
pos=$("$DUMP" --path=/same.bin "$work/bad2.img" | awk '/^Position:/ { print $2 }')
[ -n "$pos" ] || fail "no inode position for /same.bin"
for k in 16 17 18; do
	python3 "$HERE/lib/patch-image.py" "$work/bad2.img" set $((pos + k)) 0x7f
done
rc=0
"$FSCK" --check-ishare nonexistent.img plain1.img "$work/bad2.img" >"$work/e2.out" 2>"$work/e2.err" || rc=$?
[ "$rc" = 12 ] || fail "fsck on a missing image and a damaged file: exit $rc, want 12 (4|8): $(cat "$work/e2.err")"
grep -qx 'fsck.erofs: nonexistent.img: cannot open: No such file or directory' "$work/e2.err" ||
	fail "no line for the missing image: $(cat "$work/e2.err")"
grep -qx "fsck.erofs: $work/bad2.img:/same.bin: data blocks beyond the end of the image" "$work/e2.err" ||
	fail "no finding line for the damaged file: $(cat "$work/e2.err")"
grep -qx "fsck.erofs: $work/bad2.img:/diff.bin: fingerprint does not match the content" "$work/e2.err" ||
	fail "files after the damaged one not verified: $(cat "$work/e2.err")"
want_files=$(($(wc -l <"$work/files") - 1))
grep -qx "3 images, $want_files regular files, .*; 1 file not checked; 1 image not fully read" "$work/e2.out" ||
	fail "fsck summary after a damaged file: $(cat "$work/e2.out"), want $want_files files"
rc=0
"$FSCK" --check-ishare plain1.img "$work/bad2.img" >"$work/e2.out" 2>"$work/e2.err" || rc=$?
[ "$rc" = 4 ] || fail "fsck on a damaged file: exit $rc, want 4"

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
# a damaged image among several: dump stops with one line naming the image
# (exit 1); fsck reports every path it cannot read, one line each, checks
# the rest and exits 4
head -c 8192 plain2.img >"$work/trunc.img"
rc=0
"$DUMP" --ishare-report plain1.img "$work/trunc.img" >"$work/bad.out" 2>"$work/bad.err" || rc=$?
[ "$rc" = 1 ] && [ ! -s "$work/bad.out" ] && [ "$(wc -l <"$work/bad.err")" = 1 ] &&
	grep -qE "^dump.erofs: $work/trunc.img: inode [0-9]+: inode beyond the end of the image\$" "$work/bad.err" ||
	fail "dump.erofs on a truncated image (exit $rc): $(cat "$work/bad.err")"
rc=0
"$FSCK" --check-ishare plain1.img "$work/trunc.img" >"$work/bad.out" 2>"$work/bad.err" || rc=$?
n=$(wc -l <"$work/bad.err")
[ "$rc" = 4 ] && [ "$n" -ge 1 ] &&
	[ "$(grep -cE "^fsck.erofs: $work/trunc.img:/[^:]+: (inode|data blocks) beyond the end of the image\$" "$work/bad.err")" = "$n" ] &&
	grep -qE "^2 images, .*; $n files? not checked\$" "$work/bad.out" ||
	fail "fsck.erofs on a truncated image (exit $rc): $(cat "$work/bad.err" "$work/bad.out")"
rc=0
"$DUMP" --ishare-report --trace="$work" plain1.img >"$work/bad.out" 2>"$work/bad.err" || rc=$?
[ "$rc" = 1 ] && [ ! -s "$work/bad.out" ] && grep -qx "dump.erofs: $work: Is a directory" "$work/bad.err" ||
	fail "--trace=DIR (exit $rc): $(cat "$work/bad.err")"
# command-line mistakes: exit 2 (dump) / 16 (fsck), the same one-line wording
for t in "$DUMP --ishare-report:2" "$FSCK --check-ishare:16"; do
	rc=0
	${t%:*} --bogus plain1.img plain2.img >"$work/bad.out" 2>"$work/bad.err" || rc=$?
	tool=${t%% *}
	tool=${tool##*/}
	[ "$rc" = "${t##*:}" ] && [ ! -s "$work/bad.out" ] || fail "$tool --bogus: exit $rc"
	[ "$(cat "$work/bad.err")" = "$tool: unknown option '--bogus'
Try '$tool --help' for more information." ] || fail "$tool --bogus: $(cat "$work/bad.err")"
done
# one image with an option argument is fsck's own single-image check
for args in "--nid 37 plain1.img" "-pd 3 plain1.img" "--pa / plain1.img" "--no-sbcrc --of 0 plain1.img"; do
	rc=0
	# shellcheck disable=SC2086
	"$FSCK" --check-ishare $args >"$work/r1.out" 2>&1 || rc=$?
	! grep -qE 'images?, ' "$work/r1.out" && grep -q '^fsck.erofs: plain1.img: ' "$work/r1.out" ||
		fail "fsck --check-ishare $args went to the image-set check: $(cat "$work/r1.out")"
done
# ... and two images, or -o / --domain-id / --mount, are an image set
for args in "plain1.img -- plain2.img" "--domain-id=x plain1.img" "-o inode_share plain1.img" "--mount=file plain1.img"; do
	# shellcheck disable=SC2086
	"$FSCK" --check-ishare $args >"$work/r1.out" 2>&1 ||
		fail "fsck --check-ishare $args: $(cat "$work/r1.out")"
	grep -qE '^[12] images?, ' "$work/r1.out" || fail "fsck --check-ishare $args: $(cat "$work/r1.out")"
done
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
# an empty (or comment-only) trace reads nothing
for text in '' '# nothing\n'; do
	printf '%b' "$text" >"$work/t"
	"$DUMP" --ishare-report --json --trace="$work/t" plain1.img plain2.img >"$work/t.json"
	[ "$(jq -c '[.workload, .data_without_sharing, .data_with_sharing, .metadata]' "$work/t.json")" = '["trace",0,0,0]' ] ||
		fail "empty trace: $(jq -c '[.workload, .data_without_sharing, .data_with_sharing, .metadata]' "$work/t.json")"
done
# a hard link is found by any of its names; numbers are decimal
mkdir -p "$work/hl/d"
head -c 10000 /dev/urandom >"$work/hl/a"
ln "$work/hl/a" "$work/hl/d/z"
peer_run mkfs.erofs --quiet -T0 --xattr-inode-digest "$work/hl.img" "$work/hl" ||
	fail "peer mkfs of the hard-link tree"
printf '0 /d/z 0 1\n0 a 8192 010\n' >"$work/t"
"$DUMP" --ishare-report --json --trace="$work/t" "$work/hl.img" >"$work/t.json" ||
	fail "trace naming a hard link's second path"
[ "$(jq -c '[.files, .data_without_sharing]' "$work/t.json")" = "[1,$((2 * 4096))]" ] ||
	fail "hard-link trace: $(jq -c '[.files, .data_without_sharing]' "$work/t.json")"
printf '0 /a 0x10 1\n' >"$work/t"
rc=0
"$DUMP" --ishare-report --trace="$work/t" "$work/hl.img" >/dev/null 2>"$work/bad.err" || rc=$?
[ "$rc" = 1 ] && grep -qx "dump.erofs: $work/t: trace line 1: bad offset or length" "$work/bad.err" ||
	fail "hex offset accepted (exit $rc): $(cat "$work/bad.err")"
echo "ishare model end-to-end: ok"
