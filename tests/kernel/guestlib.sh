# shellcheck shell=dash
# Guest-side helpers for run-guest.sh (busybox ash; sourced by /init before
# the guest script runs). Everything here runs inside the qemu guest:
# images are under /images, pcshelper is on PATH, erofs and loop are
# loaded, / is ramfs (so file-backed erofs mounts work).
#
# Output conventions: a line starting with "RESULT " on stdout is a result
# (run-guest.sh passes it to the host's stdout without the prefix);
# everything else only reaches the console log.
#
#   result WORDS...             print "RESULT WORDS..."
#   note WORDS...               print a log line (stderr)
#   readall FILE                read the whole file through read(2)
#   drop FILE                   posix_fadvise(DONTNEED) on the whole file
#   drop_fully FILE             drop, and repeat (up to 5 times, short
#                               pauses) until FILE has no resident page;
#                               returns 1 if pages remain. A single
#                               DONTNEED occasionally leaves one large folio
#                               (seen: 512 pages of a 150 MiB file) behind
#   resident FILE               print the number of resident pages (mincore)
#   pages FILE                  print the file's size in pages
#   cached_kb                   print /proc/meminfo Cached (KiB)
#   mount_loop IMG DIR [OPTS]   busybox mount -t erofs -o loop,ro[,OPTS]
#                               (block-device mount through /dev/loopN)
#   mount_file IMG DIR [OPTS]   file-backed mount: mount(2) with the image
#                               file as source, "ro[,OPTS]"
#   umount_dir DIR              unmount (and free a loop device, if any)
#   shares A B                  print one line "VERDICT DETAILS": VERDICT is
#                               yes (A and B share one page cache), no,
#                               inconsistent (probes disagree) or error
#                               (a probe could not be evaluated); returns
#                               0 for yes, 1 for no, 2 otherwise
#   share_case NAME A B         result "share NAME VERDICT DETAILS"
#   dmesg_tail [N]              last N (default 20) kernel log lines to stderr
#
# Mount helpers print the kernel's last messages on failure and return the
# failing status, so a guest script can write
#   mount_file /images/a.img /mnt/a inode_share,domain_id=x ||
#           result share case1 mount-failed

result() {
	echo "RESULT $*"
}

note() {
	echo "guest: $*" >&2
}

dmesg_tail() {
	dmesg | tail -n "${1:-20}" >&2
}

readall() {
	pcshelper read "$1" >/dev/null
}

drop() {
	pcshelper drop "$1"
}

drop_fully() {
	local i=0
	while :; do
		pcshelper drop "$1" || return 1
		[ "$(resident "$1")" = 0 ] && return 0
		i=$((i + 1))
		[ "$i" -lt 5 ] || return 1
		note "drop_fully $1: pages remain after drop $i, retrying"
		sleep 0.2 2>/dev/null || sleep 1
	done
}

resident() {
	local r
	r=$(pcshelper resident "$1") || return 1
	echo "${r%% *}"
}

pages() {
	local r
	r=$(pcshelper resident "$1") || return 1
	echo "${r##* }"
}

cached_kb() {
	pcshelper cached
}

# "ro" plus optional extra options, comma-joined.
_ro_opts() {
	if [ -n "${1:-}" ]; then
		echo "ro,$1"
	else
		echo ro
	fi
}

mount_loop() {
	local img=$1 dir=$2 opts rc=0
	opts=$(_ro_opts "${3:-}")
	mkdir -p "$dir"
	mount -t erofs -o "loop,$opts" "$img" "$dir" || rc=$?
	if [ "$rc" != 0 ]; then
		note "mount_loop $img $dir -o loop,$opts failed ($rc)"
		dmesg_tail 5
	fi
	return "$rc"
}

