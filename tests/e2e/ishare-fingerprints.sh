#!/bin/bash
# Page-cache-sharing fingerprints (mkfs.erofs --ishare_key=NAME):
#  1. hostile tree with NAME=trusted.erofs.fingerprint, mounted on the
#     running kernel: every non-empty regular file reads back (getfattr)
#     "sha256:" + its SHA-256, nothing else carries one, and the content
#     is otherwise identical to the source;
#  2. the same tree built by upstream 1.9.x (--xattr-inode-digest=NAME)
#     gives the very same fingerprint for every file;
#  3. upstream `fsck.erofs --xattr-inode-digest` accepts our images for
#     the default name, a trusted. name, and after two --xattr-prefix
#     options without skipping a file for want of a digest (and rejects
#     one whose data we corrupt, so it really looks); our own fsck
#     --check-ishare verifies the expected number of fingerprints in each,
#     and the kernel reads the right ones from the image whose key is
#     not the first long prefix;
#  4. the kernel mounts images with the default (hidden) name unchanged;
#  5. empty, too long, reserved and malformed NAMEs are refused without
#     an image, in one line; a NAME of exactly 255 bytes works;
#  6. a file growing during the build makes mkfs refuse, not write a
#     stale digest;
#  7. the summary counts fingerprinted files and distinct digests as
#     find + sha256sum do, and --quiet prints nothing.
# Without the upstream peer, parts 2 and 3 cannot run and the script
# reports SKIP after running the rest.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/hostile-tree.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/hostile-tree.sh"

FP=trusted.erofs.fingerprint
PEER_OK=1

fingerprint_dump() {
	local mnt=$1 out=$2
	(cd "$mnt" && LC_ALL=C getfattr -R -h -e hex -n "$FP" . 2>/dev/null) >"$out" || true
}

# Superblock byte at offset OFF (relative to the superblock at 1024).
sb_byte() {
	od -An -tu1 -j $((1024 + $2)) -N1 "$1" | tr -d ' '
}

sb_le32() {
	od -An -tu4 -j $((1024 + $2)) -N4 "$1" | tr -d ' '
}

check_kernel_fingerprints() {
	local img=$WORK/fp.erofs mnt=$WORK/mnt-fp
	run_mkfs --quiet "$(mkfs_fp_opt "$FP")" "$img" "$WORK/src" ||
		fail "mkfs $(mkfs_fp_opt "$FP") failed"
	(($(sb_le32 "$img" 8) & 0x20)) || fail "COMPAT_ISHARE_XATTRS (0x20) not set"
	mount_erofs "$img" "$mnt"
	fingerprint_dump "$mnt" "$WORK/ours.dump"
	python3 "$E2E_LIB/check-fingerprints.py" "$WORK/src" "$WORK/ours.dump" ||
		fail "fingerprints read through the kernel are wrong"
	compare_tree --ignore-xattr "$FP" "$WORK/src" "$mnt" ||
		fail "fingerprinted image: content differs from the source"
}

check_cross_tool() {
	local img=$WORK/fp-upstream.erofs mnt=$WORK/mnt-fp-upstream
	peer_run mkfs.erofs --quiet --xattr-inode-digest="$FP" "$img" "$WORK/src" ||
		fail "upstream mkfs --xattr-inode-digest failed"
	mount_erofs "$img" "$mnt"
	fingerprint_dump "$mnt" "$WORK/upstream.dump"
	[ -s "$WORK/upstream.dump" ] || fail "upstream image shows no fingerprints"
	diff -u "$WORK/upstream.dump" "$WORK/ours.dump" >&2 ||
		fail "our fingerprints differ from upstream's"
	echo "cross-tool: $(grep -c "^$FP=" "$WORK/ours.dump") fingerprints identical to upstream"
}

peer_fsck_digest() {
	local out rc=0
	out=$(peer_run fsck.erofs --xattr-inode-digest "$1" 2>&1) || rc=$?
	# a file it skips for want of a digest is a fingerprint we lost
	if [ $rc != 0 ] || grep -qE '<E>|no digest xattr' <<<"$out"; then
		echo "$out" | head -n 10 >&2
		return 1
	fi
}

