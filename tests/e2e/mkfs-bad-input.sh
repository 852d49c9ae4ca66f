#!/bin/bash
# Bad input: every failure is one line "mkfs.erofs: PATH: reason" on
# stderr, a non-zero exit, and nothing left in the output directory (no
# image, no temporary file). Cases: missing source, image in a missing
# directory, ENOSPC on a 1 MiB tmpfs, a mode-000 file read by an
# unprivileged user, a file removed mid-build, a file growing mid-build,
# SIGINT/SIGTERM/SIGHUP mid-build (ours only: upstream writes in place).
# IMAGE targets (ours only, for the exact messages): a symlink and a
# dangling symlink (the target gets the image, the link stays), a loop
# block device (written in place, then fsck'ed and mounted), one too small
# (refused before a byte is written), /dev/null, and an existing image
# the user may not write (refused and kept).
# (A name longer than 255 bytes cannot exist in a Linux source tree, so
# "name too long" is not tested.)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/hostile-tree.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/hostile-tree.sh"

# The reason texts we promise; strerror for system errors.
R_ENOENT="No such file or directory"
R_EACCES="Permission denied"
R_ENOSPC="No space left on device"
R_CHANGED="file changed during build"

NOBODY=65534
FAILED=0

listing() {
	if [ -d "$1" ]; then ls -A "$1"; else echo "<no directory $1>"; fi
}

# expect_failure CASE OUTDIR RC ERRFILE LINE...: the command that wrote
# ERRFILE exited with RC; stderr must be exactly one of the LINEs and
# OUTDIR must look as it did before (its listing is in $WORK/before).
expect_failure() {
	local name=$1 outdir=$2 rc=$3 err=$4 line ok=0 want bad=0
	shift 4
	if [ "$rc" = 0 ]; then
		echo "FAIL [$name]: mkfs exited 0" >&2
		bad=1
	fi
	if [ "$(wc -l <"$err")" != 1 ]; then
		echo "FAIL [$name]: want exactly one line on stderr, got $(wc -l <"$err"):" >&2
		head -n 5 "$err" | sed 's/^/    /' >&2
		bad=1
	else
		line=$(cat "$err")
		for want in "$@"; do
			[ "$line" = "$want" ] && ok=1
		done
		if [ $ok = 0 ]; then
			echo "FAIL [$name]: stderr was:  $line" >&2
			printf "FAIL [$name]: expected:     %s\n" "$@" >&2
			bad=1
		fi
	fi
	if [ "$(listing "$outdir")" != "$(cat "$WORK/before")" ]; then
		echo "FAIL [$name]: output directory changed; now holds: $(listing "$outdir" | tr '\n' ' ')" >&2
		bad=1
	fi
	if [ $bad = 0 ]; then
		echo "ok [$name]: $line"
	else
		FAILED=1
	fi
}

snapshot() {
	listing "$1" >"$WORK/before"
}

mkfs_as_nobody() {
	local ids=(--reuid="$NOBODY" --regid="$NOBODY" --clear-groups)
	if [ "$MKFS_KIND" = peer ]; then
		peer_run setpriv "${ids[@]}" mkfs.erofs "$@"
	else
		setpriv "${ids[@]}" "$MKFS" "$@"
	fi
}

case_missing_source() {
	local out=$WORK/out-missing-src rc=0
	mkdir -p "$out"
	snapshot "$out"
	run_mkfs "$out/img.erofs" "$WORK/no-such-source" 2>"$WORK/err" >/dev/null || rc=$?
	expect_failure "missing source" "$out" $rc "$WORK/err" \
		"mkfs.erofs: $WORK/no-such-source: $R_ENOENT"
}

case_missing_image_dir() {
	local out=$WORK/no-such-dir rc=0
	snapshot "$out"
	run_mkfs "$out/img.erofs" "$WORK/small" 2>"$WORK/err" >/dev/null || rc=$?
	expect_failure "image in a missing directory" "$out" $rc "$WORK/err" \
		"mkfs.erofs: $out/img.erofs: $R_ENOENT"
}

case_enospc() {
	local out=$WORK/tiny rc=0 src=$WORK/enospc-src
	mount_tmpfs "$out" 1m
	small_tree "$src" 4
	head -c 2097152 /dev/urandom >"$src/two-mib"
	snapshot "$out"
	run_mkfs "$out/img.erofs" "$src" 2>"$WORK/err" >/dev/null || rc=$?
	expect_failure "ENOSPC" "$out" $rc "$WORK/err" \
		"mkfs.erofs: $out/img.erofs: $R_ENOSPC"
}

