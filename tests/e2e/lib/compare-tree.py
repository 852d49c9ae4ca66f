#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare a source tree with the same tree read back from an image.

    compare-tree.py [options] SOURCE TARGET

TARGET is a mounted image or an extracted copy. For every path (names are
bytes; nothing is decoded) it compares type, full mode (incl. setuid,
setgid, sticky), uid, gid, mtime, size, content (SHA-256), symlink target,
rdev, nlink, all xattrs (names and values, POSIX ACLs included) and
hard-link identity (paths sharing an inode in SOURCE share one in TARGET
and no others). Each difference is one line on stdout; the last line is a
summary. Exit status: 0 equal, 1 different, 2 usage or I/O error.
"""
import argparse
import hashlib
import os
import stat
import sys

MAX_REPORTED = 300


def esc(path):
    """Printable, single-line rendering of a byte path."""
    s = path.decode('utf-8', 'backslashreplace')
    out = []
    for ch in s:
        if ch == '\\' or ch.isprintable():
            out.append(ch)
        else:
            out.append(ch.encode('unicode_escape').decode('ascii'))
    return ''.join(out) or '.'


def walk(root):
    """Yield every relative path (bytes) under root, root itself as '.'."""
    yield b'.'
    stack = [b'']
    while stack:
        rel = stack.pop()
        with os.scandir(os.path.join(root, rel) if rel else root) as it:
            for de in it:
                p = rel + b'/' + de.name if rel else de.name
                yield p
                if de.is_dir(follow_symlinks=False):
                    stack.append(p)


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, 'rb', buffering=0) as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


def xattrs_of(path, ignored):
    try:
        names = os.listxattr(path, follow_symlinks=False)
    except OSError as e:
        return {'<listxattr error>': e.strerror.encode()}
    out = {}
    for n in names:
        if n in ignored:
            continue
        out[n] = os.getxattr(path, n, follow_symlinks=False)
    return out


def show_value(v):
    if len(v) > 48:
        return '%d bytes sha256:%s' % (len(v), hashlib.sha256(v).hexdigest()[:16])
    return v.hex() or '(empty)'


def short(path):
    if len(path) > 80:
        return '%s... (%d bytes)' % (esc(path[:60]), len(path))
    return esc(path)


TYPES = {stat.S_IFREG: 'regular', stat.S_IFDIR: 'directory',
         stat.S_IFLNK: 'symlink', stat.S_IFCHR: 'char device',
         stat.S_IFBLK: 'block device', stat.S_IFIFO: 'fifo',
         stat.S_IFSOCK: 'socket'}


class Comparison:
    def __init__(self, opts):
        self.o = opts
        self.ndiff = 0
        self.ignored = set(opts.ignore_xattr)

    def diff(self, path, what, src, dst):
        self.ndiff += 1
        if self.ndiff <= MAX_REPORTED:
            print('%s: %s: source %s, target %s' % (esc(path), what, src, dst))

    def mtime(self, rel, s, t):
        o = self.o
        if o.all_mtime is not None:
            if t.st_mtime_ns != o.all_mtime * 10**9:
                self.diff(rel, 'mtime (want -T %d)' % o.all_mtime,
                          s.st_mtime_ns, t.st_mtime_ns)
        elif o.mtime == 'ns' and s.st_mtime_ns != t.st_mtime_ns:
            self.diff(rel, 'mtime_ns', s.st_mtime_ns, t.st_mtime_ns)
        elif o.mtime == 'sec' and s.st_mtime_ns // 10**9 != t.st_mtime_ns // 10**9:
            self.diff(rel, 'mtime', s.st_mtime_ns // 10**9, t.st_mtime_ns // 10**9)

    def entry(self, rel, sp, tp, s, t):
        o = self.o
        st, tt = stat.S_IFMT(s.st_mode), stat.S_IFMT(t.st_mode)
        if st != tt:
            self.diff(rel, 'type', TYPES.get(st, st), TYPES.get(tt, tt))
            return
        if stat.S_IMODE(s.st_mode) != stat.S_IMODE(t.st_mode) and not o.no_mode:
            self.diff(rel, 'mode', '%04o' % stat.S_IMODE(s.st_mode),
                      '%04o' % stat.S_IMODE(t.st_mode))
        if not o.no_owner:
            if s.st_uid != t.st_uid:
                self.diff(rel, 'uid', s.st_uid, t.st_uid)
            if s.st_gid != t.st_gid:
                self.diff(rel, 'gid', s.st_gid, t.st_gid)
        if rel != b'.' or not o.no_root_meta:
            self.mtime(rel, s, t)
        if st != stat.S_IFDIR:
            if s.st_size != t.st_size:
                self.diff(rel, 'size', s.st_size, t.st_size)
            if s.st_nlink != t.st_nlink and not o.no_hardlinks:
                self.diff(rel, 'nlink', s.st_nlink, t.st_nlink)
        elif o.dir_nlink and s.st_nlink != t.st_nlink:
            self.diff(rel, 'nlink', s.st_nlink, t.st_nlink)
        if st == stat.S_IFREG and s.st_size == t.st_size:
            a, b = sha256_of(sp), sha256_of(tp)
            if a != b:
                self.diff(rel, 'content sha256', a, b)
        elif st == stat.S_IFLNK:
            a, b = os.readlink(sp), os.readlink(tp)
            if a != b:
                self.diff(rel, 'symlink target', short(a), short(b))
        elif st in (stat.S_IFCHR, stat.S_IFBLK) and s.st_rdev != t.st_rdev:
            self.diff(rel, 'rdev', '%d:%d' % (os.major(s.st_rdev), os.minor(s.st_rdev)),
                      '%d:%d' % (os.major(t.st_rdev), os.minor(t.st_rdev)))
        if not o.no_xattrs and (rel != b'.' or not o.no_root_meta):
            self.xattrs(rel, sp, tp)

    def xattrs(self, rel, sp, tp):
        a, b = xattrs_of(sp, self.ignored), xattrs_of(tp, self.ignored)
        for n in sorted(set(a) | set(b)):
            if n not in b:
                self.diff(rel, 'xattr %s' % n, show_value(a[n]), 'missing')
            elif n not in a:
                self.diff(rel, 'xattr %s' % n, 'missing', show_value(b[n]))
            elif a[n] != b[n]:
                self.diff(rel, 'xattr %s' % n, show_value(a[n]), show_value(b[n]))

    def hardlinks(self, skeys, tkeys):
        """Same partition of non-directory paths into inodes on both sides."""
        sgroups, tgroups = {}, {}
        for p, k in skeys.items():
            sgroups.setdefault(k, []).append(p)
        for p, k in tkeys.items():
            tgroups.setdefault(k, []).append(p)
        seen = set()
        for p in sorted(skeys):
            if p not in tkeys:
                continue
            sg = tuple(sorted(sgroups[skeys[p]]))
            tg = tuple(sorted(tgroups[tkeys[p]]))
            if sg != tg and (sg, tg) not in seen:
                seen.add((sg, tg))
                self.diff(p, 'hard links', ' '.join(map(esc, sg)),
                          ' '.join(map(esc, tg)))

    def run(self, src, dst):
        spaths = set(walk(src))
        tpaths = set(walk(dst))
        for p in sorted(spaths - tpaths):
            self.diff(p, 'presence', 'exists', 'missing')
        for p in sorted(tpaths - spaths):
            self.diff(p, 'presence', 'missing', 'exists')
        skeys, tkeys = {}, {}
        both = sorted(spaths & tpaths)
        excluded = set(os.fsencode(x) for x in self.o.exclude)
        for rel in both:
            if rel in excluded:
                continue
            sp = src if rel == b'.' else os.path.join(src, rel)
            tp = dst if rel == b'.' else os.path.join(dst, rel)
            s, t = os.lstat(sp), os.lstat(tp)
            self.entry(rel, sp, tp, s, t)
            if not stat.S_ISDIR(s.st_mode):
                skeys[rel] = (s.st_dev, s.st_ino)
                tkeys[rel] = (t.st_dev, t.st_ino)
        if not self.o.no_hardlinks:
            self.hardlinks(skeys, tkeys)
        if self.ndiff > MAX_REPORTED:
            print('... %d more differences not shown' % (self.ndiff - MAX_REPORTED))
        print('compare-tree: %d paths compared (%d only on one side), %d differences'
              % (len(both), len(spaths ^ tpaths), self.ndiff))
        return 1 if self.ndiff else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('source')
    ap.add_argument('target')
    ap.add_argument('--mtime', choices=('ns', 'sec', 'none'), default='ns',
                    help='mtime precision to compare (default: ns)')
    ap.add_argument('--all-mtime', type=int, metavar='T',
                    help='expect every target mtime to be exactly T (mkfs -T)')
    ap.add_argument('--no-xattrs', action='store_true')
    ap.add_argument('--ignore-xattr', action='append', default=[], metavar='NAME',
                    help='ignore this xattr name on both sides (repeatable)')
    ap.add_argument('--no-owner', action='store_true')
    ap.add_argument('--no-mode', action='store_true')
    ap.add_argument('--no-hardlinks', action='store_true',
                    help='skip nlink and hard-link identity')
    ap.add_argument('--dir-nlink', action='store_true',
                    help='also compare directory link counts')
    ap.add_argument('--exclude', action='append', default=[], metavar='PATH',
                    help='skip the attributes of this relative path (repeatable)')
    ap.add_argument('--no-root-meta', action='store_true',
                    help="skip the top directory's own mtime and xattrs")
    o = ap.parse_args()
    src, dst = os.fsencode(o.source), os.fsencode(o.target)
    for d in (src, dst):
        if not os.path.isdir(d):
            print('compare-tree: %s: not a directory' % esc(d), file=sys.stderr)
            return 2
    try:
        return Comparison(o).run(src, dst)
    except OSError as e:
        print('compare-tree: %s: %s' % (e.filename, e.strerror), file=sys.stderr)
        return 2


if __name__ == '__main__':
    sys.exit(main())
