#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write small hand-crafted EROFS images for reader tests.

    craft-image.py traversal|cycle|deep IMAGE

"traversal": directories whose entries try to escape an extraction
target: "/t" holds a regular file named "a/b", and in "/s" the ".." entry
is a regular file (an extractor that trusted it would write the file to
TARGET/s/.., i.e. TARGET itself, or follow it further up). Everything else
is well formed, so a reader must reject exactly those two directories.

"cycle": "/c/loop" is another name of the root directory; a walker that
does not notice loops forever.

"deep": 2000 directories nested in a chain, deeper than any walker should
recurse; it must stop with a finding, not run out of stack.

Layout (4 KiB blocks, no checksum): block 0 holds the superblock and the
compact inodes; every directory and file keeps its data in its own block.
"""
import struct
import sys

BLKSZ = 4096
FT_REG, FT_DIR = 1, 2


def superblock(root_nid, inos, blocks):
    sb = bytearray(128)
    struct.pack_into('<IIIBBHQQIIII', sb, 0, 0xE0F5E1E2, 0, 0x2, 12, 0,
                     root_nid, inos, 0, 0, blocks, 0, 0)
    sb[0x40:0x40 + 9] = b'traversal'
    return bytes(sb)


def inode(mode, size, startblk, nlink, ino):
    # compact inode, FLAT_PLAIN (i_format 0)
    return struct.pack('<HHHHIIIIHHI', 0, 0, mode, nlink, size, 0, startblk,
                       ino, 0, 0, 0)


def dirblock(entries):
    """entries: (name bytes, nid, file type), written in the given order."""
    head = bytearray()
    names = bytearray()
    nameoff = 12 * len(entries)
    for name, nid, ftype in entries:
        head += struct.pack('<QHBB', nid, nameoff + len(names), ftype, 0)
        names += name
    return bytes(head + names)


def traversal(path):
    root, sub, evil, tdir, ab = 40, 41, 42, 43, 44    # byte 32 * nid
    dir_root = dirblock([(b'.', root, FT_DIR), (b'..', root, FT_DIR),
                         (b's', sub, FT_DIR), (b't', tdir, FT_DIR)])
    dir_sub = dirblock([(b'.', sub, FT_DIR), (b'..', evil, FT_REG)])
    dir_t = dirblock([(b'.', tdir, FT_DIR), (b'..', root, FT_DIR),
                      (b'a/b', ab, FT_REG)])
    data = b'escaped\n'
    img = bytearray(BLKSZ * 6)
    img[1024:1024 + 128] = superblock(root, 5, 6)
    for nid, ino in ((root, inode(0o40755, len(dir_root), 1, 4, 1)),
                     (sub, inode(0o40755, len(dir_sub), 2, 2, 2)),
                     (evil, inode(0o100644, len(data), 3, 1, 3)),
                     (tdir, inode(0o40755, len(dir_t), 4, 2, 4)),
                     (ab, inode(0o100644, len(data), 5, 1, 5))):
        img[32 * nid:32 * nid + 32] = ino
    for blk, content in ((1, dir_root), (2, dir_sub), (3, data), (4, dir_t),
                         (5, data)):
        img[blk * BLKSZ:blk * BLKSZ + len(content)] = content
    with open(path, 'wb') as f:
        f.write(img)


def cycle(path):
    """/c/loop is a second name of the root directory: a cycle."""
    root, sub = 40, 41
    dir_root = dirblock([(b'.', root, FT_DIR), (b'..', root, FT_DIR),
                         (b'c', sub, FT_DIR)])
    dir_sub = dirblock([(b'.', sub, FT_DIR), (b'..', root, FT_DIR),
                        (b'loop', root, FT_DIR)])
    img = bytearray(BLKSZ * 3)
    img[1024:1024 + 128] = superblock(root, 2, 3)
    img[32 * root:32 * root + 32] = inode(0o40755, len(dir_root), 1, 3, 1)
    img[32 * sub:32 * sub + 32] = inode(0o40755, len(dir_sub), 2, 2, 2)
    img[BLKSZ:BLKSZ + len(dir_root)] = dir_root
    img[2 * BLKSZ:2 * BLKSZ + len(dir_sub)] = dir_sub
    with open(path, 'wb') as f:
        f.write(img)


def deep(path, depth=2000):
    """A chain of @depth directories /d/d/d/..., each one inline."""
    first = 40
    nids = [first + 4 * i for i in range(depth)]      # 128-byte slots
    img = bytearray(32 * (nids[-1] + 4) + BLKSZ)
    img[1024:1024 + 128] = superblock(first, depth, len(img) // BLKSZ)
    for i, nid in enumerate(nids):
        parent = nids[i - 1] if i else nid
        ents = [(b'.', nid, FT_DIR), (b'..', parent, FT_DIR)]
        if i + 1 < depth:
            ents.append((b'd', nids[i + 1], FT_DIR))
        blk = dirblock(ents)
        ino = bytearray(inode(0o40755, len(blk), 0xFFFFFFFF,
                              3 if i + 1 < depth else 2, i + 1))
        struct.pack_into('<H', ino, 0, 2 << 1)          # FLAT_INLINE
        img[32 * nid:32 * nid + 32] = ino
        img[32 * nid + 32:32 * nid + 32 + len(blk)] = blk
    with open(path, 'wb') as f:
        f.write(img)


def main():
    kinds = {'traversal': traversal, 'cycle': cycle, 'deep': deep}
    if len(sys.argv) != 3 or sys.argv[1] not in kinds:
        sys.exit(__doc__)
    kinds[sys.argv[1]](sys.argv[2])


if __name__ == '__main__':
    main()