case_unreadable() {
	local out=$WORK/out-nobody src=$WORK/unreadable-src rc=0 f
	if [ "$MKFS_KIND" = ours ] &&
		! setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups test -x "$MKFS"; then
		echo "FAIL [unreadable]: user $NOBODY cannot execute $MKFS" >&2
		FAILED=1
		return
	fi
	mkdir -p "$src/sub" "$out"
	for f in a b sub/c z; do echo "$f" >"$src/$f"; done
	echo secret >"$src/sub/secret"
	chmod 000 "$src/sub/secret"
	chown $NOBODY:$NOBODY "$out"
	snapshot "$out"
	mkfs_as_nobody "$out/img.erofs" "$src" 2>"$WORK/err" >/dev/null || rc=$?
	expect_failure "unreadable file (as uid $NOBODY)" "$out" $rc "$WORK/err" \
		"mkfs.erofs: $src/sub/secret: $R_EACCES"
}

# A tree whose data pass takes a moment: a 96 MiB file sorted first, then
# small files in two directories.
busy_tree() {
	local src=$1 i
	mkdir -p "$src/sub"
	head -c $((96 << 20)) /dev/zero >"$src/0-big"
	for i in $(seq -w 1 20); do
		echo "file $i" >"$src/f$i"
		echo "sub $i" >"$src/sub/g$i"
	done
}

