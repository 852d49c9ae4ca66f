#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Deterministic source trees for the end-to-end tests.

    make-tree.py hostile|small DIR [--seed N] [--reverse]

"hostile" holds everything mkfs.erofs must get right (odd names, big and
deep directories, hard links, long symlinks, devices with wide rdev, FIFO,
socket, xattrs incl. ACLs, wide uid/gid, odd modes, extreme mtimes, file
sizes around block boundaries, duplicate contents). "small" is a quick
subset. The same seed gives the same tree bit for bit, whatever the order:
--reverse creates every entry in the opposite order so that readdir order
differs while the tree itself does not (reproducibility test).

Must run as root (devices, chown, trusted.* xattrs). Paths are bytes
throughout because some names are not valid UTF-8.
"""
import argparse
import os
import random
import socket
import stat
import subprocess
import sys

# Fixed mtimes: 0 (the epoch), beyond 2038 and beyond 2^32 s, with and
# without nanoseconds. Directories get theirs in a final pass because
# creating children touches them.
T_BASE = 1700000000
T_Y2100 = 4102444800
T_BEYOND_U32 = 5000000000

BIG_DIR_ENTRIES = 1500
DEEP_LEVELS = 40


class Tree:
    """A list of entries, each a dict with 'path' (bytes, relative) and
    'kind', plus the metadata to apply. Built in a canonical order with
    parents before children; materialised forward or reversed."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.entries = []
        self.links = []		# (existing, new) hard links
        self.n = 0

    def _mtime(self):
        # Distinct, deterministic mtimes with nanoseconds for ordinary files.
        self.n += 1
        return T_BASE + self.n * 7, (self.n * 104729) % 1000000000

    def add(self, path, kind, **kw):
        e = {'path': path, 'kind': kind, 'mode': kw.pop('mode', None),
             'uid': kw.pop('uid', 0), 'gid': kw.pop('gid', 0),
             'xattrs': kw.pop('xattrs', []), 'acl': kw.pop('acl', None),
             'dacl': kw.pop('dacl', None)}
        if 'mtime' in kw:
            e['mtime'] = kw.pop('mtime')
        else:
            e['mtime'] = self._mtime()
        e.update(kw)
        self.entries.append(e)
        return e

    def dir(self, path, **kw):
        kw.setdefault('mode', 0o755)
        return self.add(path, 'dir', **kw)

    def file(self, path, data=b'', **kw):
        kw.setdefault('mode', 0o644)
        return self.add(path, 'file', data=data, **kw)

    def random_data(self, size):
        return self.rng.randbytes(size)

    def link(self, existing, new):
        self.links.append((existing, new))


def odd_names():
    names = [
        'caf\u00e9', '\u65e5\u672c\u8a9e.txt', '\U0001f600 emoji',
        '\u0645\u0631\u062d\u0628\u0627',
    ]
    names = [n.encode() for n in names]
    names += [
        b'\xff\xfe', b'latin1-\xe9', b'new\nline', b'tab\tname', b' lead-space',
        b'trail-space ', b'!bang', b'#hash', b'-dash', b'$dollar', b'...',
        b'.hidden', b'*', b'back\\slash', b'quote"\'', b'\x01ctrl', b'\x7fdel',
        b'a' * 255, ('\u00e9' * 127 + 'x').encode(), b'z' * 254 + b'\xff',
    ]
    return names


