#!/bin/bash
# Pre-warm the cached sid chroot holding upstream erofs-utils 1.9.x, so
# later test runs only reuse it. Prints the upstream version on success;
# exits 77 (skip) with the reason when the peer cannot be set up here.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib/peer.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/peer.sh"

main() {
	local reason
	reason=$(peer_setup) || skip "upstream peer unavailable: $reason"
	echo "upstream erofs-utils $(peer_version) in $PEER_ROOT"
}

main "$@"
