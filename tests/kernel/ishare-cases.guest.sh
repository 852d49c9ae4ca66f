# shellcheck shell=sh
# Guest half of ishare-cases.sh (busybox ash, guestlib.sh already sourced).
# One line per case on stdout via `result`:
#   share NAME VERDICT DETAILS      do the two files share one page cache
#   mount NAME ok|ERRNO             did the mount succeed
#   content NAME from-a|own         forged case: whose bytes B shows
#   dmesg NAME yes|no               did the kernel log the expected message

# mnt KIND IMG DIR OPTS: KIND is loop or file.
mnt() {
	if [ "$1" = file ]; then
		mount_file "$2" "$3" "$4"
	else
		mount_loop "$2" "$3" "$4"
	fi
}

# pair NAME KIND_A IMG_A OPTS_A KIND_B IMG_B OPTS_B FILE_A FILE_B
pair() {
	name=$1
	mnt "$2" "/images/$3" /mnt/a "$4" || { result "share $name error mount-a"; return; }
	if ! mnt "$5" "/images/$6" /mnt/b "$7"; then
		umount_dir /mnt/a
		result "share $name error mount-b"
		return
	fi
	share_case "$name" "/mnt/a/$8" "/mnt/b/$9"
	umount_dir /mnt/b
	umount_dir /mnt/a
}

# single NAME KIND IMG OPTS FILE_A FILE_B: two files of one image.
single() {
	mnt "$2" "/images/$3" /mnt/a "$4" || { result "share $1 error mount"; return; }
	share_case "$1" "/mnt/a/$5" "/mnt/a/$6"
	umount_dir /mnt/a
}

# mount_errno NAME IMG OPTS: file-backed mount(2) so the errno is visible.
mount_errno() {
	mkdir -p /mnt/e
	if out=$(pcshelper mount "/images/$2" /mnt/e erofs "ro${3:+,$3}" 2>&1); then
		result "mount $1 ok"
		umount /mnt/e
	else
		# "pcshelper: mount: EUCLEAN (117): ..." -> EUCLEAN
		err=${out#*mount: }
		result "mount $1 ${err%% *}"
	fi
}

D=inode_share,domain_id=d

pair same-domain loop plain1.img $D loop plain2.img $D same.bin same.bin
pair diff-domain loop plain1.img inode_share,domain_id=d1 loop plain2.img inode_share,domain_id=d2 same.bin same.bin
pair no-inode-share loop plain1.img $D loop plain2.img "" same.bin same.bin
single one-image-twins loop plain1.img $D twin1.bin twin2.bin
[ -f /images/ours2.img ] && pair ours-upstream loop plain1.img $D loop ours2.img $D same.bin same.bin
pair diff-content loop plain1.img $D loop plain2.img $D diff.bin diff.bin
pair compressed-both loop lz1.img $D loop lz2.img $D text.txt text.txt
pair compressed-vs-plain loop lz1.img $D loop plain2.img $D text.txt text.txt
pair file-vs-loop file plain1.img $D loop plain2.img $D same.bin same.bin
pair file-both file plain1.img $D file plain2.img $D same.bin same.bin
single value-too-long loop long.img $D twin1.bin twin2.bin
single value-block-size loop exact.img $D twin1.bin twin2.bin
pair chunk-both loop chunk1.img $D loop chunk2.img $D same.bin same.bin
pair chunk-vs-plain loop chunk1.img $D loop plain2.img $D same.bin same.bin
pair forged loop plain1.img $D loop forged2.img $D diff.bin diff.bin

# forged: read A first, then B shows A's bytes
mount_loop /images/plain1.img /mnt/a $D && mount_loop /images/forged2.img /mnt/b $D && {
	drop /mnt/a/diff.bin
	drop /mnt/b/diff.bin
	sa=$(md5sum </mnt/a/diff.bin)
	sb=$(md5sum </mnt/b/diff.bin)
	if [ "$sa" = "$sb" ]; then result "content forged from-a"; else result "content forged own"; fi
	umount_dir /mnt/b
	umount_dir /mnt/a
}

mount_errno bad-prefix-id badprefix.img ""
mount_errno bad-prefix-id-share badprefix.img $D
mount_errno no-domain-id plain1.img inode_share
mount_errno no-feature nofeature2.img $D
mount_errno empty-domain-id plain1.img inode_share,domain_id=
dmesg -c >/dev/null
pair no-feature loop plain1.img $D loop nofeature2.img $D same.bin same.bin
if dmesg | grep -q "Turning off inode_share"; then result "dmesg no-feature yes"; else result "dmesg no-feature no"; fi