# Flip one byte inside the data of sizes/big-5MiB (located by content).
corrupt_big_file() {
	python3 - "$1" "$WORK/src/sizes/big-5MiB" <<'EOF'
import sys
img, src = sys.argv[1], sys.argv[2]
probe = open(src, 'rb').read()[1 << 20:(1 << 20) + 64]
data = bytearray(open(img, 'rb').read())
at = data.find(probe)
if at < 0:
    sys.exit('corrupt: file data not found in the image')
data[at] ^= 0xff
open(img, 'wb').write(data)
EOF
}

# Non-empty regular files, hard links once: what must carry a fingerprint.
expected_fingerprints() {
	find "$1" -type f -size +0c -printf '%D:%i\n' | sort -u | wc -l
}

expected_digests() {
	find "$1" -type f -size +0c -exec sha256sum -z -- {} + |
		tr -d '\n' | tr '\0' '\n' | sed 's/^\\//' | cut -c1-64 | sort -u | wc -l
}

# our_fsck_digest IMAGE: our fsck verifies every expected fingerprint
our_fsck_digest() {
	local out rc=0 want
	want=$(expected_fingerprints "$WORK/src")
	out=$("$FSCK" --check-ishare "$1" 2>&1) || rc=$?
	if [ $rc != 0 ] || ! grep -q ", $want fingerprints verified: clean\$" <<<"$out"; then
		echo "$out" | head -n 10 >&2
		return 1
	fi
}

check_peer_fsck() {
	local img=$WORK/fsck.erofs mnt=$WORK/mnt-prefixes
	run_mkfs --quiet "$(mkfs_fp_opt)" "$img" "$WORK/src" || fail "mkfs $(mkfs_fp_opt) failed"
	peer_fsck_digest "$img" || fail "upstream fsck --xattr-inode-digest rejects the default name"
	our_fsck_digest "$img" || fail "our fsck --check-ishare rejects the default name"
	corrupt_big_file "$img"
	if peer_fsck_digest "$img" 2>/dev/null; then
		fail "upstream fsck --xattr-inode-digest accepts corrupted data (check is blind)"
	fi

	run_mkfs --quiet "$(mkfs_fp_opt "$FP")" "$img" "$WORK/src" || fail "mkfs failed"
	peer_fsck_digest "$img" || fail "upstream fsck --xattr-inode-digest rejects NAME=$FP"
	our_fsck_digest "$img" || fail "our fsck --check-ishare rejects NAME=$FP"

	run_mkfs --quiet --xattr-prefix=user.foo. --xattr-prefix=trusted.bar. \
		"$(mkfs_fp_opt "$FP")" "$img" "$WORK/src" || fail "mkfs with --xattr-prefix failed"
	[ "$(sb_byte "$img" $((0x69)))" = 2 ] ||
		fail "ishare_xattr_prefix_id is $(sb_byte "$img" $((0x69))), want 2 after two --xattr-prefix"
	peer_fsck_digest "$img" ||
		fail "upstream fsck --xattr-inode-digest rejects an image with two extra prefixes"
	our_fsck_digest "$img" ||
		fail "our fsck --check-ishare rejects an image with two extra prefixes"
	mount_erofs "$img" "$mnt"
	fingerprint_dump "$mnt" "$WORK/prefixes.dump"
	python3 "$E2E_LIB/check-fingerprints.py" "$WORK/src" "$WORK/prefixes.dump" ||
		fail "two extra prefixes: fingerprints read through the kernel are wrong"
	umount_erofs "$mnt"
	rm -f "$img"
}

check_default_name_mount() {
	local img=$WORK/default.erofs mnt=$WORK/mnt-default
	run_mkfs --quiet "$(mkfs_fp_opt)" "$img" "$WORK/src" || fail "mkfs $(mkfs_fp_opt) failed"
	mount_erofs "$img" "$mnt"
	# The default name has no short namespace: invisible, so everything
	# else must compare exactly, xattrs included.
	compare_tree "$WORK/src" "$mnt" || fail "image with the default key differs from the source"
	umount_erofs "$mnt"
	rm -f "$img"
}

