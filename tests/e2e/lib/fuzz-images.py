#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Flip bits in EROFS images and run fsck.erofs / dump.erofs on each.

    fuzz-images.py --tools DIR --runs N --seed S --work DIR IMAGE...

Each run copies one image (round robin) and damages it in one of two
ways, alternating per round over the images: flip 1-4 random bits (mostly
in the metadata near the start, sometimes anywhere), or overwrite 5-40
random bytes with random values within the first 12 KiB (superblock,
inodes, directories, xattrs: damage no checksum catches), then runs fsck.erofs
(check, fingerprints, extraction) and dump.erofs (-S, --ls, --path, -s,
--json). A run fails on a timeout, a signal, a sanitizer report, or an
exit status outside the documented set. Deterministic for a given seed.
Prints one line per failure and a summary; exit 1 if anything failed.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys

TIMEOUT = 10
SANITIZER_MARKS = (b'AddressSanitizer', b'runtime error:', b'LeakSanitizer',
                   b'UndefinedBehaviorSanitizer')


SCRIBBLE_AREA = 12 * 1024


def flip_bits(data, rng):
    buf = bytearray(data)
    head = min(len(buf), 16384)
    for _ in range(rng.randint(1, 4)):
        if rng.random() < 0.75 and head > 1024:
            pos = rng.randrange(1024, head)
        else:
            pos = rng.randrange(len(buf))
        buf[pos] ^= 1 << rng.randrange(8)
    return bytes(buf)


def scribble(data, rng):
    buf = bytearray(data)
    area = min(len(buf), SCRIBBLE_AREA)
    for _ in range(rng.randint(5, 40)):
        buf[rng.randrange(area)] = rng.randrange(256)
    return bytes(buf)


def commands(tools, img, work):
    fsck = os.path.join(tools, 'fsck', 'fsck.erofs')
    dump = os.path.join(tools, 'dump', 'dump.erofs')
    out = os.path.join(work, 'x')
    return [
        ([fsck, '--check-ishare', '--extract=' + out, img], {0, 4, 8, 12}),
        ([fsck, '--json', '--no-sbcrc', img], {0, 4, 8, 12}),
        ([dump, '-S', img], {0, 1}),
        ([dump, '--json', '-s', '-S', '--no-sbcrc', img], {0, 1}),
        ([dump, '--ls', '--path=/', '--no-sbcrc', img], {0, 1}),
        ([dump, '--json', '--path=/', '--no-sbcrc', img], {0, 1}),
    ]


def run_one(cmd, ok_status):
    env = dict(os.environ, ASAN_OPTIONS='detect_leaks=1:abort_on_error=0',
               UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1')
    try:
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return 'timeout'
    if p.returncode < 0:
        return 'signal %d' % -p.returncode
    if any(m in p.stderr for m in SANITIZER_MARKS):
        return 'sanitizer: ' + p.stderr.decode(errors='replace')[:400]
    if p.returncode not in ok_status:
        return 'exit status %d: %s' % (p.returncode,
                                      p.stderr.decode(errors='replace')[:200])
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tools', required=True)
    ap.add_argument('--runs', type=int, default=300)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--work', required=True)
    ap.add_argument('images', nargs='+')
    a = ap.parse_args()
    rng = random.Random(a.seed)
    originals = [open(p, 'rb').read() for p in a.images]
    failures = 0
    victim = os.path.join(a.work, 'fuzz.img')
    for run in range(a.runs):
        k = run % len(originals)
        # by round, not by run: an even image count must not pin the mode
        mutate = scribble if (run // len(originals)) % 2 else flip_bits
        with open(victim, 'wb') as f:
            f.write(mutate(originals[k], rng))
        for cmd, ok in commands(a.tools, victim, a.work):
            # rm copes with extracted trees deeper than Python's recursion
            subprocess.run(['rm', '-rf', '--', os.path.join(a.work, 'x')],
                           check=False)
            why = run_one(cmd, ok)
            if why:
                failures += 1
                keep = os.path.join(a.work, 'fail-%d.img' % run)
                shutil.copy(victim, keep)
                print('run %d (%s, %s): %s: %s' %
                      (run, os.path.basename(a.images[k]), mutate.__name__,
                       ' '.join(cmd[:-1]), why))
    print('fuzz: %d runs over %d images, %d failures' %
          (a.runs, len(originals), failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