case_removed_mid_build() {
	local out=$WORK/out-removed src=$WORK/removed-src rc=0 p want=()
	busy_tree "$src"
	mkdir -p "$out"
	snapshot "$out"
	python3 "$E2E_LIB/mkfs-interfere.py" --src "$src" --action remove -- \
		"${MKFS_ARGV[@]}" "$out/img.erofs" "$src" \
		2>"$WORK/err" >"$WORK/interfere.log" || rc=$?
	[ $rc = 99 ] && fail "removed mid-build: mkfs never opened a source file"
	while read -r p; do
		want+=("mkfs.erofs: $p: $R_ENOENT" "mkfs.erofs: $p: $R_CHANGED")
	done < <(sed -n 's/^interfere: removed //p' "$WORK/interfere.log")
	[ ${#want[@]} -gt 0 ] || fail "removed mid-build: nothing was removed"
	expect_failure "file removed mid-build" "$out" $rc "$WORK/err" "${want[@]}"
}

case_grown_mid_build() {
	local out=$WORK/out-grown src=$WORK/grown-src rc=0 p
	busy_tree "$src"
	mkdir -p "$out"
	snapshot "$out"
	python3 "$E2E_LIB/mkfs-interfere.py" --src "$src" --action append -- \
		"${MKFS_ARGV[@]}" "$out/img.erofs" "$src" \
		2>"$WORK/err" >"$WORK/interfere.log" || rc=$?
	[ $rc = 99 ] && fail "grown mid-build: mkfs never opened a source file"
	p=$(sed -n 's/^interfere: appended 1 MiB to //p' "$WORK/interfere.log")
	[ -n "$p" ] || fail "grown mid-build: nothing was appended"
	expect_failure "file appended to mid-build" "$out" $rc "$WORK/err" \
		"mkfs.erofs: $p: $R_CHANGED"
}

# A build that runs for seconds without filling the disk: a 16 GiB sparse
# file (reads of holes are cheap, all-zero blocks stay holes in the image)
# fingerprinted, so SHA-256 keeps mkfs busy (about 8 s at 2 GB/s).
slow_tree() {
	mkdir -p "$1/sub"
	truncate -s 16G "$1/sparse"
	echo small >"$1/sub/small"
}

# SIGINT/SIGTERM/SIGHUP during the data pass: mkfs must die of that signal
# with neither IMAGE nor its temporary left behind. Background jobs of a
# script start with SIGINT ignored (and mkfs keeps ignored signals
# ignored, like nohup expects), hence env --default-signal.
case_signal() {
	local sig=$1 out=$WORK/out-sig-$1 src=$WORK/slow-src pid rc=0 i
	local expect_rc=$((128 + $(kill -l "$sig")))
	[ -d "$src" ] || slow_tree "$src"
	mkdir -p "$out"
	snapshot "$out"
	env --default-signal=INT,TERM,HUP "$MKFS" --quiet --ishare_key \
		"$out/img.erofs" "$src" 2>"$WORK/err" &
	pid=$!
	# Signal once the temporary exists, i.e. the data pass is under way.
	for ((i = 0; i < 300; i++)); do
		compgen -G "$out/img.erofs.tmp*" >/dev/null && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.05
	done
	sleep 0.2
	kill -s "$sig" $pid 2>/dev/null || true
	wait $pid || rc=$?
	if [ $rc != "$expect_rc" ] || [ "$(listing "$out")" != "$(cat "$WORK/before")" ]; then
		echo "FAIL [SIG$sig mid-build]: exit $rc (want $expect_rc, killed by SIG$sig);" \
			"output directory holds: $(listing "$out" | tr '\n' ' ')" >&2
		sed 's/^/    /' "$WORK/err" >&2
		FAILED=1
	else
		echo "ok [SIG$sig mid-build]: exit $rc, no image, no temporary"
	fi
}

case_signals() {
	local sig
	if [ "$MKFS_KIND" != ours ]; then
		echo "skipped [signals mid-build]: upstream writes IMAGE in place" >&2
		return
	fi
	for sig in INT TERM HUP; do
		case_signal $sig
	done
	rm -rf -- "$WORK/slow-src"
}

# ---- IMAGE targets ----

LOOPS=()

detach_loops() {
	local l
	for l in "${LOOPS[@]}"; do
		losetup -d "$l" 2>/dev/null || true
	done
	_e2e_cleanup
}

# new_loop FILE SIZE: LOOP= a loop device over a FILE of SIZE random
# bytes (not a command substitution: LOOPS must survive for the trap)
new_loop() {
	head -c "$2" /dev/urandom >"$1"
	LOOP=$(losetup -f --show "$1") || fail "losetup $1 failed"
	LOOPS+=("$LOOP")
}

target_fail() {
	echo "FAIL [$1]: $2" >&2
	FAILED=1
}

# fsck_clean NAME IMAGE: our fsck reads every byte back without complaint
fsck_clean() {
	"$FSCK" "$2" >"$WORK/fsck.out" 2>&1 && return 0
	target_fail "$1" "fsck $2: $(head -c 300 "$WORK/fsck.out")"
	return 1
}

case_symlink_image() {
	local out=$WORK/out-link rc=0 pass
	mkdir -p "$out"
	ln -s target.erofs "$out/link.erofs"
	for pass in new existing; do
		rc=0
		run_mkfs --quiet "$out/link.erofs" "$WORK/small" 2>"$WORK/err" || rc=$?
		[ $rc = 0 ] || { target_fail "symlink IMAGE ($pass target)" "rc=$rc: $(cat "$WORK/err")"; return; }
		[ "$(readlink "$out/link.erofs")" = target.erofs ] ||
			{ target_fail "symlink IMAGE ($pass target)" "the link was replaced"; return; }
		[ -f "$out/target.erofs" ] && [ ! -L "$out/target.erofs" ] ||
			{ target_fail "symlink IMAGE ($pass target)" "target.erofs not written"; return; }
		[ "$(ls -A "$out" | tr '\n' ' ')" = "link.erofs target.erofs " ] ||
			{ target_fail "symlink IMAGE ($pass target)" "left: $(ls -A "$out" | tr '\n' ' ')"; return; }
		fsck_clean "symlink IMAGE ($pass target)" "$out/target.erofs" || return
	done
	echo "ok [symlink IMAGE]: link kept, target written (new and existing), fsck clean"
}

case_dangling_symlink_image() {
	local out=$WORK/out-dangling there=$WORK/out-dangling-target rc=0
	mkdir -p "$out" "$there"
	ln -s "$there/img.erofs" "$out/link.erofs"
	run_mkfs --quiet "$out/link.erofs" "$WORK/small" 2>"$WORK/err" || rc=$?
	[ $rc = 0 ] || { target_fail "dangling symlink IMAGE" "rc=$rc: $(cat "$WORK/err")"; return; }
	[ -L "$out/link.erofs" ] && [ "$(ls -A "$out")" = link.erofs ] ||
		{ target_fail "dangling symlink IMAGE" "link directory now holds: $(ls -A "$out" | tr '\n' ' ')"; return; }
	[ "$(ls -A "$there")" = img.erofs ] ||
		{ target_fail "dangling symlink IMAGE" "target directory holds: $(ls -A "$there" | tr '\n' ' ')"; return; }
	fsck_clean "dangling symlink IMAGE" "$there/img.erofs" || return
	echo "ok [dangling symlink IMAGE]: target created, link kept, fsck clean"
}

# A tree whose image is over 1 MiB.
big_small_tree() {
	[ -d "$1" ] && return
	small_tree "$1" 2
	head -c $((1536 << 10)) /dev/urandom >"$1/one-and-a-half-mib"
}

case_blockdev_image() {
	local src=$WORK/bdev-src dev node mnt=$WORK/mnt-bdev rc=0 majmin
	big_small_tree "$src"
	# random bytes first: the image must not depend on a zeroed device
	new_loop "$WORK/bdev.raw" 4M
	dev=$LOOP
	run_mkfs --quiet "$dev" "$src" 2>"$WORK/err" || rc=$?
	[ $rc = 0 ] || { target_fail "block device IMAGE" "rc=$rc: $(cat "$WORK/err")"; return; }
	[ -b "$dev" ] || { target_fail "block device IMAGE" "$dev is no longer a block device"; return; }
	fsck_clean "block device IMAGE" "$dev" || return
	mkdir -p "$mnt"
	mount -t erofs -o ro "$dev" "$mnt" ||
		{ target_fail "block device IMAGE" "the kernel refused to mount $dev"; return; }
	E2E_MOUNTS+=("$mnt")
	compare_tree "$src" "$mnt" ||
		{ target_fail "block device IMAGE" "content read back differs"; return; }
	umount_erofs "$mnt"

	# the same through a device node of our own, as in the finding
	majmin=$(stat -c '%t %T' "$dev")
	node=$WORK/out-bdev-node/blk
	mkdir -p "${node%/*}"
	mknod "$node" b $((16#${majmin% *})) $((16#${majmin#* }))
	rc=0
	run_mkfs --quiet -T0 "$node" "$WORK/small" 2>"$WORK/err" || rc=$?
	[ $rc = 0 ] || { target_fail "block device node IMAGE" "rc=$rc: $(cat "$WORK/err")"; return; }
	[ -b "$node" ] && [ "$(ls -A "${node%/*}")" = blk ] ||
		{ target_fail "block device node IMAGE" "the node was replaced"; return; }
	fsck_clean "block device node IMAGE" "$dev" || return
	echo "ok [block device IMAGE]: written in place through $dev and a node, fsck clean, mounted, content equal"
}

case_small_blockdev() {
	local src=$WORK/bdev-src out=$WORK/out-small-bdev dev need before rc=0
	big_small_tree "$src"
	mkdir -p "$out"
	run_mkfs --quiet "$WORK/size-probe.erofs" "$src" || fail "mkfs of $src into a file failed"
	need=$(stat -c %s "$WORK/size-probe.erofs")
	new_loop "$WORK/small-bdev.raw" 1M
	dev=$LOOP
	before=$(sha256sum <"$dev")
	snapshot "$out"
	run_mkfs "$dev" "$src" >/dev/null 2>"$WORK/err" || rc=$?
	expect_failure "block device too small" "$out" $rc "$WORK/err" \
		"mkfs.erofs: $dev: device too small (1048576 bytes, image needs $need)"
	[ "$(sha256sum <"$dev")" = "$before" ] ||
		target_fail "block device too small" "the device was written to"
}

case_refused_targets() {
	local out=$WORK/out-refused rc
	mkdir -p "$out"
	snapshot "$out"
	rc=0
	run_mkfs /dev/null "$WORK/small" >/dev/null 2>"$WORK/err" || rc=$?
	expect_failure "character device IMAGE" "$out" $rc "$WORK/err" \
		"mkfs.erofs: /dev/null: not a regular file or block device"
	rc=0
	run_mkfs "$out" "$WORK/small" >/dev/null 2>"$WORK/err" || rc=$?
	expect_failure "directory IMAGE" "$out" $rc "$WORK/err" \
		"mkfs.erofs: $out: Is a directory"
}

# The directory is the user's, the old image is not: a rename could
# replace it, but the user has no right to.
case_readonly_image() {
	local out=$WORK/out-ro rc=0 sum
	mkdir -p "$out"
	echo "someone else's image" >"$out/img.erofs"
	chmod 644 "$out/img.erofs"
	chown $NOBODY:$NOBODY "$out"
	sum=$(sha256sum <"$out/img.erofs")
	snapshot "$out"
	mkfs_as_nobody "$out/img.erofs" "$WORK/small" 2>"$WORK/err" >/dev/null || rc=$?
	expect_failure "read-only IMAGE (as uid $NOBODY)" "$out" $rc "$WORK/err" \
		"mkfs.erofs: $out/img.erofs: $R_EACCES"
	[ "$(stat -c %u "$out/img.erofs")" = 0 ] && [ "$(sha256sum <"$out/img.erofs")" = "$sum" ] ||
		target_fail "read-only IMAGE" "the image was replaced"
}

case_image_targets() {
	if [ "$MKFS_KIND" != ours ]; then
		echo "skipped [IMAGE targets]: messages and link handling are ours" >&2
		return
	fi
	need_cmd losetup mount
	trap detach_loops EXIT
	case_symlink_image
	case_dangling_symlink_image
	case_blockdev_image
	case_small_blockdev
	case_refused_targets
	case_readonly_image
}

main() {
	need_root "tmpfs mounts and setpriv"
	need_cmd setpriv util-linux
	mkfs_select
	e2e_workdir
	# The unprivileged case needs to reach its files under $WORK.
	chmod 755 "$WORK"
	small_tree "$WORK/small" 1
	case_missing_source
	case_missing_image_dir
	case_enospc
	case_unreadable
	case_removed_mid_build
	case_grown_mid_build
	case_signals
	case_image_targets
	[ $FAILED = 0 ] || fail "bad input not handled as promised (see above)"
}

main "$@"
