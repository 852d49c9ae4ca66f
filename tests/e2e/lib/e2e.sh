# shellcheck shell=bash
# Shared machinery for the mkfs end-to-end scripts. Source it; it defines
# functions and a few variables only:
#
#   need_cmd CMD PKG        install Debian package PKG when CMD is missing
#   e2e_workdir             create $WORK under /tmp (removed, and anything
#                           mounted in it unmounted, when the script exits)
#   mkfs_select             pick the mkfs under test from $MKFS:
#                             unset       $TOOLS_DIR/mkfs/mkfs.erofs (ours)
#                             peer        upstream 1.9.x in the sid chroot
#                             /abs/path   that binary
#                           sets MKFS_KIND to "ours" or "peer" and
#                           MKFS_ARGV to a command array (for tools that
#                           need an executable, not a shell function)
#   run_mkfs ARGS...        run the selected mkfs
#   PEER_MKFS_ARGV          upstream mkfs.erofs as a command array
#   mkfs_fp_opt [NAME]      the fingerprint option in the selected mkfs's
#                           spelling (ours: --ishare_key, upstream:
#                           --xattr-inode-digest)
#   need_peer               set up the upstream chroot or skip
#   need_erofs_mount        root, kernel erofs and loop devices, or skip
#   mount_erofs IMG DIR     loop-mount IMG read-only (unmounted at exit)
#   umount_erofs DIR
#   mount_tmpfs DIR SIZE    mount a tmpfs of SIZE (e.g. 1m) on DIR
#   compare_tree SRC DST [compare-tree.py options]
#
# Images and trees live under /tmp because the peer chroot sees host /tmp
# at the same path.

# shellcheck source-path=SCRIPTDIR source=../../lib/peer.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../lib/peer.sh"

E2E_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
E2E_MOUNTS=()
PEER_MKFS_ARGV=(bash -c "source '$E2E_LIB/e2e.sh' && peer_run mkfs.erofs \"\$@\"" mkfs.erofs)

need_cmd() {
	local cmd=$1 pkg=$2
	command -v "$cmd" >/dev/null 2>&1 && return 0
	[ "$(id -u)" = 0 ] || skip "$cmd missing (install package $pkg)"
	{ DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" ||
		{ apt-get update -q &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg"; }; } \
		>/dev/null 2>&1 || skip "cannot install $pkg (for $cmd)"
	command -v "$cmd" >/dev/null 2>&1 || skip "$cmd missing after installing $pkg"
}

_e2e_cleanup() {
	local i
	for ((i = ${#E2E_MOUNTS[@]} - 1; i >= 0; i--)); do
		mountpoint -q "${E2E_MOUNTS[i]}" 2>/dev/null && umount "${E2E_MOUNTS[i]}"
	done
	[ -n "${WORK:-}" ] && [ -d "$WORK" ] && [ "${E2E_KEEP:-0}" != 1 ] &&
		rm -rf --one-file-system -- "$WORK"
	return 0
}

e2e_workdir() {
	WORK=$(mktemp -d /tmp/erofs-e2e.XXXXXX) || fail "cannot create a work directory"
	trap _e2e_cleanup EXIT
	trap 'exit 130' INT TERM
}

# shellcheck disable=SC2034 # MKFS_KIND and MKFS_ARGV are for the callers
mkfs_select() {
	case ${MKFS:-} in
	peer)
		MKFS_KIND=peer
		need_peer
		;;
	'')
		MKFS_KIND=ours
		MKFS="$(tools_dir)/mkfs/mkfs.erofs"
		;;
	*)
		MKFS_KIND=ours
		;;
	esac
	if [ "$MKFS_KIND" = ours ]; then
		# A missing binary is a broken build, not a reason to skip.
		[ -x "$MKFS" ] || fail "mkfs under test not found: $MKFS"
		MKFS_ARGV=("$MKFS")
	else
		MKFS_ARGV=("${PEER_MKFS_ARGV[@]}")
	fi
	echo "mkfs under test: $MKFS_KIND ${MKFS}" >&2
}

run_mkfs() {
	if [ "$MKFS_KIND" = peer ]; then
		peer_run mkfs.erofs "$@"
	else
		"$MKFS" "$@"
	fi
}

mkfs_fp_opt() {
	local name=${1:-}
	if [ "$MKFS_KIND" = peer ]; then
		echo "--xattr-inode-digest${name:+=$name}"
	else
		echo "--ishare_key${name:+=$name}"
	fi
}

need_peer() {
	local reason
	reason=$(peer_setup) || skip "upstream peer unavailable: $reason"
}

need_erofs_mount() {
	need_root "kernel mounts"
	grep -qw erofs /proc/filesystems || modprobe erofs 2>/dev/null ||
		skip "running kernel $(uname -r) has no erofs support"
	grep -qw erofs /proc/filesystems || skip "running kernel $(uname -r) has no erofs support"
	losetup -f >/dev/null 2>&1 || skip "no free loop device (losetup -f failed)"
}

mount_erofs() {
	local img=$1 dir=$2
	mkdir -p "$dir"
	mount -t erofs -o loop,ro "$img" "$dir" ||
		fail "kernel refused to mount $img (dmesg: $(dmesg 2>/dev/null | grep -i erofs | tail -n1))"
	E2E_MOUNTS+=("$dir")
}

mount_tmpfs() {
	local dir=$1 size=$2
	mkdir -p "$dir"
	mount -t tmpfs -o size="$size",mode=0755 tmpfs "$dir" || skip "cannot mount a tmpfs on $dir"
	E2E_MOUNTS+=("$dir")
}

umount_erofs() {
	umount "$1" || fail "cannot unmount $1"
}

compare_tree() {
	local quirks=()
	# Upstream marks a directory holding an overlayfs whiteout (chr 0:0)
	# with an empty trusted.overlay.origin xattr: its policy, not the tree.
	[ "${MKFS_KIND:-}" = peer ] && quirks=(--ignore-xattr=trusted.overlay.origin)
	python3 "$E2E_LIB/compare-tree.py" "${quirks[@]}" "$@"
}
