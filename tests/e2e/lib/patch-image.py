#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Patch bytes of an EROFS image and re-seal its superblock checksum.

    patch-image.py IMAGE set OFFSET BYTE           write one byte
    patch-image.py IMAGE find-fingerprint FILE     print the image offset of
                                                   FILE's "sha256:"+digest value
    patch-image.py IMAGE reseal                    recompute the checksum

"set" reseals automatically when the image has COMPAT_SB_CHKSUM, so tests
can damage metadata in block 0 without tripping the checksum first.
"""
import hashlib
import struct
import sys

SB = 1024


def crc32c_raw(crc, data):
    """CRC-32C register update without pre/post inversion (format doc §2.3)."""
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc


def reseal(img):
    compat = struct.unpack_from('<I', img, SB + 8)[0]
    if not compat & 1:
        return
    blksz = 1 << img[SB + 12]
    length = blksz - SB if blksz > SB else blksz
    data = bytes(img[SB:SB + 4]) + b'\0' * 4 + bytes(img[SB + 8:SB + length])
    struct.pack_into('<I', img, SB + 4, crc32c_raw(0xFFFFFFFF, data))


def main():
    path, cmd = sys.argv[1], sys.argv[2]
    with open(path, 'rb') as f:
        img = bytearray(f.read())
    if cmd == 'find-fingerprint':
        with open(sys.argv[3], 'rb') as f:
            value = b'sha256:' + hashlib.sha256(f.read()).digest()
        pos = img.find(value)
        if pos < 0 or img.find(value, pos + 1) >= 0:
            sys.exit('fingerprint not found exactly once')
        print(pos)
        return
    if cmd == 'set':
        img[int(sys.argv[3], 0)] = int(sys.argv[4], 0)
    elif cmd != 'reseal':
        sys.exit(__doc__)
    reseal(img)
    with open(path, 'wb') as f:
        f.write(img)


if __name__ == '__main__':
    main()
