#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check page-cache-sharing fingerprints read back through getfattr.

    check-fingerprints.py SOURCE DUMP

DUMP is the output of `LC_ALL=C getfattr -R -h -e hex -n NAME .` run at
the top of the mounted image. Every regular file of SOURCE with size > 0
must appear with value 0x + hex("sha256:") + SHA-256 of its content; every
other path (empty files, directories, symlinks, devices, FIFOs, sockets)
must not appear. One line per problem, a summary last; exit 1 on any.
"""
import hashlib
import os
import re
import stat
import sys

PREFIX_HEX = b'sha256:'.hex()


def unquote(b):
    # getfattr writes unprintable bytes (and '\\') as \ooo octal escapes.
    return re.sub(rb'\\([0-7]{3})', lambda m: bytes([int(m.group(1), 8)]), b)


def parse_dump(path):
    found, cur = {}, None
    with open(path, 'rb') as f:
        for line in f.read().split(b'\n'):
            if line.startswith(b'# file: '):
                cur = os.path.normpath(unquote(line[8:]))
            elif b'=' in line and cur is not None:
                found[cur] = line.split(b'=', 1)[1].decode()
    return found


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, 'rb', buffering=0) as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: check-fingerprints.py SOURCE DUMP')
    src = os.fsencode(sys.argv[1])
    found = parse_dump(sys.argv[2])
    bad = nfp = npaths = 0
    for d, dirs, files in os.walk(src):
        for n in dirs + files + ([b'.'] if d == src else []):
            p = os.path.join(d, n)
            rel = os.path.normpath(os.path.relpath(p, src))
            st = os.lstat(p)
            npaths += 1
            got = found.pop(rel, None)
            name = rel.decode('utf-8', 'backslashreplace')
            if stat.S_ISREG(st.st_mode) and st.st_size > 0:
                want = '0x' + PREFIX_HEX + sha256_of(p)
                nfp += 1
                if got != want:
                    bad += 1
                    print('%r: fingerprint %s, want %s' % (name, got, want))
            elif got is not None:
                bad += 1
                print('%r: unexpected fingerprint %s' % (name, got))
    for rel in found:
        bad += 1
        print('%r: fingerprint on a path missing from the source' % rel)
    print('check-fingerprints: %d paths, %d fingerprinted files, %d problems'
          % (npaths, nfp, bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
