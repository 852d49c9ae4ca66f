#!/usr/bin/env bash
# README command 1: install build dependencies, build, and run the main job
# on the bundled example tree: make a fingerprinted image, check it, show it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"
"$top/scripts/deps.sh" build
"$top/scripts/build.sh" "$build"

out="$build/example.erofs"
echo "== mkfs.erofs --ishare_key=trusted.erofs.fingerprint $out examples/tree"
"$build/mkfs/mkfs.erofs" -T0 --ishare_key=trusted.erofs.fingerprint \
	"$out" "$top/examples/tree"
echo "== fsck.erofs --check-ishare $out"
"$build/fsck/fsck.erofs" --check-ishare "$out"
echo "== dump.erofs -s $out"
"$build/dump/dump.erofs" -s "$out"
echo "== dump.erofs -S $out"
"$build/dump/dump.erofs" -S "$out"

mnt=
if [ "$(id -u)" = 0 ]; then
	dir=$(mktemp -d)
	trap 'rmdir "$dir"' EXIT
	if mount -t erofs -o loop,ro "$out" "$dir" 2>/dev/null; then
		trap 'umount "$dir"; rmdir "$dir"' EXIT
		mnt=$dir
	fi
fi
if [ -n "$mnt" ]; then
	echo "== mounted with the running kernel at $mnt; comparing with the source"
	diff -r --no-dereference "$top/examples/tree" "$mnt" && echo "identical content"
	getfattr -n trusted.erofs.fingerprint -e hex "$mnt/lib/libexample.so.1"
else
	echo "(not root or no erofs support in this kernel: skipped the mount check)"
fi
