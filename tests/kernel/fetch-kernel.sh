#!/bin/bash
# Fetch Debian's Linux 7.3 cloud kernel for the qemu experiments (once;
# cached in $EROFS_CACHE/kernel-7.3, flock-protected, idempotent).
#
# Prints three paths, one per line: vmlinuz, erofs.ko, loop.ko (modules
# already decompressed, ready for insmod). With -v also prints the info
# file (package versions and the kernel's CONFIG_EROFS_* lines) on stderr.
# On failure prints a one-line reason on stderr and exits 1.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/kernel.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/kernel.sh"

verbose=0
[ "${1:-}" = -v ] && verbose=1

if ! reason=$(kernel_fetch); then
	echo "fetch-kernel: ${reason:-failed}" >&2
	exit 1
fi
_kernel_set_paths
[ "$verbose" = 1 ] && cat "$KERNEL_INFO" >&2
echo "$KERNEL_VMLINUZ"
echo "$KERNEL_EROFS_KO"
echo "$KERNEL_LOOP_KO"
