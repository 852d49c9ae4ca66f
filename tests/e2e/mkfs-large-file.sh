#!/usr/bin/env bash
# Multi-GiB regular files: a 5 GiB sparse file (size >= 4 GiB needs an
# extended inode) and a 4 GiB - 1 file (largest compact size) must read back
# byte-identical through the kernel, carry the right fingerprint, and pass
# our fsck --check-ishare; the image stays sparse where the source is.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/e2e.sh
source "$(dirname "$0")/lib/e2e.sh"

need_erofs_mount
need_cmd getfattr attr
e2e_workdir
TOOLS=$(tools_dir)

src=$WORK/src
mkdir -p "$src"
# Random data at both ends and across the 4 GiB boundary; holes between.
head -c 1048576 /dev/urandom >"$WORK/chunk"
truncate -s 5G "$src/big"
for off in 0 4095 4194303; do	# KiB: start, just below 4 GiB, end
	dd if="$WORK/chunk" of="$src/big" bs=1K seek="$off" conv=notrunc status=none
done
truncate -s 5G "$src/big"
truncate -s $((4 * 1024 * 1024 * 1024 - 1)) "$src/edge"
dd if="$WORK/chunk" of="$src/edge" bs=1K seek=4194300 conv=notrunc status=none
truncate -s $((4 * 1024 * 1024 * 1024 - 1)) "$src/edge"

img=$WORK/large.erofs
"$TOOLS/mkfs/mkfs.erofs" --quiet -T0 --ishare_key=trusted.erofs.fingerprint "$img" "$src" ||
	fail "mkfs.erofs failed on multi-GiB files"
used_kib=$(du -k "$img" | cut -f1)
[ "$used_kib" -lt 65536 ] || fail "image is not sparse: ${used_kib} KiB allocated"

"$TOOLS/fsck/fsck.erofs" --check-ishare "$img" >"$WORK/fsck.out" 2>&1 ||
	fail "fsck.erofs --check-ishare: $(cat "$WORK/fsck.out")"

"$TOOLS/dump/dump.erofs" --json --path=/big "$img" >"$WORK/big.json"
"$TOOLS/dump/dump.erofs" --json --path=/edge "$img" >"$WORK/edge.json"
python3 - "$WORK/edge.json" <<'PY' || fail "dump.erofs: /edge (4 GiB - 1) should fit a compact inode"
import json, sys
d = json.load(open(sys.argv[1]))["inode"]
assert d["size"] == (4 << 30) - 1 and d["version"] == "compact", d
PY
python3 - "$WORK/big.json" <<'PY' || fail "dump.erofs reports the wrong inode for /big"
import json, sys
d = json.load(open(sys.argv[1]))["inode"]
assert d["size"] == 5 << 30, d["size"]
assert d["version"] == "extended", d["version"]
PY

mnt=$WORK/mnt
mkdir -p "$mnt"
mount_erofs "$img" "$mnt"
for f in big edge; do
	want=$(sha256sum <"$src/$f" | cut -d' ' -f1)
	got=$(sha256sum <"$mnt/$f" | cut -d' ' -f1)
	[ "$want" = "$got" ] || fail "$f: content differs through the kernel"
	[ "$(stat -c %s "$mnt/$f")" = "$(stat -c %s "$src/$f")" ] || fail "$f: size differs"
	fp=$(getfattr --absolute-names --only-values -n trusted.erofs.fingerprint "$mnt/$f" | od -An -tx1 | tr -d ' \n')
	[ "$fp" = "$(printf sha256: | od -An -tx1 | tr -d ' \n')$want" ] ||
		fail "$f: fingerprint $fp is not sha256:$want"
done
echo "PASS: 5 GiB and 4 GiB-1 files round-trip through the kernel (image ${used_kib} KiB allocated)"