def build_hostile(t):
    rng = t.rng
    t.dir(b'.', mode=0o755, mtime=(T_BASE, 500))

    # Odd names: files whose content is their name, plus one directory.
    t.dir(b'names')
    for i, name in enumerate(odd_names()):
        t.file(b'names/' + name, data=name + b'\n')
    t.dir(b'names/\xf0\x9f\x93\x81 dir \xfe')
    t.file(b'names/\xf0\x9f\x93\x81 dir \xfe/inner', data=b'inner\n')

    # A directory spanning many blocks, mixed empty and tiny files and a
    # few subdirectories so nlink and dir sizes matter.
    t.dir(b'bigdir')
    for i in range(BIG_DIR_ENTRIES):
        name = b'entry-%04d-%s' % (i, b'x' * (i % 37))
        if i % 100 == 7:
            t.dir(b'bigdir/' + name)
        elif i % 3 == 0:
            t.file(b'bigdir/' + name)
        else:
            t.file(b'bigdir/' + name, data=b'%d\n' % i)

    # 40-deep nesting with a file at the bottom and an empty leaf dir.
    p = b'deep'
    t.dir(p)
    for lvl in range(1, DEEP_LEVELS + 1):
        p += b'/d%02d' % lvl
        t.dir(p)
    t.file(p + b'/bottom', data=b'bottom of the well\n')
    t.dir(p + b'/empty')

    t.dir(b'empty')
    t.dir(b'empty/also-empty', mode=0o700)

    # Sizes around block boundaries (4096, and 512/1024 multiples too),
    # several MiB of seeded random data, and duplicate contents.
    t.dir(b'sizes')
    for size in (0, 1, 511, 512, 513, 1023, 1024, 1025, 4095, 4096, 4097,
                 8191, 8192, 12289, 65536 + 3):
        t.file(b'sizes/s%05d' % size, data=t.random_data(size))
    t.file(b'sizes/big-3MiB+17', data=t.random_data(3 * 1048576 + 17))
    t.file(b'sizes/big-5MiB', data=t.random_data(5 * 1048576))
    dup = t.random_data(100000)
    t.file(b'sizes/dup-a', data=dup)
    t.file(b'sizes/dup-b', data=dup)
    t.dir(b'sizes/sub')
    t.file(b'sizes/sub/dup-c', data=dup, mode=0o600)

    # Hard links: same dir, across dirs, a hard-linked empty file, and a
    # hard-linked device node.
    t.dir(b'links')
    t.dir(b'links/other')
    t.file(b'links/hl-a', data=t.random_data(5000))
    t.link(b'links/hl-a', b'links/hl-b')
    t.link(b'links/hl-a', b'links/other/hl-c')
    t.link(b'links/hl-a', b'names/hl-in-names')
    t.file(b'links/empty-1')
    t.link(b'links/empty-1', b'links/empty-2')
    t.link(b'links/empty-1', b'links/other/empty-3')
    t.add(b'links/fifo-1', 'fifo', mode=0o640)
    t.link(b'links/fifo-1', b'links/other/fifo-2')

    # Symlinks: longest allowed target, short, dangling, absolute, to dir.
    t.dir(b'symlinks')
    long_target = b'/'.join([b'seg%03d' % i + b'y' * 60 for i in range(64)])
    long_target = (long_target + b'/' + b'q' * 4095)[:4095]
    t.add(b'symlinks/long-4095', 'symlink', target=long_target)
    t.add(b'symlinks/short', 'symlink', target=b'x')
    t.add(b'symlinks/to-file', 'symlink', target=b'../sizes/s04097')
    t.add(b'symlinks/to-dir', 'symlink', target=b'../deep')
    t.add(b'symlinks/dangling', 'symlink', target=b'does/not/exist')
    t.add(b'symlinks/absolute', 'symlink', target=b'/etc/hostname')
    t.add(b'symlinks/odd-target', 'symlink', target=b'new\nline\xff')
    t.add(b'symlinks/owned', 'symlink', target=b'owned', uid=100001, gid=200002)

    # Devices: full 32-bit rdev (12-bit major, 20-bit minor), FIFO, socket.
    t.dir(b'dev')
    t.add(b'dev/null', 'chr', mode=0o666, rdev=(1, 3))
    t.add(b'dev/chr-300-70000', 'chr', mode=0o600, rdev=(300, 70000))
    t.add(b'dev/blk-max', 'blk', mode=0o660, rdev=(4095, 1048575))
    t.add(b'dev/blk-8-0', 'blk', mode=0o660, rdev=(8, 0), gid=6)
    t.add(b'dev/chr-0-0', 'chr', mode=0o600, rdev=(0, 0))
    t.add(b'dev/fifo', 'fifo', mode=0o644)
    t.add(b'dev/socket', 'sock', mode=0o755)

    # Xattrs: every namespace, a 3000-byte value, values with NUL and high
    # bytes, an empty value, and one identical set on many files (shared).
    t.dir(b'xattrs', xattrs=[(b'user.on-dir', b'dir value')])
    big = bytes(rng.randrange(256) for _ in range(3000))
    t.file(b'xattrs/big-value', data=b'big\n',
           xattrs=[(b'user.big', big), (b'trusted.small', b'1')])
    t.file(b'xattrs/all-ns', data=b'ns\n', xattrs=[
        (b'user.a', b'alpha'), (b'trusted.b', b'\x00\x01\xff'),
        (b'security.c', b'gamma'), (b'user.empty', b''),
        (b'user.' + b'n' * 200, b'long name'),
        (b'trusted.overlay.opaque', b'y')])
    shared = [(b'user.shared.common', b'same value everywhere'),
              (b'trusted.shared.flag', b'\x01'),
              (b'security.shared.label', b'system_u:object_r:test_t:s0')]
    for i in range(24):
        own = [(b'user.own', b'%d' % i)] if i % 2 else []
        t.file(b'xattrs/shared-%02d' % i, data=b'%d' % i if i % 4 else b'',
               xattrs=shared + own)
    t.add(b'xattrs/symlink', 'symlink', target=b'shared-00',
          xattrs=[(b'trusted.on-symlink', b'link')])
    # user.* is for regular files and directories only.
    t.add(b'xattrs/fifo', 'fifo', mode=0o600,
          xattrs=[(b'trusted.on-fifo', b'fifo')] + shared[1:])
    t.file(b'xattrs/big-shared-1', data=b'1', xattrs=[(b'trusted.big', big)])
    t.file(b'xattrs/big-shared-2', data=b'2', xattrs=[(b'trusted.big', big)])

    # POSIX ACLs: access ACLs on a file, access + default on directories.
    t.dir(b'acl')
    t.file(b'acl/file', data=b'acl\n', mode=0o640,
           acl='u::rw-,u:1000:r--,u:100000:rw-,g::r--,g:2000:rw-,m::rw-,o::---')
    t.dir(b'acl/dir', mode=0o750, acl='u::rwx,u:1000:r-x,g::r-x,m::r-x,o::---',
          dacl='u::rwx,u:1001:rwx,g::r-x,g:3000:r-x,m::rwx,o::r-x')
    t.dir(b'acl/default-only', dacl='u::rwx,g::rwx,o::---')

    # Ownership beyond 16 bits (forces extended inodes).
    t.dir(b'owners', uid=70000, gid=80000)
    t.file(b'owners/u65535', data=b'a', uid=65535, gid=65535)
    t.file(b'owners/u65536', data=b'b', uid=65536, gid=65536)
    t.file(b'owners/u100000-g200000', data=b'c', uid=100000, gid=200000)
    t.file(b'owners/u4000000000', data=b'd', uid=4000000000, gid=4000000001)
    t.add(b'owners/chr', 'chr', mode=0o600, rdev=(5, 1), uid=123456, gid=654321)

    # Modes: setuid/setgid/sticky, 000, everything, unusual dir modes.
    t.dir(b'modes')
    t.file(b'modes/setuid', data=b'#!/bin/true\n', mode=0o4755)
    t.file(b'modes/setgid', data=b'#!/bin/true\n', mode=0o2755)
    t.file(b'modes/sticky-file', data=b's', mode=0o1644)
    t.file(b'modes/all-bits', data=b'7', mode=0o7777)
    t.file(b'modes/none', data=b'unreadable by mode\n', mode=0o000)
    t.file(b'modes/write-only', data=b'w', mode=0o200)
    t.dir(b'modes/sticky-dir', mode=0o1777)
    t.dir(b'modes/setgid-dir', mode=0o2775)
    t.dir(b'modes/no-perm-dir', mode=0o000)
    t.file(b'modes/no-perm-dir/inside', data=b'hidden\n', mode=0o600)

    # Times: the epoch, Y2100, beyond u32, with and without nanoseconds.
    t.dir(b'times', mtime=(T_Y2100, 999999999))
    t.file(b'times/epoch', data=b'0', mtime=(0, 0))
    t.file(b'times/epoch-ns', data=b'0', mtime=(0, 1))
    t.file(b'times/y2038-1', data=b'1', mtime=(2147483647, 0))
    t.file(b'times/y2038', data=b'1', mtime=(2147483648, 0))
    t.file(b'times/y2100', data=b'2', mtime=(T_Y2100, 0))
    t.file(b'times/y2100-ns', data=b'2', mtime=(T_Y2100, 123456789))
    t.file(b'times/beyond-u32', data=b'3', mtime=(T_BEYOND_U32, 500000000))
    t.add(b'times/symlink-epoch', 'symlink', target=b'epoch', mtime=(0, 0))
    t.add(b'times/fifo-y2100', 'fifo', mode=0o644, mtime=(T_Y2100, 42))
    t.dir(b'times/dir-epoch', mtime=(0, 0))


