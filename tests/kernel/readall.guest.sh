# shellcheck shell=sh
# Guest half of readall.sh (busybox ash, guestlib.sh already sourced): mount
# /images/a.img and /images/b.img, drop caches, walk both trees, then read
# every regular file, and report the growth of Cached: and Buffers: in
# /proc/meminfo, once without and once with inode_share.
#   readall MODE WALK_CACHED_KB WALK_BUFFERS_KB CACHED_KB BUFFERS_KB FILES
# (growth after the walk alone, and after walk + reads; KiB)

meminfo() {
	awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo
}

measure() {
	mode=$1 opts=$2
	mount_loop /images/a.img /mnt/a "$opts" || { result "readall $mode mount-failed"; return; }
	mount_loop /images/b.img /mnt/b "$opts" || { umount_dir /mnt/a; result "readall $mode mount-failed"; return; }
	sync
	echo 3 >/proc/sys/vm/drop_caches
	c0=$(meminfo Cached) b0=$(meminfo Buffers)
	n=$(find /mnt/a /mnt/b -type f | wc -l)
	c1=$(meminfo Cached) b1=$(meminfo Buffers)
	find /mnt/a /mnt/b -type f -print0 | xargs -0 cat >/dev/null
	c2=$(meminfo Cached) b2=$(meminfo Buffers)
	result "readall $mode $((c1 - c0)) $((b1 - b0)) $((c2 - c0)) $((b2 - b0)) $n"
	umount_dir /mnt/b
	umount_dir /mnt/a
	echo 3 >/proc/sys/vm/drop_caches
}

measure plain ""
measure share inode_share,domain_id=redis
