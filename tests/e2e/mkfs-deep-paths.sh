#!/bin/bash
# mkfs.erofs on trees whose paths are longer than PATH_MAX: 40 nested
# directories with 200-byte names (paths of over 8000 bytes) holding a
# file, a symlink, a FIFO and xattrs, a hard link from the top, and a
# chain of 700 nested directories built with a low fd limit (the scan must
# not keep one fd per level). The image is mounted with the running
# kernel and compared with the source through directory fds (no path
# given to a system call is long), checked with fsck.erofs --check-ishare,
# and the deep file's fingerprint must be the SHA-256 of its content.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/e2e.sh"

LEVELS=40
CHAIN=700

# Python's os functions with dir_fd: no path handed to the kernel is long.
make_tree() {
	python3 - "$1" "$LEVELS" "$CHAIN" <<'EOF'
import os, sys

root, levels, chain = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.mkdir(root)
fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
top = os.dup(fd)
for i in range(levels):
    name = '%03d' % i + 'd' * 197
    os.mkdir(name, dir_fd=fd)
    nfd = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    if i == levels // 2:
        os.setxattr('/proc/self/fd/%d' % nfd, 'trusted.deep.dir', b'middle')
    os.close(fd)
    fd = nfd
f = os.open('file', os.O_WRONLY | os.O_CREAT, 0o640, dir_fd=fd)
os.write(f, os.urandom(12345))
os.close(f)
os.symlink('file', 'link', dir_fd=fd)
os.mkfifo('fifo', 0o600, dir_fd=fd)
os.link('file', 'hard', src_dir_fd=fd, dst_dir_fd=top)
here = '/proc/self/fd/%d/' % fd
os.setxattr(here + 'file', 'trusted.deep.file', b'payload')
os.setxattr(here + 'link', 'trusted.deep.link', b'on the link',
            follow_symlinks=False)
os.close(fd)

os.mkdir('chain', dir_fd=top)
fd = os.open('chain', os.O_RDONLY | os.O_DIRECTORY, dir_fd=top)
for i in range(chain):
    os.mkdir('d', dir_fd=fd)
    nfd = os.open('d', os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    os.close(fd)
    fd = nfd
f = os.open('bottom', os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
os.write(f, b'the bottom of the chain\n')
os.close(f)
EOF
}

# One line per path: type, mode, owner, mtime, size, nlink, SHA-256 or
# link target, xattrs (but the fingerprint), and a hard-link group number.
list_tree() {
	python3 - "$1" <<'EOF'
import hashlib, os, stat, sys

SKIP = {'trusted.fp'}
groups = {}

def describe(dfd, name, rel):
    st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
    here = '/proc/self/fd/%d/%s' % (dfd, name)
    extra = ''
    if stat.S_ISREG(st.st_mode):
        f = os.open(name, os.O_RDONLY, dir_fd=dfd)
        h = hashlib.sha256()
        while True:
            b = os.read(f, 1 << 16)
            if not b:
                break
            h.update(b)
        os.close(f)
        extra = h.hexdigest()
        key = (st.st_dev, st.st_ino)
        extra += ' link-group %d' % groups.setdefault(key, len(groups))
    elif stat.S_ISLNK(st.st_mode):
        extra = os.readlink(name, dir_fd=dfd)
    xattrs = sorted((x, os.getxattr(here, x, follow_symlinks=False).hex())
                    for x in os.listxattr(here, follow_symlinks=False)
                    if x not in SKIP)
    print(rel, oct(st.st_mode), st.st_uid, st.st_gid, st.st_mtime_ns,
          st.st_size if not stat.S_ISDIR(st.st_mode) else '-',
          st.st_nlink, extra, xattrs)

# Depth first with one open fd per pending directory.
stack = [(os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY), '.')]
while stack:
    dfd, rel = stack.pop()
    for name in sorted(os.listdir(dfd)):
        sub = rel + '/' + name
        describe(dfd, name, sub)
        st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
        if stat.S_ISDIR(st.st_mode):
            stack.append((os.open(name, os.O_RDONLY | os.O_DIRECTORY,
                                  dir_fd=dfd), sub))
    os.close(dfd)
EOF
}

# cd one level at a time: the whole path is too long for any one call.
in_deep_dir() {
	local top=$1 i
	shift
	(
		cd "$top" || exit 1
		for ((i = 0; i < LEVELS; i++)); do
			cd "$(printf '%03d' "$i")"d* || exit 1
		done
		"$@"
	)
}

main() {
	local mkfs fsck img mnt want got

	need_erofs_mount
	need_cmd getfattr attr
	e2e_workdir
	mkfs="$(tools_dir)/mkfs/mkfs.erofs"
	fsck="$(tools_dir)/fsck/fsck.erofs"
	if [ ! -x "$mkfs" ] || [ ! -x "$fsck" ]; then
		fail "tools not built under $(tools_dir)"
	fi
	img=$WORK/deep.erofs
	mnt=$WORK/mnt

	make_tree "$WORK/src"
	[ "$(in_deep_dir "$WORK/src" pwd | wc -c)" -gt 8000 ] ||
		fail "test tree is not deeper than 8000 bytes"

	# 300 fds cannot hold the 700 levels of the chain at once.
	(ulimit -n 300 && "$mkfs" --quiet --ishare_key=trusted.fp "$img" "$WORK/src") ||
		fail "mkfs failed on the deep tree"
	mount_erofs "$img" "$mnt"
	list_tree "$WORK/src" >"$WORK/src.list" || fail "cannot list the source"
	list_tree "$mnt" >"$WORK/img.list" || fail "cannot list the mounted image"
	[ "$(wc -l <"$WORK/src.list")" = $((LEVELS + 4 + CHAIN + 2)) ] ||
		fail "source listing has $(wc -l <"$WORK/src.list") entries"
	diff -u "$WORK/src.list" "$WORK/img.list" >&2 ||
		fail "mounted image differs from the deep source"
	grep -q "trusted.deep.link" "$WORK/img.list" ||
		fail "the symlink's xattr is missing"
	echo "mounted image equals the source ($(wc -l <"$WORK/src.list") paths)"

	want=0x$(printf 'sha256:' | od -An -tx1 | tr -d ' \n')
	want+=$(in_deep_dir "$WORK/src" sha256sum file | cut -d' ' -f1)
	got=$(in_deep_dir "$mnt" getfattr -h -e hex -n trusted.fp file |
		sed -n 's/^trusted.fp=//p')
	[ "$got" = "$want" ] ||
		fail "deep file fingerprint: got '$got', want '$want'"
	echo "deep file fingerprint is its SHA-256"
	umount_erofs "$mnt"

	"$fsck" --check-ishare "$img" >"$WORK/fsck.out" 2>&1 ||
		fail "fsck.erofs --check-ishare: $(cat "$WORK/fsck.out")"
	grep -q "2 fingerprints verified: clean" "$WORK/fsck.out" ||
		fail "unexpected fsck output: $(cat "$WORK/fsck.out")"
	echo "fsck.erofs --check-ishare: $(cat "$WORK/fsck.out")"
}

main "$@"