def build_small(t):
    t.dir(b'.', mode=0o755, mtime=(T_BASE, 0))
    t.file(b'hello', data=b'hello, erofs\n', xattrs=[(b'user.greeting', b'hi')])
    t.file(b'empty')
    t.file(b'block', data=t.random_data(4096))
    t.file(b'tail', data=t.random_data(10000), mode=0o600, uid=1000, gid=1000)
    t.dir(b'sub')
    t.file(b'sub/dup-1', data=b'duplicate\n' * 100)
    t.file(b'sub/dup-2', data=b'duplicate\n' * 100)
    t.link(b'hello', b'sub/hello-link')
    t.add(b'sub/link', 'symlink', target=b'../hello')
    t.add(b'fifo', 'fifo', mode=0o644)
    t.dir(b'sub/empty-dir')


def make_socket(path):
    # bind() needs a short path: bind the basename from inside the parent.
    parent, name = os.path.split(path)
    cwd = os.open(b'.', os.O_RDONLY)
    try:
        os.chdir(parent or b'.')
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(name)
        s.close()
    finally:
        os.fchdir(cwd)
        os.close(cwd)


def create(root, e):
    p = os.path.join(root, e['path'])
    kind = e['kind']
    if kind == 'dir':
        if e['path'] != b'.':
            os.mkdir(p, 0o700)
    elif kind == 'file':
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, 'wb') as f:
            f.write(e['data'])
    elif kind == 'symlink':
        os.symlink(e['target'], p)
    elif kind in ('chr', 'blk'):
        fmt = stat.S_IFCHR if kind == 'chr' else stat.S_IFBLK
        os.mknod(p, fmt | 0o600, os.makedev(*e['rdev']))
    elif kind == 'fifo':
        os.mkfifo(p, 0o600)
    elif kind == 'sock':
        make_socket(p)
    else:
        raise ValueError(kind)


