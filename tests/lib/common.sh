# Shared helpers for the end-to-end, peer, kernel and benchmark scripts.
# Source it; it defines functions only (plus a few path variables).

# Exit status that automake's test harness reports as SKIP.
SKIP=77

# Where downloaded/bootstrapped artefacts are cached between runs (chroots,
# kernels, rootfs trees). Outside the work tree so a fresh clone reuses it.
EROFS_CACHE=${EROFS_CACHE:-/var/cache/erofs-ishare}

# Where everything can run (CI sets EROFS_REQUIRE_ALL=1), a test that
# cannot run is a failure, not a quiet skip.
skip() {
	if [ "${EROFS_REQUIRE_ALL:-0}" = 1 ]; then
		echo "FAIL: would skip, but EROFS_REQUIRE_ALL=1: $*" >&2
		exit 1
	fi
	echo "SKIP: $*" >&2
	exit $SKIP
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root ($1)"
}

# The Debian mirror this machine's apt is configured with, e.g.
# http://host/debian. We never hard-code a mirror: read deb822 sources
# first, then the classic one-line format.
debian_mirror() {
	local uri
	uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '{print $2}' | grep -E '/debian/?$' | head -n1)
	if [ -z "$uri" ]; then
		uri=$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			sed -E 's/\[[^]]*\]//' | awk '{print $2}' | grep -E '/debian/?$' | head -n1)
	fi
	[ -n "$uri" ] || return 1
	echo "${uri%/}"
}

# Absolute path of the build tree's tools (set by the Makefile as
# TOOLS_DIR when run under `make check`, else guessed from this file).
tools_dir() {
	if [ -n "${TOOLS_DIR:-}" ]; then
		echo "$TOOLS_DIR"
	else
		(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	fi
}

# The readers under test, for every script that sources this file.
FSCK="$(tools_dir)/fsck/fsck.erofs"
DUMP="$(tools_dir)/dump/dump.erofs"