mount_file() {
	local img=$1 dir=$2 opts rc=0
	opts=$(_ro_opts "${3:-}")
	mkdir -p "$dir"
	pcshelper mount "$img" "$dir" erofs "$opts" || rc=$?
	if [ "$rc" != 0 ]; then
		note "mount_file $img $dir -o $opts failed ($rc)"
		dmesg_tail 5
	fi
	return "$rc"
}

umount_dir() {
	# -d releases the loop device busybox attached, if any.
	umount -d "$1" 2>/dev/null || umount "$1"
}

# shares A B: do A and B use one page cache? Three independent probes,
# each preceded by its own validity checks:
#   p1  drop both; read A only; B now has resident pages     => shared
#   p2  read A and B; drop B (B itself falls to 0);
#       A fell to 0 as well                                  => shared
#   p3  the same with the roles swapped (drop A, look at B)
# Verdict "yes"/"no" only when all three agree; a probe whose
# precondition fails (a drop that does not empty its own file even after
# retries, a read that leaves nothing resident) makes the verdict "error".
# Drops use drop_fully: retrying the drop of the file being dropped is
# harmless to the logic, the signal is what happens to the OTHER file.
shares() {
	local a=$1 b=$2 na nb ra rb p1 p2 p3 v err=
	na=$(pages "$a") || { echo "error cannot-map-$a"; return 2; }
	nb=$(pages "$b") || { echo "error cannot-map-$b"; return 2; }
	if [ "$na" = 0 ] || [ "$nb" = 0 ]; then
		echo "error empty-file"
		return 2
	fi

	# p1
	drop_fully "$a"; drop_fully "$b"
	ra=$(resident "$a"); rb=$(resident "$b")
	[ "$ra" = 0 ] && [ "$rb" = 0 ] || err="$err p1-not-cold(a=$ra,b=$rb)"
	readall "$a" || err="$err read-failed"
	ra=$(resident "$a"); rb=$(resident "$b")
	[ "$ra" -gt 0 ] || err="$err p1-a-not-resident"
	if [ "$rb" -gt 0 ]; then p1=yes; else p1=no; fi
	p1="$p1(b=$rb/$nb)"

	# p2
	readall "$a" && readall "$b" || err="$err read-failed"
	ra=$(resident "$a"); rb=$(resident "$b")
	[ "$ra" -gt 0 ] && [ "$rb" -gt 0 ] || err="$err p2-not-resident(a=$ra,b=$rb)"
	drop_fully "$b"
	ra=$(resident "$a"); rb=$(resident "$b")
	[ "$rb" = 0 ] || err="$err p2-drop-ineffective(b=$rb)"
	if [ "$ra" = 0 ]; then p2=yes; else p2=no; fi
	p2="$p2(a=$ra/$na)"

	# p3
	readall "$a" && readall "$b" || err="$err read-failed"
	ra=$(resident "$a"); rb=$(resident "$b")
	[ "$ra" -gt 0 ] && [ "$rb" -gt 0 ] || err="$err p3-not-resident(a=$ra,b=$rb)"
	drop_fully "$a"
	ra=$(resident "$a"); rb=$(resident "$b")
	[ "$ra" = 0 ] || err="$err p3-drop-ineffective(a=$ra)"
	if [ "$rb" = 0 ]; then p3=yes; else p3=no; fi
	p3="$p3(b=$rb/$nb)"

	drop "$a"
	drop "$b"
	if [ -n "$err" ]; then
		v=error
	else
		case "${p1%%(*} ${p2%%(*} ${p3%%(*}" in
		"yes yes yes") v=yes ;;
		"no no no") v=no ;;
		*) v=inconsistent ;;
		esac
	fi
	echo "$v p1=$p1 p2=$p2 p3=$p3${err:+ errors:}$(echo "${err# }" | tr ' ' ',')"
	case $v in
	yes) return 0 ;;
	no) return 1 ;;
	*) return 2 ;;
	esac
}

share_case() {
	local name=$1 line
	shift
	line=$(shares "$@")
	result "share $name $line"
}
