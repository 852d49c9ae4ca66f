#!/bin/bash
# Boot Debian's Linux 7.3 kernel under qemu (TCG, no KVM needed) with a
# busybox initramfs holding erofs.ko, loop.ko, pcshelper, the guest library
# and a directory of images, run a guest script, power off, and print the
# guest's results.
#
# Usage: run-guest.sh [options] IMAGEDIR GUESTSCRIPT
#   IMAGEDIR     directory copied to /images in the guest (subdirectories
#                kept); "-" for none
#   GUESTSCRIPT  busybox-sh script, sourced by /init in a subshell after
#                insmod loop + erofs, with tests/kernel/guestlib.sh already
#                sourced; cwd /, PATH has busybox applets and pcshelper,
#                / is ramfs (file-backed erofs mounts work), /dev is
#                devtmpfs, /tmp and /mnt exist
# Options:
#   -t SECONDS   qemu wall-clock limit (default 120, env RUN_GUEST_TIMEOUT)
#   -m MIB       guest memory (default max(768, 512 + 2 x image size),
#                env RUN_GUEST_MEM)
#   -l LOGFILE   console log (kernel + guest output; default
#                ${TMPDIR:-/tmp}/run-guest.<time>.<pid>.log, env RUN_GUEST_LOG)
#   -a ARGS      extra kernel command-line arguments
#   -f FILE      copy FILE (a static executable) to /bin in the guest;
#                repeatable
#   -k           keep the work directory (initramfs tree), print its path
#
# stdout: one line per guest line that started with "RESULT ", without that
# prefix, in order. stderr: a summary ("run-guest: booted in ...").
# Exit status: 0 guest script finished with status 0; 1 it finished with a
# non-zero status; 2 the guest did not finish (timeout, panic, init
# failure); 3 harness error (e.g. pcshelper does not build); 64 usage;
# 77 skip (no qemu, kernel packages unavailable, no static busybox).
#
# The guest status is that of the sourced script (its last command, or
# its `exit N`). A script that powers off by itself never "finishes".
#
# Guest-side results travel over a second serial port (ttyS1) into their
# own file, so kernel messages on the console cannot garble them. The
# console runs at loglevel 4 (warnings, oopses, panics appear live); the
# complete guest dmesg is appended to the log when the script ends.
# Kernel command line: console=ttyS0 rootfstype=ramfs panic=-1 oops=panic
# loglevel=4 plus -a ARGS (later arguments win). qemu: TCG, -smp 1,
# -machine pc, -nodefaults, -no-reboot.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/kernel.sh
source "$HERE/../lib/kernel.sh"

usage() {
	sed -n '/^# Usage:/,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
	exit 64
}

timeout_s=${RUN_GUEST_TIMEOUT:-120}
mem=${RUN_GUEST_MEM:-}
log=${RUN_GUEST_LOG:-}
append_extra=
keep=0
extra_files=()
while getopts "t:m:l:a:f:kh" opt; do
	case $opt in
	t) timeout_s=$OPTARG ;;
	m) mem=$OPTARG ;;
	l) log=$OPTARG ;;
	a) append_extra=$OPTARG ;;
	f) extra_files+=("$OPTARG") ;;
	k) keep=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 2 ] || usage
imgdir=$1
guest=$2
[ "$imgdir" = - ] || [ -d "$imgdir" ] || { echo "run-guest: $imgdir is not a directory" >&2; exit 64; }
[ -f "$guest" ] || { echo "run-guest: guest script $guest not found" >&2; exit 64; }
[[ $timeout_s =~ ^[0-9]+$ ]] || usage
[ -z "$mem" ] || [[ $mem =~ ^[0-9]+$ ]] || usage
for f in "${extra_files[@]}"; do
	[ -f "$f" ] || { echo "run-guest: $f not found" >&2; exit 64; }
done

skip77() {
	if [ "${EROFS_REQUIRE_ALL:-0}" = 1 ]; then
		echo "run-guest: FAIL: would skip, but EROFS_REQUIRE_ALL=1: $*" >&2
		exit 1
	fi
	echo "run-guest: SKIP: $*" >&2
	exit 77
}

command -v qemu-system-x86_64 >/dev/null 2>&1 || skip77 "qemu-system-x86_64 not installed"
for t in cpio timeout; do
	command -v "$t" >/dev/null 2>&1 || skip77 "$t not installed"
done
reason=$(kernel_fetch) || skip77 "kernel unavailable: $reason"
_kernel_set_paths
reason=$(busybox_static) || skip77 "$reason"
busybox_static >/dev/null
if ! reason=$(pcshelper_build); then
	echo "run-guest: ERROR: $reason" >&2
	exit 3
fi
pcshelper_build >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/run-guest.XXXXXX")
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	if [ "$keep" = 1 ]; then
		echo "run-guest: work directory kept: $work" >&2
	else
		rm -rf --one-file-system -- "$work"
	fi
}
trap cleanup EXIT
[ -n "$log" ] || log=${TMPDIR:-/tmp}/run-guest.$(date +%Y%m%d-%H%M%S).$$.log

