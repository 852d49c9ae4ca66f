#!/bin/bash
# End-to-end proof of the kernel harness with images made by UPSTREAM
# erofs-utils (1.9.x from the sid peer chroot): boot Linux 7.3 under qemu
# and check page-cache sharing in the situations whose outcome is known
# (docs/erofs-format.md §8.3).
#
# Prints one line per case: "case NAME expected=X observed=Y [details]"
# and exits 1 on any mismatch, 77 (skip) when qemu, the kernel packages or
# the peer chroot are unavailable.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/kernel.sh
source "$HERE/../lib/kernel.sh"

command -v qemu-system-x86_64 >/dev/null 2>&1 || skip "qemu-system-x86_64 not installed"
reason=$(kernel_fetch) || skip "kernel unavailable: $reason"
_kernel_set_paths
if kernel_has_page_cache_share; then :; else
	[ $? = 1 ] && skip "kernel $KERNEL_ABI lacks CONFIG_EROFS_FS_PAGE_CACHE_SHARE"
fi

# tests/lib/peer.sh is written by another helper; wait for it a while.
peer_lib=$HERE/../lib/peer.sh
waited=0
while [ ! -f "$peer_lib" ]; do
	[ "$waited" -lt "${PEER_WAIT:-900}" ] || skip "tests/lib/peer.sh did not appear"
	sleep 10
	waited=$((waited + 10))
done
# shellcheck source-path=SCRIPTDIR source=../lib/peer.sh
source "$peer_lib"
reason=$(peer_setup) || skip "peer unavailable: $reason"
peer_ver=$(peer_version)

work=$(mktemp -d /tmp/smoke-upstream.XXXXXX) # under /tmp: visible to peer_run
trap 'rm -rf --one-file-system -- "$work"' EXIT
mkdir -p "$work/a" "$work/b" "$work/img"

# Tree a: same.bin (also in b), diff.bin (different bytes in b, same path),
# dup1/dup2 (identical to each other, only in a). 64 KiB each = 16 pages.
head -c 65536 /dev/urandom >"$work/a/same.bin"
cp "$work/a/same.bin" "$work/b/same.bin"
head -c 65536 /dev/urandom >"$work/a/diff.bin"
head -c 65536 /dev/urandom >"$work/b/diff.bin"
head -c 65536 /dev/urandom >"$work/a/dup1"
cp "$work/a/dup1" "$work/a/dup2"
for t in a b; do
	peer_run mkfs.erofs -T0 --xattr-inode-digest "$work/img/$t.img" "$work/$t" \
		>"$work/mkfs-$t.log" 2>&1 || fail "upstream mkfs.erofs failed: $(tail -n1 "$work/mkfs-$t.log")"
done

# Guest script: each case mounts fresh and unmounts afterwards, so no case
# sees page cache or shared inodes left over by another.
cat >"$work/guest.sh" <<'EOF'
# case NAME MOUNT_A OPTS_A MOUNT_B OPTS_B FILE_A FILE_B
# MOUNT_* is "file" or "loop"; OPTS "-" for none; B may be the same image.
run_case() {
	name=$1 ma=$2 oa=$3 mb=$4 ob=$5 fa=$6 fb=$7
	[ "$oa" = - ] && oa=
	[ "$ob" = - ] && ob=
	if ! "mount_$ma" /images/a.img /mnt/a "$oa"; then
		result "share $name mount-a-failed"
		return
	fi
	if [ "$fb" = "${fb#a/}" ]; then
		if ! "mount_$mb" /images/b.img /mnt/b "$ob"; then
			result "share $name mount-b-failed"
			umount_dir /mnt/a
			return
		fi
	fi
	share_case "$name" "/mnt/$fa" "/mnt/$fb"
	[ "$fb" = "${fb#a/}" ] && umount_dir /mnt/b
	umount_dir /mnt/a
}
IS=inode_share
run_case same-domain        file $IS,domain_id=d1 file $IS,domain_id=d1 a/same.bin b/same.bin
run_case different-domain   file $IS,domain_id=d1 file $IS,domain_id=d2 a/same.bin b/same.bin
run_case no-inode-share     file -                file -                a/same.bin b/same.bin
run_case one-side-share     file $IS,domain_id=d1 file -                a/same.bin b/same.bin
run_case same-image-dup     file $IS,domain_id=d1 -    -                a/dup1     a/dup2
run_case file-vs-loop       file $IS,domain_id=d1 loop $IS,domain_id=d1 a/same.bin b/same.bin
run_case loop-vs-loop       loop $IS,domain_id=d1 loop $IS,domain_id=d1 a/same.bin b/same.bin
run_case different-content  file $IS,domain_id=d1 file $IS,domain_id=d1 a/diff.bin b/diff.bin
EOF

expect() {
	case $1 in
	same-domain | same-image-dup | loop-vs-loop) echo yes ;;
	*) echo no ;;
	esac
}
cases="same-domain different-domain no-inode-share one-side-share same-image-dup file-vs-loop loop-vs-loop different-content"

rc=0
log=${SMOKE_LOG:-${TMPDIR:-/tmp}/smoke-upstream.console.log}
out=$("$HERE/run-guest.sh" -t "${SMOKE_TIMEOUT:-120}" -l "$log" \
	"$work/img" "$work/guest.sh") || rc=$?
case $rc in
0) ;;
77) skip "run-guest skipped" ;;
*) fail "run-guest.sh exited $rc (console log: $log)" 
	;;
esac

echo "# upstream erofs-utils $peer_ver, kernel $(sed -n 's/^linux-binary-[^ ]* //p' "$KERNEL_INFO")"
bad=0
for c in $cases; do
	want=$(expect "$c")
	line=$(printf '%s\n' "$out" | sed -n "s/^share $c //p" | head -n1)
	got=${line%% *}
	[ -n "$got" ] || got=missing
	details=${line#"$got"}
	echo "case $c expected=$want observed=$got${details}"
	[ "$got" = "$want" ] || bad=1
done
[ "$bad" = 0 ] || fail "observed sharing differs from expectations (console log: $log)"
