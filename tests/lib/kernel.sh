# shellcheck shell=bash
# Debian's Linux 7.3 kernel (cloud flavour, trixie-backports) for qemu
# experiments with EROFS page-cache sharing (-o inode_share,domain_id=X).
#
# Source it; it defines functions only:
#   kernel_fetch      download/extract the kernel once (cached, locked);
#                     sets KERNEL_VMLINUZ KERNEL_EROFS_KO KERNEL_LOOP_KO
#                     KERNEL_CONFIG (may be empty) KERNEL_INFO
#   pcshelper_build   compile tests/kernel/pcshelper.c statically (cached by
#                     source hash); sets PCSHELPER
#   busybox_static    make sure a static busybox exists; sets BUSYBOX
# On failure each prints a one-line reason on stdout and returns non-zero
# (callers `skip` on it), like peer_setup.
#
# Knobs (environment):
#   KERNEL_ABI    package ABI name   (default 7.3.4+deb13-cloud-amd64)
#   KERNEL_SUITE  suite holding it   (default trixie-backports)
#   KERNEL_DIR    cache directory    (default $EROFS_CACHE/kernel-7.3)
#
# Nothing here touches the system's apt configuration: the kernel packages
# come through a private sources list (mirror read from the machine's apt
# config at run time) with private state and cache directories.

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KERNEL_ABI=${KERNEL_ABI:-7.3.4+deb13-cloud-amd64}
KERNEL_SUITE=${KERNEL_SUITE:-trixie-backports}
KERNEL_DIR=${KERNEL_DIR:-$EROFS_CACHE/kernel-7.3}
KERNEL_KEYRING=${KERNEL_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
# Written last; holds the ABI so a changed KERNEL_ABI refetches.
KERNEL_STAMP=.kernel-ok

_KERNEL_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The variables are for the callers.
# shellcheck disable=SC2034
_kernel_set_paths() {
	KERNEL_VMLINUZ=$KERNEL_DIR/vmlinuz
	KERNEL_EROFS_KO=$KERNEL_DIR/erofs.ko
	KERNEL_LOOP_KO=$KERNEL_DIR/loop.ko
	KERNEL_CONFIG=$KERNEL_DIR/config
	[ -f "$KERNEL_CONFIG" ] || KERNEL_CONFIG=
	KERNEL_INFO=$KERNEL_DIR/info
}

_kernel_ok() {
	local d=$1
	[ -f "$d/$KERNEL_STAMP" ] && [ "$(cat "$d/$KERNEL_STAMP")" = "$KERNEL_ABI" ] &&
		[ -s "$d/vmlinuz" ] && [ -s "$d/erofs.ko" ] && [ -s "$d/loop.ko" ]
}

_kernel_rm_tree() {
	[ -n "$1" ] && [ "$1" != / ] || return 1
	rm -rf --one-file-system -- "$1"
}

# apt-get/apt-cache with a private configuration rooted at $1.
_kernel_apt() {
	local root=$1 tool=$2
	shift 2
	"$tool" -q \
		-o Dir::Etc::SourceList="$root/sources.list" \
		-o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::Etc::Preferences=/nonexistent \
		-o Dir::Etc::PreferencesParts=/nonexistent \
		-o Dir::State="$root/state" \
		-o Dir::State::status="$root/state/status" \
		-o Dir::Cache="$root/cache" \
		-o APT::Architecture=amd64 \
		-o APT::Architectures::=amd64 \
		-o Acquire::Languages=none \
		-o APT::Sandbox::User=root \
		"$@"
}

# Extract member $2 (path inside the .deb, without leading ./) of deb $1
# to file $3. Fails if absent.
_kernel_deb_member() {
	local deb=$1 member=$2 out=$3
	dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "./$member" >"$out" 2>/dev/null &&
		[ -s "$out" ]
}

# Value of the "depends=" modinfo field of an uncompressed module.
_kernel_ko_depends() {
	tr '\0' '\n' <"$1" | sed -n 's/^depends=//p' | head -n1
}

# Build into $1 (a fresh directory). Must be called with the lock held.
_kernel_fill() {
	local d=$1 mirror apt=$1/apt pkg ver deb mod f
	mirror=$(debian_mirror) || { echo "no Debian mirror in the machine's apt sources"; return 1; }
	for f in apt-get dpkg-deb tar xz; do
		command -v "$f" >/dev/null 2>&1 || { echo "missing host tool: $f"; return 1; }
	done
	[ -r "$KERNEL_KEYRING" ] || { echo "keyring $KERNEL_KEYRING not readable"; return 1; }
	mkdir -p "$apt/state/lists/partial" "$apt/cache/archives/partial" "$d/debs" || return 1
	: >"$apt/state/status"
	echo "deb [signed-by=$KERNEL_KEYRING] $mirror $KERNEL_SUITE main" >"$apt/sources.list"
	_kernel_apt "$apt" apt-get update >"$d/apt.log" 2>&1 ||
		{ echo "apt-get update for $KERNEL_SUITE failed (log: $d/apt.log)"; return 1; }
	# linux-base-* is small and carries the kernel config; it is only
	# informational, so a failure there is not fatal.
	for pkg in binary modules base; do
		pkg=linux-$pkg-$KERNEL_ABI
		ver=$(_kernel_apt "$apt" apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: //p')
		if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
			case $pkg in linux-base-*) continue ;; esac
			echo "$pkg not available in $KERNEL_SUITE"
			return 1
		fi
		(cd "$d/debs" && _kernel_apt "$apt" apt-get download "$pkg=$ver") >>"$d/apt.log" 2>&1 ||
			{ case $pkg in linux-base-*) continue ;; esac; echo "apt-get download $pkg failed (log: $d/apt.log)"; return 1; }
		echo "$pkg $ver" >>"$d/info.tmp"
	done
	mod=usr/lib/modules/$KERNEL_ABI
	deb=$(echo "$d"/debs/linux-binary-*.deb)
	_kernel_deb_member "$deb" "$mod/vmlinuz" "$d/vmlinuz" ||
		{ echo "vmlinuz missing in $(basename "$deb")"; return 1; }
	# bzImage header magic "HdrS" at offset 0x202.
	[ "$(dd if="$d/vmlinuz" bs=1 skip=514 count=4 2>/dev/null)" = HdrS ] ||
		{ echo "vmlinuz in $(basename "$deb") is not a bzImage"; return 1; }
	deb=$(echo "$d"/debs/linux-modules-*.deb)
	for f in fs/erofs/erofs drivers/block/loop; do
		_kernel_deb_member "$deb" "$mod/kernel/$f.ko.xz" "$d/tmp.ko.xz" ||
			{ echo "$f.ko.xz missing in $(basename "$deb")"; return 1; }
		xz -dc "$d/tmp.ko.xz" >"$d/${f##*/}.ko" || { echo "cannot decompress $f.ko.xz"; return 1; }
		rm -f "$d/tmp.ko.xz"
		[ -z "$(_kernel_ko_depends "$d/${f##*/}.ko")" ] ||
			{ echo "${f##*/}.ko needs other modules ($(_kernel_ko_depends "$d/${f##*/}.ko")); not supported"; return 1; }
	done
	for deb in "$d"/debs/linux-base-*.deb; do
		[ -f "$deb" ] || continue
		_kernel_deb_member "$deb" "$mod/config" "$d/config" || rm -f "$d/config"
	done
	{
		echo "abi $KERNEL_ABI"
		echo "suite $KERNEL_SUITE"
		cat "$d/info.tmp"
		if [ -f "$d/config" ]; then
			grep -E '^(CONFIG_EROFS_[A-Z0-9_]*=|# CONFIG_EROFS_[A-Z0-9_]* is not set)' "$d/config" |
				sed 's/^# \(CONFIG_[A-Z0-9_]*\) is not set/\1=n/; s/^/config /'
		else
			echo "config unavailable"
		fi
	} >"$d/info"
	rm -f "$d/info.tmp"
	# Keep the .debs (the download cache); drop the apt lists.
	_kernel_rm_tree "$apt"
	rm -f "$d/apt.log"
	echo "$KERNEL_ABI" >"$d/$KERNEL_STAMP"
}

kernel_fetch() {
	local reason rc=0 tmp old
	_kernel_set_paths
	_kernel_ok "$KERNEL_DIR" && return 0
	mkdir -p -- "$(dirname "$KERNEL_DIR")" || { echo "cannot create $(dirname "$KERNEL_DIR")"; return 1; }
	command -v flock >/dev/null 2>&1 || { echo "missing host tool: flock"; return 1; }
	reason=$(
		exec 9>"$KERNEL_DIR.lock" || { echo "cannot open $KERNEL_DIR.lock"; exit 1; }
		flock -w 900 9 || { echo "timed out waiting for $KERNEL_DIR.lock"; exit 1; }
		_kernel_ok "$KERNEL_DIR" && exit 0
		for old in "$KERNEL_DIR".tmp.*; do
			[ -d "$old" ] && _kernel_rm_tree "$old"
		done
		tmp=$(mktemp -d "$KERNEL_DIR.tmp.XXXXXX") || { echo "cannot create $KERNEL_DIR.tmp.*"; exit 1; }
		chmod 755 "$tmp"
		echo "kernel: fetching linux-*-$KERNEL_ABI from $KERNEL_SUITE into $KERNEL_DIR" >&2
		if ! _kernel_fill "$tmp"; then
			# Keep a log, if any, next to the cache for diagnosis.
			[ -f "$tmp/apt.log" ] && mv -f "$tmp/apt.log" "$KERNEL_DIR.apt.log"
			_kernel_rm_tree "$tmp"
			exit 1
		fi
		if [ -e "$KERNEL_DIR" ]; then
			_kernel_rm_tree "$KERNEL_DIR" || { echo "cannot remove stale $KERNEL_DIR"; exit 1; }
		fi
		mv -T -- "$tmp" "$KERNEL_DIR" || { echo "cannot move $tmp to $KERNEL_DIR"; exit 1; }
	) || rc=$?
	if [ "$rc" != 0 ]; then
		reason=${reason:-kernel fetch failed}
		echo "${reason//$'\n'/; }" | tail -n1
		return "$rc"
	fi
	_kernel_set_paths
	return 0
}

# 0 if the fetched kernel's config has CONFIG_EROFS_FS_PAGE_CACHE_SHARE=y,
# 1 if it says otherwise, 2 if the config is unknown.
kernel_has_page_cache_share() {
	[ -f "$KERNEL_DIR/info" ] || return 2
	grep -q '^config unavailable' "$KERNEL_DIR/info" && return 2
	grep -q '^config CONFIG_EROFS_FS_PAGE_CACHE_SHARE=y$' "$KERNEL_DIR/info"
}

# Static busybox for the initramfs (busybox-static, installed on demand).
# shellcheck disable=SC2034 # BUSYBOX is for the callers
busybox_static() {
	local b
	for b in /bin/busybox /usr/bin/busybox; do
		if [ -x "$b" ] && _kernel_is_static "$b"; then
			BUSYBOX=$b
			return 0
		fi
	done
	{ apt-get install -y -q busybox-static ||
		{ apt-get update -q && apt-get install -y -q busybox-static; }; } >&2 ||
		{ echo "cannot install busybox-static"; return 1; }
	for b in /bin/busybox /usr/bin/busybox; do
		if [ -x "$b" ] && _kernel_is_static "$b"; then
			BUSYBOX=$b
			return 0
		fi
	done
	echo "no static busybox after installing busybox-static"
	return 1
}

# True for an ELF executable without a PT_INTERP segment (statically
# linked). Uses file(1) when present, else readelf, else assumes static.
_kernel_is_static() {
	if command -v file >/dev/null 2>&1; then
		file -L "$1" | grep -q 'statically linked'
	elif command -v readelf >/dev/null 2>&1; then
		! readelf -l "$1" 2>/dev/null | grep -q INTERP
	else
		return 0
	fi
}

# Compile pcshelper.c with glibc's static libc. The binary is cached under
# $EROFS_CACHE/pcshelper/<source hash>/ so edits rebuild it.
pcshelper_build() {
	local src=$_KERNEL_LIB_DIR/../kernel/pcshelper.c hash dir out
	[ -f "$src" ] || { echo "missing $src"; return 1; }
	hash=$(sha256sum "$src" | cut -c1-16)
	dir=$EROFS_CACHE/pcshelper/$hash
	PCSHELPER=$dir/pcshelper
	[ -x "$PCSHELPER" ] && return 0
	command -v gcc >/dev/null 2>&1 || { echo "gcc not installed"; return 1; }
	mkdir -p -- "$dir" || { echo "cannot create $dir"; return 1; }
	out=$(mktemp "$dir/pcshelper.XXXXXX") || { echo "cannot create a temp file in $dir"; return 1; }
	if ! gcc -static -O2 -Wall -o "$out" "$src" >"$dir/build.log" 2>&1; then
		rm -f -- "$out"
		# libc.a comes with libc6-dev; install it once if that is the problem.
		if [ ! -f /usr/lib/x86_64-linux-gnu/libc.a ]; then
			apt-get install -y -q libc6-dev >&2 || { echo "cannot install libc6-dev (static libc)"; return 1; }
			out=$(mktemp "$dir/pcshelper.XXXXXX") || return 1
			gcc -static -O2 -Wall -o "$out" "$src" >"$dir/build.log" 2>&1 ||
				{ rm -f -- "$out"; echo "building pcshelper failed (log: $dir/build.log)"; return 1; }
		else
			echo "building pcshelper failed (log: $dir/build.log)"
			return 1
		fi
	fi
	chmod 755 "$out" && mv -f -- "$out" "$PCSHELPER"
}
