#!/bin/bash
# shellcheck shell=bash
# Two Debian bookworm root filesystems that differ only in redis-server:
#   a: minbase + redis-server from bookworm main      (7.0.15-1~deb12u7 at the time of writing)
#   b: minbase + redis-server from bookworm-security  (7.0.15-1~deb12u10 at the time of writing)
# This is the "two container images of one distribution" case of the page
# cache sharing cover letter: most files are identical, a few differ.
#
# The trees are cached under $EROFS_CACHE/redis-pair and built only once
# (debootstrap + apt in a chroot, mirror read from the machine's apt config).
#
# Source it for redis_pair_setup, or run it: prints the two tree paths.
#   redis_pair_setup   build or verify the pair; on failure prints a one-line
#                      reason on stdout and returns non-zero (callers skip)
#   REDIS_A, REDIS_B   the two trees (valid after redis_pair_setup)

# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

REDIS_ROOT=${REDIS_ROOT:-$EROFS_CACHE/redis-pair}
REDIS_A=$REDIS_ROOT/a
REDIS_B=$REDIS_ROOT/b
REDIS_STAMP=.erofs-redis-ok

_redis_rm_tree() {
	[ -n "$1" ] && [ "$1" != / ] || return 1
	rm -rf --one-file-system -- "$1"
}

# Run a command in chroot $1 inside a private mount namespace, so /proc and
# /dev mounts vanish with the command even when it is interrupted.
_redis_chroot() {
	local root=$1
	shift
	unshare --mount --propagation private -- /bin/sh -c '
		root=$1; shift
		mount -t proc proc "$root/proc" && mount --rbind /dev "$root/dev" || exit 1
		exec chroot "$root" "$@"' redis-chroot "$root" "$@"
}

# apt sources of one tree: $2 = "main" or "security".
_redis_sources() {
	local root=$1 kind=$2 mirror=$3
	{
		echo "deb $mirror bookworm main"
		[ "$kind" = security ] && echo "deb ${mirror%/debian}/debian-security bookworm-security main"
	} >"$root/etc/apt/sources.list"
}

# Install redis-server into a copy of the base tree, then drop everything
# apt downloaded so the trees hold only the installed system.
_redis_fill() {
	local dir=$1 kind=$2 mirror=$3
	_redis_sources "$dir" "$kind" "$mirror"
	# Keep package scripts from starting daemons in the chroot.
	printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
	chmod 755 "$dir/usr/sbin/policy-rc.d"
	_redis_chroot "$dir" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
		sh -c 'apt-get -q update && apt-get -q -y install --no-install-recommends redis-server' \
		>"$dir.log" 2>&1 || { echo "apt in the $kind tree failed (log: $dir.log)"; return 1; }
	rm -f "$dir/usr/sbin/policy-rc.d" "$dir.log"
	_redis_chroot "$dir" apt-get clean >/dev/null 2>&1
	rm -rf --one-file-system "$dir"/var/lib/apt/lists/* "$dir"/var/log/* "$dir"/var/cache/debconf/*-old
	_redis_chroot "$dir" dpkg-query -W -f='${Version}' redis-server >"$dir.version" ||
		{ echo "redis-server missing in the $kind tree"; return 1; }
}

_redis_ok() {
	[ -f "$REDIS_ROOT/$REDIS_STAMP" ] && [ -d "$REDIS_A/usr" ] && [ -d "$REDIS_B/usr" ]
}

_redis_build() {
	local mirror tmp
	mirror=$(debian_mirror) || { echo "no Debian mirror in apt sources"; return 1; }
	command -v debootstrap >/dev/null 2>&1 || { echo "debootstrap not installed"; return 1; }
	[ -e "$REDIS_ROOT" ] && { _redis_rm_tree "$REDIS_ROOT" || { echo "cannot remove stale $REDIS_ROOT"; return 1; }; }
	for tmp in "$REDIS_ROOT".tmp.*; do
		[ -d "$tmp" ] && _redis_rm_tree "$tmp"
	done
	tmp=$(mktemp -d "$REDIS_ROOT.tmp.XXXXXX") || { echo "cannot create $REDIS_ROOT.tmp.*"; return 1; }
	echo "redis-pair: debootstrapping bookworm minbase (a few minutes, once)" >&2
	if ! unshare --mount --propagation private -- \
		debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
		bookworm "$tmp/base" "$mirror" >"$tmp/debootstrap.log" 2>&1; then
		echo "debootstrap of bookworm failed (log: $tmp/debootstrap.log)"
		return 1
	fi
	cp -a "$tmp/base" "$tmp/a" && cp -a "$tmp/base" "$tmp/b" || { echo "cannot copy the base tree"; return 1; }
	_redis_rm_tree "$tmp/base"
	_redis_fill "$tmp/a" main "$mirror" || return 1
	_redis_fill "$tmp/b" security "$mirror" || return 1
	if [ "$(cat "$tmp/a.version")" = "$(cat "$tmp/b.version")" ]; then
		echo "bookworm and bookworm-security have the same redis-server ($(cat "$tmp/a.version")); the pair would be identical"
		return 1
	fi
	rm -f "$tmp/debootstrap.log"
	touch "$tmp/$REDIS_STAMP"
	mv -T -- "$tmp" "$REDIS_ROOT"
}

redis_pair_setup() {
	local reason rc=0
	_redis_ok && return 0
	[ "$(id -u)" = 0 ] || { echo "building the redis pair needs root (debootstrap, chroot)"; return 1; }
	mkdir -p -- "$(dirname "$REDIS_ROOT")" || { echo "cannot create $(dirname "$REDIS_ROOT")"; return 1; }
	reason=$(
		exec 9>"$REDIS_ROOT.lock" || { echo "cannot open $REDIS_ROOT.lock"; exit 1; }
		flock -w 3600 9 || { echo "timed out waiting for $REDIS_ROOT.lock"; exit 1; }
		_redis_ok && exit 0
		_redis_build
	) || rc=$?
	if [ "$rc" != 0 ]; then
		echo "${reason:-redis pair setup failed}" | tail -n1
		return "$rc"
	fi
}

# redis-server version installed in tree $1 (a or b).
redis_pair_version() {
	cat "$REDIS_ROOT/$1.version"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	reason=$(redis_pair_setup) || skip "redis pair unavailable: $reason"
	echo "$REDIS_A $(redis_pair_version a)"
	echo "$REDIS_B $(redis_pair_version b)"
fi