# ---- initramfs tree ------------------------------------------------------
root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,mnt,images,modules,lib}
cp "$BUSYBOX" "$root/bin/busybox"
cp "$PCSHELPER" "$root/bin/pcshelper"
for f in "${extra_files[@]}"; do
	cp "$f" "$root/bin/"
	chmod 755 "$root/bin/$(basename "$f")"
done
cp "$KERNEL_LOOP_KO" "$root/modules/loop.ko"
cp "$KERNEL_EROFS_KO" "$root/modules/erofs.ko"
cp "$HERE/guestlib.sh" "$root/lib/guestlib.sh"
cp "$guest" "$root/guest.sh"
if [ "$imgdir" != - ]; then
	# Hard links when on the same filesystem (large images), else a copy.
	cp -al "$imgdir/." "$root/images/" 2>/dev/null || {
		rm -rf --one-file-system "$root/images"
		mkdir "$root/images"
		cp -a "$imgdir/." "$root/images/"
	}
fi
# The kernel opens /dev/console before running /init.
mknod "$root/dev/console" c 5 1 2>/dev/null || true

cat >"$root/init" <<'EOF'
#!/bin/busybox sh
# Generated by run-guest.sh.
export PATH=/bin
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
stty -F /dev/ttyS1 raw -echo 2>/dev/null
exec 3>/dev/ttyS1
echo "BOOTED $(cut -d' ' -f1 /proc/uptime)" >&3
finish() {
	echo "DONE $1 $(cut -d' ' -f1 /proc/uptime)" >&3
	echo "init: finished (status $1)"
	echo "==== guest dmesg:"
	dmesg
	echo "==== end of guest dmesg"
	sync
	poweroff -f
	sleep 5
	echo o >/proc/sysrq-trigger
}
for m in loop erofs; do
	if ! insmod /modules/$m.ko; then
		echo "INIT-ERROR insmod $m.ko failed" >&3
		echo "init: insmod $m.ko failed"
		poweroff -f
	fi
done
echo "init: modules loaded; running the guest script"
{
	sh -c '. /lib/guestlib.sh; cd /; . /guest.sh' 3>&-
	echo $? >/tmp/.guest-status
} 2>&1 | while IFS= read -r line; do
	echo "$line"
	case $line in
	"RESULT "*) echo "$line" >&3 ;;
	esac
done
finish "$(cat /tmp/.guest-status 2>/dev/null || echo 255)"
EOF
chmod 755 "$root/init"

initrd=$work/initrd.cpio
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$initrd"

if [ -z "$mem" ]; then
	size_mib=$(($(stat -c %s "$initrd") / 1048576))
	mem=$((512 + 2 * size_mib))
	[ "$mem" -ge 768 ] || mem=768
fi

# ---- boot ----------------------------------------------------------------
console=$work/console.log
results=$work/results.raw
: >"$results"
append="console=ttyS0 rootfstype=ramfs panic=-1 oops=panic loglevel=4${append_extra:+ $append_extra}"
start=$(date +%s.%N)
qrc=0
timeout -k 5 "$timeout_s" qemu-system-x86_64 \
	-nodefaults -no-user-config \
	-machine pc -smp 1 -m "$mem" \
	-display none -monitor none \
	-serial "file:$console" -serial "file:$results" \
	-no-reboot \
	-kernel "$KERNEL_VMLINUZ" -initrd "$initrd" \
	-append "$append" \
	</dev/null >"$work/qemu.out" 2>&1 || qrc=$?
end=$(date +%s.%N)

{
	cat "$console" 2>/dev/null
	echo "==== qemu exit status $qrc; stdout/stderr:"
	cat "$work/qemu.out"
	echo "==== result channel (ttyS1):"
	tr -d '\r' <"$results"
} >"$log"

tr -d '\r' <"$results" | sed -n 's/^RESULT //p'

wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
booted=$(tr -d '\r' <"$results" | sed -n 's/^BOOTED //p' | head -n1)
done_line=$(tr -d '\r' <"$results" | grep '^DONE ' | tail -n1 || true)
if [ -z "$done_line" ]; then
	why="did not finish"
	[ "$qrc" = 124 ] || [ "$qrc" = 137 ] && why="timed out after ${timeout_s}s"
	grep -q 'Kernel panic' "$log" && why="$why (kernel panic)"
	grep -q '^INIT-ERROR' "$results" && why="$why ($(sed -n 's/^INIT-ERROR //p' "$results" | tr -d '\r' | head -n1))"
	echo "run-guest: guest $why; qemu wall ${wall}s; log: $log" >&2
	exit 2
fi
read -r _ status guest_end <<<"$done_line"
echo "run-guest: booted in ${booted:-?}s, guest done at ${guest_end}s (guest uptime), qemu wall ${wall}s, guest status $status, mem ${mem}M; log: $log" >&2
[ "$status" = 0 ] || exit 1
exit 0
