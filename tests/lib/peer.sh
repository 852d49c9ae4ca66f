# shellcheck shell=bash
# Run upstream erofs-utils (Debian sid's package, 1.9.x) as a reference
# ("peer") implementation, inside a cached debootstrap'ed sid chroot.
# The host is bookworm, whose erofs-utils is too old to compare against.
#
# Source it; it defines functions only:
#   peer_setup            create/verify the chroot (idempotent, locked)
#   peer_run CMD ARGS...  run CMD in the chroot; /tmp and $PWD keep their paths
#   peer_version          print the upstream version, e.g. 1.9.4
#
# Knobs (environment):
#   PEER_ROOT               chroot location (default $EROFS_CACHE/sid-peer)
#   PEER_KEYRING            keyring that verifies sid's Release file
#                           (default: the host's debian-archive-keyring)
#   PEER_INSECURE_NO_GPG=1  bootstrap without signature checks; only for a
#                           host whose keyring is too old for sid's keys

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PEER_ROOT=${PEER_ROOT:-$EROFS_CACHE/sid-peer}
PEER_KEYRING=${PEER_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
# Stamp written last, after the version check; its presence means "complete".
PEER_STAMP=.erofs-peer-ok
# The upstream series we compare against; anything else is a setup error.
PEER_WANT_RE='^1\.9(\.|$)'

# Upstream version number from the chroot's mkfs.erofs, e.g. "1.9.4".
# Its --version line looks like "mkfs.erofs (erofs-utils) 1.9.4".
_peer_tool_version() {
	local root=$1 line
	line=$(chroot "$root" /usr/bin/mkfs.erofs --version 2>/dev/null | head -n1) || return 1
	line=${line##* }
	[ -n "$line" ] || return 1
	echo "$line"
}

# True when $1 is a finished chroot whose mkfs.erofs is 1.9.x.
_peer_ok() {
	local root=$1 ver
	[ -f "$root/$PEER_STAMP" ] || return 1
	ver=$(_peer_tool_version "$root") || return 1
	[[ $ver =~ $PEER_WANT_RE ]]
}

# debootstrap is only a host dependency of this peer machinery, so install
# it on demand rather than making it a build requirement.
_peer_need_debootstrap() {
	command -v debootstrap >/dev/null 2>&1 && return 0
	{ apt-get install -y -q debootstrap ||
		{ apt-get update -q && apt-get install -y -q debootstrap; }; } >&2 ||
		return 1
	command -v debootstrap >/dev/null 2>&1
}

# Remove a directory tree that may be a (partial) chroot. debootstrap runs
# in its own mount namespace, so nothing should be mounted inside; stay on
# one filesystem anyway so a stray bind mount can never take host files.
_peer_rm_tree() {
	[ -n "$1" ] && [ "$1" != / ] || return 1
	rm -rf --one-file-system -- "$1"
}

# Bootstrap sid with erofs-utils into $1. The sid Release file is signed
# with the bookworm and trixie archive keys, which bookworm's
# debian-archive-keyring ships, so signatures are checked by default. When
# a future key rotation leaves the host keyring behind, say so and let the
# user opt in to an unchecked bootstrap (plain-http mirror: the signature
# is the only integrity check we have, so never drop it silently).
_peer_debootstrap() {
	local dir=$1 mirror=$2 log=$1.log gpg
	if [ "${PEER_INSECURE_NO_GPG:-0}" = 1 ]; then
		echo "peer: WARNING: bootstrapping sid without signature checks" >&2
		gpg=--no-check-gpg
	else
		[ -r "$PEER_KEYRING" ] || { echo "keyring $PEER_KEYRING not readable"; return 1; }
		gpg=--keyring=$PEER_KEYRING
	fi
	# Own mount namespace: debootstrap mounts /proc and /sys in the target,
	# and an interrupted run must not leave them mounted on the host.
	if unshare --mount --propagation private -- \
		debootstrap --variant=minbase --include=erofs-utils "$gpg" \
		sid "$dir" "$mirror" >"$log" 2>&1; then
		rm -f -- "$log"
		return 0
	fi
	if grep -qiE 'signed by unknown key|invalid release signature|NO_PUBKEY|EXPKEYSIG|BADSIG' "$log"; then
		echo "sid Release signature not verifiable with $PEER_KEYRING (set PEER_KEYRING to a newer debian-archive-keyring, or PEER_INSECURE_NO_GPG=1); see $log"
	else
		echo "debootstrap of sid failed: $(grep -E '^[EW]:' "$log" | tail -n1) (log: $log)"
	fi
	return 1
}

# Bootstrap into $1 and check the result; the stamp goes in last.
_peer_fill() {
	local dir=$1 mirror=$2 ver
	_peer_debootstrap "$dir" "$mirror" || return 1
	ver=$(_peer_tool_version "$dir") || { echo "mkfs.erofs missing or broken in the sid chroot"; return 1; }
	[[ $ver =~ $PEER_WANT_RE ]] || { echo "sid has erofs-utils $ver, want 1.9.x"; return 1; }
	# The .deb cache is dead weight in a throwaway chroot.
	chroot "$dir" apt-get clean >/dev/null 2>&1 || true
	touch "$dir/$PEER_STAMP"
}

# Build the chroot next to its final place and rename it in when complete,
# so a crash leaves only a *.tmp.* directory that the next run discards.
# Must be called with the lock held.
_peer_build() {
	local root=$1 mirror tmp ver old
	mirror=$(debian_mirror) || { echo "no Debian mirror in apt sources"; return 1; }
	_peer_need_debootstrap || { echo "cannot install debootstrap"; return 1; }
	for old in "$root".tmp.*; do
		[ -d "$old" ] && _peer_rm_tree "$old"
	done
	rm -f -- "$root".tmp.*.log
	tmp=$(mktemp -d "$root.tmp.XXXXXX") || { echo "cannot create $root.tmp.*"; return 1; }
	# mktemp -d makes it 0700: the chroot's / must be searchable by the
	# non-root users that commands inside may switch to.
	chmod 755 "$tmp" || { echo "cannot chmod $tmp"; return 1; }
	echo "peer: bootstrapping sid + erofs-utils into $root (1-2 minutes)" >&2
	if ! _peer_fill "$tmp" "$mirror"; then
		# Keep the log (named after $tmp) but not the half-built tree.
		_peer_rm_tree "$tmp"
		return 1
	fi
	# A stamp-less $root is an unfinished or broken old attempt.
	[ -e "$root" ] && { _peer_rm_tree "$root" || { echo "cannot remove stale $root"; return 1; }; }
	mv -T -- "$tmp" "$root"
}

# Chroots built before the chmod in _peer_build have a 0700 root, which
# non-root commands inside cannot enter. One stat per call; chmod only
# when needed (and only root can, so a failure is left to peer_run).
_peer_fix_root_mode() {
	[ "$(stat -c %a -- "$1" 2>/dev/null)" = 755 ] && return 0
	chmod 755 -- "$1" 2>/dev/null || true
}

# Make sure the sid chroot exists and holds erofs-utils 1.9.x. Idempotent
# and safe to call from concurrent tests: the first caller builds under an
# exclusive lock, the rest wait and then find it done. On failure prints a
# one-line reason on stdout and returns non-zero (callers `skip` on it).
peer_setup() {
	local root=$PEER_ROOT lock reason c rc=0
	_peer_ok "$root" && { _peer_fix_root_mode "$root"; return 0; }
	[ "$(id -u)" = 0 ] || { echo "peer needs root (debootstrap, chroot, mounts)"; return 1; }
	for c in unshare chroot flock; do
		command -v "$c" >/dev/null 2>&1 || { echo "missing host tool: $c"; return 1; }
	done
	mkdir -p -- "$(dirname "$root")" || { echo "cannot create $(dirname "$root")"; return 1; }
	lock=$root.lock
	# Subshell so the lock fd closes (and the lock drops) on every path.
	reason=$(
		exec 9>"$lock" || { echo "cannot open $lock"; exit 1; }
		flock -w 1800 9 || { echo "timed out waiting for $lock"; exit 1; }
		_peer_ok "$root" && exit 0
		_peer_build "$root"
	) || rc=$?
	if [ "$rc" != 0 ]; then
		echo "${reason:-peer setup failed}" | tail -n1
		return "$rc"
	fi
	return 0
}

# Print the upstream erofs-utils version (e.g. 1.9.4). Needs peer_setup.
peer_version() {
	[ -f "$PEER_ROOT/$PEER_STAMP" ] || { echo "peer chroot not set up (run peer_setup)" >&2; return 1; }
	_peer_tool_version "$PEER_ROOT"
}

# True when binding host dir $1 over the same path in the chroot would hide
# the chroot's own system files (then the command could not even start).
_peer_shadows_system() {
	case $1 in
	/ | /usr | /usr/* | /etc | /etc/* | /bin | /sbin | /lib | /lib32 | /lib64 | /libx32 | \
		/proc | /proc/* | /sys | /sys/* | /dev | /dev/* | /run | /var | /var/lib | /var/lib/dpkg*)
		return 0 ;;
	esac
	case $1 in "$PEER_ROOT" | "$PEER_ROOT"/*) return 0 ;; esac
	return 1
}

# Body run inside the private mount namespace: wire host paths into the
# chroot, then exec the command there from the same working directory.
# Args: ROOT CWD CMD ARGS...
# shellcheck disable=SC2016 # expanded by the inner bash, not here
_PEER_NS_SCRIPT='
set -eu
root=$1 cwd=$2 bindcwd=$3; shift 3
mount --rbind /dev "$root/dev"
mount --rbind /proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /tmp "$root/tmp"
if [ "$bindcwd" = 1 ]; then
	mkdir -p "$root$cwd"
	mount --rbind "$cwd" "$root$cwd"
fi
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
exec chroot "$root" /bin/sh -c '\''cd "$1" || exit 125; shift; exec "$@"'\'' peer-run "$cwd" "$@"
'

# Run CMD ARGS... inside the sid chroot. Host /tmp and the current working
# directory appear at the same absolute paths, so callers pass host paths
# unchanged. Each call gets its own private mount namespace: the binds
# vanish when the command exits and concurrent calls cannot interfere.
# The command's exit status is returned as is.
peer_run() {
	local cwd bindcwd=1
	[ $# -gt 0 ] || { echo "peer_run: no command" >&2; return 2; }
	[ -f "$PEER_ROOT/$PEER_STAMP" ] || { echo "peer_run: chroot not set up (run peer_setup)" >&2; return 2; }
	cwd=$(pwd -P)
	# Under /tmp it is visible already; "/" has nothing a caller could
	# mean to pass by relative path, so it is not worth a warning.
	case $cwd in / | /tmp | /tmp/*) bindcwd=0 ;; esac
	if [ "$bindcwd" = 1 ] && _peer_shadows_system "$cwd"; then
		echo "peer_run: not binding $cwd (would hide the chroot's own files); using the chroot's copy" >&2
		bindcwd=0
	fi
	# No --fork: unshare execs bash, which execs chroot, which execs the
	# command, so its exit status (or signal) reaches us unchanged.
	unshare --mount --propagation private -- \
		/bin/bash -c "$_PEER_NS_SCRIPT" peer-ns "$PEER_ROOT" "$cwd" "$bindcwd" "$@"
}
