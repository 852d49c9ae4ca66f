#!/usr/bin/env bash
# Install what erofs-ishare needs on Debian (bookworm or later).
#   scripts/deps.sh build   compiler, autotools, libraries
#   scripts/deps.sh test    build deps plus what the test suite drives
#                           (kernel mounts, peer chroot, qemu guest)
set -euo pipefail

BUILD_PKGS=(build-essential autoconf automake libtool pkg-config
	libssl-dev uuid-dev libxxhash-dev liblz4-dev libzstd-dev
	libcriterion-dev)
TEST_PKGS=(attr acl debootstrap python3 jq time util-linux kmod
	qemu-system-x86 busybox-static cpio xz-utils gzip zstd)

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

install_pkgs() {
	local todo
	todo=$(missing "$@")
	[ -z "$todo" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "deps.sh: missing packages: $todo (run as root to install)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $todo >/dev/null
}

case "${1:-build}" in
build) install_pkgs "${BUILD_PKGS[@]}" ;;
test) install_pkgs "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}" ;;
*) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