# 8 + 247 bytes: the longest name getfattr can still read back.
LONGEST_FP="trusted.$(printf 'n%.0s' {1..247})"

check_bad_names() {
	local name rc out=$WORK/out-bad opt
	mkdir -p "$out"
	for name in "" "${LONGEST_FP}n" "trusted.$(printf 'n%.0s' {1..300})" \
		"trusted." "user." "$(printf 'user.a\nb')" security.capability \
		security.selinux security.SMACK64EXEC trusted.overlay.opaque \
		user.overlay.redirect system.posix_acl_access; do
		rc=0
		run_mkfs "$(mkfs_fp_opt)=$name" "$out/img.erofs" "$WORK/small" \
			>/dev/null 2>"$WORK/err" || rc=$?
		[ $rc != 0 ] || fail "NAME '${name:0:40}' accepted"
		if [ "$(wc -l <"$WORK/err")" != 1 ] ||
			! grep -qE '^mkfs\.erofs: .+: invalid fingerprint key: .+$' "$WORK/err"; then
			fail "NAME '${name:0:40}': want one line 'mkfs.erofs: SUBJECT: invalid fingerprint key: WHY', got: $(head -c 300 "$WORK/err")"
		fi
		[ -z "$(ls -A "$out")" ] || fail "NAME '${name:0:40}': left $(ls -A "$out")"
		echo "refused NAME '${name:0:40}': $(cut -c1-120 "$WORK/err")"
	done
	[ "$MKFS_KIND" = ours ] || return 0
	# exact wording: the reason, the escaped name, the option as typed
	for opt in ishare_key xattr-inode-digest; do
		rc=0
		run_mkfs "--$opt=" "$out/img.erofs" "$WORK/small" 2>"$WORK/err" || rc=$?
		[ $rc != 0 ] && [ "$(cat "$WORK/err")" = "mkfs.erofs: --$opt: invalid fingerprint key: empty name" ] ||
			fail "--$opt=: got rc $rc: $(head -c 300 "$WORK/err")"
	done
	expect_refusal "${LONGEST_FP}n" "longer than 255 bytes (namespace included)"
	expect_refusal security.capability "reserved by the kernel (file capabilities)"
	expect_refusal trusted.overlay.opaque "reserved by the kernel (overlayfs)"
	rc=0
	run_mkfs "$(printf -- '--ishare_key=user.a\nb')" "$out/img.erofs" "$WORK/small" 2>"$WORK/err" || rc=$?
	[ "$(cat "$WORK/err")" = 'mkfs.erofs: user.a\x0ab: invalid fingerprint key: control character in name' ] ||
		fail "control character in NAME: want it escaped as \\x0a, got: $(head -c 300 "$WORK/err")"
	rc=0
	run_mkfs --xattr-prefix="${LONGEST_FP}n" "$out/img.erofs" "$WORK/small" 2>"$WORK/err" || rc=$?
	[ "$(cat "$WORK/err")" = "mkfs.erofs: ${LONGEST_FP}n: xattr prefix too long" ] ||
		fail "--xattr-prefix of 256 bytes: got rc $rc: $(head -c 300 "$WORK/err")"
	[ -z "$(ls -A "$out")" ] || fail "refused NAMEs left $(ls -A "$out")"
}

# expect_refusal NAME WHY: exactly "mkfs.erofs: NAME: invalid fingerprint key: WHY"
expect_refusal() {
	local rc=0
	run_mkfs "--ishare_key=$1" "$WORK/out-bad/img.erofs" "$WORK/small" 2>"$WORK/err" || rc=$?
	[ $rc != 0 ] && [ "$(cat "$WORK/err")" = "mkfs.erofs: $1: invalid fingerprint key: $2" ] ||
		fail "NAME ${1:0:40}: want 'invalid fingerprint key: $2', got rc $rc: $(head -c 300 "$WORK/err")"
}

