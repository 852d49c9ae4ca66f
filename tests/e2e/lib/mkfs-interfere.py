#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Change the source tree under a running mkfs, deterministically.

    mkfs-interfere.py --src DIR --action remove|append -- CMD ARGS...

Starts CMD (stdout/stderr inherited) and watches /proc/PID/fd of CMD and
its descendants until one holds a regular file of DIR open (its data pass
has begun), stops that process with SIGSTOP, then
  remove: deletes every other regular file of DIR (those still to come),
  append: appends 1 MiB to the open file (size and mtime change under it),
and resumes it with SIGCONT. Files are matched by device and inode, so
this also works when CMD runs in a chroot or another mount namespace.

Prints what it did on stdout as "interfere: ..." and exits with CMD's exit
status, or 99 if CMD never opened a file of DIR (nothing was tested).
"""
import argparse
import os
import signal
import stat
import subprocess
import sys
import time

TIMEOUT = 120


def regular_files(src):
    files = {}
    for d, dirs, names in os.walk(src):
        for n in names:
            p = os.path.join(d, n)
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode):
                files[(st.st_dev, st.st_ino)] = p
    return files


def family(pid):
    """PID and its descendants (the tool may run under wrappers)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for t in os.listdir('/proc/%d/task' % p):
                with open('/proc/%d/task/%s/children' % (p, t)) as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def open_source_file(pid, files):
    """(pid, key) of a process of the family holding a source file open."""
    for p in family(pid):
        fddir = '/proc/%d/fd' % p
        try:
            fds = os.listdir(fddir)
        except OSError:
            continue
        for fd in fds:
            try:
                st = os.stat(os.path.join(fddir, fd))
            except OSError:
                continue
            key = (st.st_dev, st.st_ino)
            if key in files:
                return p, key
    return None


def interfere(action, files, key):
    if action == 'remove':
        for k, p in sorted(files.items(), key=lambda kv: kv[1]):
            if k != key:
                os.unlink(p)
                print('interfere: removed %s' % os.fsdecode(p))
    else:
        with open(files[key], 'ab') as f:
            f.write(b'\xa5' * 1048576)
        print('interfere: appended 1 MiB to %s' % os.fsdecode(files[key]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--src', required=True)
    ap.add_argument('--action', choices=('remove', 'append'), required=True)
    ap.add_argument('cmd', nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ['--'] else a.cmd
    files = regular_files(os.fsencode(a.src))
    proc = subprocess.Popen(cmd)
    done = False
    deadline = time.monotonic() + TIMEOUT
    while proc.poll() is None and time.monotonic() < deadline:
        hit = None if done else open_source_file(proc.pid, files)
        if hit is None:
            if done:
                time.sleep(0.01)
            continue
        pid, key = hit
        os.kill(pid, signal.SIGSTOP)
        try:
            interfere(a.action, files, key)
        finally:
            os.kill(pid, signal.SIGCONT)
        done = True
    if proc.poll() is None:
        proc.kill()
        print('interfere: command timed out', file=sys.stderr)
    rc = proc.wait()
    sys.stdout.flush()
    if not done:
        print('interfere: the command never opened a file of %s' % a.src)
        return 99
    return rc


if __name__ == '__main__':
    sys.exit(main())