def setfacl(path, spec, default):
    cmd = [b'setfacl', b'-n', b'-m' if not default else b'-dm', spec.encode(),
           b'--', path]
    subprocess.run(cmd, check=True)


def apply_meta(root, e):
    """Ownership before mode (chown clears setuid bits), xattrs and ACLs
    after mode (setfacl rewrites group bits via the mask), mtime last."""
    p = os.path.join(root, e['path'])
    sym = e['kind'] == 'symlink'
    os.chown(p, e['uid'], e['gid'], follow_symlinks=False)
    if not sym:
        os.chmod(p, e['mode'])
    for name, value in e['xattrs']:
        os.setxattr(p, name, value, follow_symlinks=False)
    if e['acl']:
        setfacl(p, e['acl'], False)
    if e['dacl']:
        setfacl(p, e['dacl'], True)


def set_mtime(root, e):
    p = os.path.join(root, e['path'])
    sec, nsec = e['mtime']
    ns = sec * 1000000000 + nsec
    os.utime(p, ns=(ns, ns), follow_symlinks=False)


def materialise(t, root, reverse):
    ents = t.entries
    dirs = [e for e in ents if e['kind'] == 'dir']
    others = [e for e in ents if e['kind'] != 'dir']
    links = list(t.links)
    if reverse:
        # Parents must exist first, so only the non-directories and the
        # siblings among directories at equal depth can be reordered.
        dirs.sort(key=lambda e: (e['path'].count(b'/'), e['path']), reverse=True)
        dirs.sort(key=lambda e: e['path'].count(b'/'))
        others.reverse()
        links.reverse()
    os.makedirs(root, exist_ok=True)
    for e in dirs + others:
        create(root, e)
    for old, new in links:
        os.link(os.path.join(root, old), os.path.join(root, new))
    # Metadata last, deepest first so that a mode-000 directory is closed
    # only after its children are done; mtimes after everything else.
    order = sorted(ents, key=lambda e: e['path'].count(b'/'), reverse=True)
    if reverse:
        order.reverse()
        order.sort(key=lambda e: e['path'].count(b'/'), reverse=True)
    for e in order:
        apply_meta(root, e)
    for e in order:
        set_mtime(root, e)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('kind', choices=('hostile', 'small'))
    ap.add_argument('dir')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--reverse', action='store_true')
    a = ap.parse_args()
    root = os.fsencode(a.dir)
    if os.path.lexists(root) and os.listdir(root):
        sys.exit('make-tree.py: %s: directory not empty' % a.dir)
    t = Tree(a.seed)
    (build_hostile if a.kind == 'hostile' else build_small)(t)
    materialise(t, root, a.reverse)


if __name__ == '__main__':
    main()
