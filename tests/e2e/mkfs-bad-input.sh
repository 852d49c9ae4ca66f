#!/bin/bash
# Bad input: every failure is one line "mkfs.erofs: PATH: reason" on
# stderr, a non-zero exit, and nothing left in the output directory (no
# image, no temporary file). Cases: missing source, image in a missing
# directory, ENOSPC on a 1 MiB tmpfs, a mode-000 file read by an
# unprivileged user, a file removed mid-build, a file growing mid-build,
# SIGINT/SIGTERM/SIGHUP mid-build (ours only: upstream writes in place).
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
	[ $FAILED = 0 ] || fail "bad input not handled as promised (see above)"
}

main "$@"
