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
#     options (and rejects one whose data we corrupt, so it really looks);
#  4. the kernel mounts images with the default (hidden) name unchanged;
#  5. empty, too long and malformed NAMEs are refused without an image;
#  6. a file growing during the build makes mkfs refuse, not write a
#     stale digest.
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
	if [ $rc != 0 ] || grep -q '<E>' <<<"$out"; then
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

check_peer_fsck() {
	local img=$WORK/fsck.erofs
	run_mkfs --quiet "$(mkfs_fp_opt)" "$img" "$WORK/src" || fail "mkfs $(mkfs_fp_opt) failed"
	peer_fsck_digest "$img" || fail "upstream fsck --xattr-inode-digest rejects the default name"
	corrupt_big_file "$img"
	if peer_fsck_digest "$img" 2>/dev/null; then
		fail "upstream fsck --xattr-inode-digest accepts corrupted data (check is blind)"
	fi

	run_mkfs --quiet "$(mkfs_fp_opt "$FP")" "$img" "$WORK/src" || fail "mkfs failed"
	peer_fsck_digest "$img" || fail "upstream fsck --xattr-inode-digest rejects NAME=$FP"

	run_mkfs --quiet --xattr-prefix=user.foo. --xattr-prefix=trusted.bar. \
		"$(mkfs_fp_opt "$FP")" "$img" "$WORK/src" || fail "mkfs with --xattr-prefix failed"
	[ "$(sb_byte "$img" $((0x69)))" = 2 ] ||
		fail "ishare_xattr_prefix_id is $(sb_byte "$img" $((0x69))), want 2 after two --xattr-prefix"
	peer_fsck_digest "$img" ||
		fail "upstream fsck --xattr-inode-digest rejects an image with two extra prefixes"
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

check_bad_names() {
	local name rc out=$WORK/out-bad
	mkdir -p "$out"
	for name in "" "trusted.$(printf 'n%.0s' {1..300})" "trusted." "user."; do
		rc=0
		run_mkfs "$(mkfs_fp_opt)=$name" "$out/img.erofs" "$WORK/small" \
			>/dev/null 2>"$WORK/err" || rc=$?
		[ $rc != 0 ] || fail "NAME '${name:0:40}' accepted"
		if [ "$(wc -l <"$WORK/err")" != 1 ] ||
			! grep -qE '^mkfs\.erofs: .+: invalid fingerprint key: .+$' "$WORK/err"; then
			fail "NAME '${name:0:40}': want one line 'mkfs.erofs: SUBJECT: invalid fingerprint key: WHY', got: $(head -c 300 "$WORK/err")"
		fi
		[ -z "$(ls -A "$out")" ] || fail "NAME '${name:0:40}': left $(ls -A "$out")"
		echo "refused NAME '${name:0:40}': $(cat "$WORK/err")"
	done
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
	check_growing_file
	[ $PEER_OK = 1 ] || skip "upstream peer unavailable ($reason): cross-tool and upstream fsck checks not run"
}

main "$@"