# A NAME of 255 bytes, namespace included, reads back through the kernel.
check_longest_name() {
	local img=$WORK/longest.erofs mnt=$WORK/mnt-longest want got f
	run_mkfs --quiet "$(mkfs_fp_opt "$LONGEST_FP")" "$img" "$WORK/small" ||
		fail "mkfs with a 255-byte NAME failed"
	mount_erofs "$img" "$mnt"
	f=$(cd "$WORK/small" && find . -type f -size +0c -print -quit)
	want=$(sha256sum <"$WORK/small/$f" | cut -c1-64)
	got=$(getfattr -e hex -n "$LONGEST_FP" "$mnt/$f" 2>&1) ||
		fail "255-byte NAME: getfattr failed: $got"
	got=$(sed -n "s/^$LONGEST_FP=//p" <<<"$got")
	[ "$got" = "0x$(printf sha256: | od -An -tx1 | tr -d ' \n')$want" ] ||
		fail "255-byte NAME: getfattr gave '${got:0:100}', want sha256:$want"
	umount_erofs "$mnt"
	echo "255-byte NAME: fingerprint read back through the kernel"
}

# The summary's counts, checked against find + sha256sum; --quiet is silent.
check_summary() {
	local img=$WORK/summary.erofs n m out
	[ "$MKFS_KIND" = ours ] || return 0
	n=$(expected_fingerprints "$WORK/src")
	m=$(expected_digests "$WORK/src")
	[ "$n" -gt 0 ] && [ "$m" -lt "$n" ] || fail "summary: tree has $n files, $m digests: no duplicate to count"
	run_mkfs "$(mkfs_fp_opt "$FP")" "$img" "$WORK/src" >"$WORK/summary.out" 2>&1 ||
		fail "mkfs for the summary failed: $(head -c 300 "$WORK/summary.out")"
	grep -qxF "$img: $n files fingerprinted, $m distinct digests" "$WORK/summary.out" ||
		fail "summary: want '$img: $n files fingerprinted, $m distinct digests', got: $(cat "$WORK/summary.out")"
	out=$(run_mkfs --quiet "$(mkfs_fp_opt "$FP")" "$img" "$WORK/src" 2>&1) ||
		fail "mkfs --quiet failed"
	[ -z "$out" ] || fail "--quiet printed: ${out:0:300}"
	rm -f "$img"
	echo "summary: $n files fingerprinted, $m distinct digests, as expected; --quiet silent"
}

check_growing_file() {
	local src=$WORK/grow out=$WORK/out-grow rc=0 p
	mkdir -p "$src" "$out"
	head -c $((96 << 20)) /dev/zero >"$src/0-big"
	echo small >"$src/small"
	python3 "$E2E_LIB/mkfs-interfere.py" --src "$src" --action append -- \
		"${MKFS_ARGV[@]}" "$(mkfs_fp_opt "$FP")" "$out/img.erofs" "$src" \
		>"$WORK/interfere.log" 2>"$WORK/err" || rc=$?
	[ $rc != 99 ] || fail "growing file: mkfs never opened a source file"
	p=$(sed -n 's/^interfere: appended 1 MiB to //p' "$WORK/interfere.log")
	[ $rc != 0 ] || fail "growing file ($p): mkfs succeeded, the digest may be stale"
	[ "$(cat "$WORK/err")" = "mkfs.erofs: $p: file changed during build" ] ||
		fail "growing file: want 'mkfs.erofs: $p: file changed during build', got: $(head -c 300 "$WORK/err")"
	[ -z "$(ls -A "$out")" ] || fail "growing file: left $(ls -A "$out")"
	echo "refused a growing file: $(cat "$WORK/err")"
}

main() {
	need_erofs_mount
	need_cmd getfattr attr
	mkfs_select
	local reason
	reason=$(peer_setup) || { PEER_OK=0; echo "peer unavailable: $reason" >&2; }
	e2e_workdir
	hostile_tree "$WORK/src" 5
	small_tree "$WORK/small" 5
	check_kernel_fingerprints
	if [ $PEER_OK = 1 ]; then
		check_cross_tool
		check_peer_fsck
	fi
	check_default_name_mount
	check_bad_names
	check_longest_name
	check_summary
	check_growing_file
	[ $PEER_OK = 1 ] || skip "upstream peer unavailable ($reason): cross-tool and upstream fsck checks not run"
}

main "$@"
