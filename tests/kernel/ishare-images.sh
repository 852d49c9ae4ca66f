# shellcheck shell=bash
# Images for the page cache sharing cases (tests/kernel/ishare-cases.sh).
# Source it; ishare_build_images DIR builds everything into DIR.
#
# Most images come straight from upstream mkfs.erofs 1.9.x (the peer) and,
# when ours works, from our mkfs. A few cases need fingerprints no mkfs
# writes (too long, exactly one block, forged, bad prefix id); those are
# made by patching known byte patterns of a fresh image: the fingerprint
# value, the xattr entry header, or a superblock byte. The superblock
# checksum flag is cleared on patched images so the kernel does not verify
# a checksum the patch invalidated.

# Offsets of every occurrence of hex byte string $2 in file $1. (Not grep:
# it matches within lines, and a digest may contain a newline byte.)
_offsets() {
	perl -0777 -ne 'BEGIN { $p = pack("H*", shift) }
		while (/\Q$p\E/g) { print pos() - length($p), "\n"; pos() = pos() - length($p) + 1 }' "$2" "$1"
}

# Write hex bytes $3 at offset $2 of file $1.
_poke() {
	printf '%s' "$3" | xxd -r -p | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# Clear COMPAT_SB_CHKSUM (bit 0 of the byte at 1024 + 8).
_no_sbcrc() {
	local b
	b=$(xxd -s 1032 -l 1 -p "$1")
	_poke "$1" 1032 "$(printf '%02x' $((0x$b & ~1)))"
}

# "sha256:" + digest of file $1, as hex.
_fp_hex() {
	printf 'sha256:' | xxd -p | tr -d '\n'
	sha256sum "$1" | cut -c1-64
}

# Patch exactly $4 occurrences (default 1) of hex $2 into hex $3 in $1.
_replace() {
	local img=$1 from=$2 to=$3 want=${4:-1} offs n=0 o
	offs=$(_offsets "$img" "$from")
	for o in $offs; do n=$((n + 1)); done
	[ "$n" = "$want" ] || { echo "pattern found $n times in $img, want $want" >&2; return 1; }
	for o in $offs; do _poke "$img" "$o" "$to"; done
	_no_sbcrc "$img"
}

_rand() {
	head -c "$2" /dev/urandom >"$1"
}

# Source trees: s1 and s2 share same.bin and a sub directory; diff.bin has
# the same size and different bytes; s1 has two identical twins.
_ishare_trees() {
	local d=$1
	mkdir -p "$d/s1/sub" "$d/s2/sub" "$d/long" "$d/exact"
	_rand "$d/s1/same.bin" 70000
	cp "$d/s1/same.bin" "$d/s2/same.bin"
	_rand "$d/s1/sub/lib.so" 123457
	cp "$d/s1/sub/lib.so" "$d/s2/sub/lib.so"
	_rand "$d/s1/diff.bin" 20000
	_rand "$d/s2/diff.bin" 20000
	_rand "$d/s1/twin1.bin" 12288
	cp "$d/s1/twin1.bin" "$d/s1/twin2.bin"
	# compressible text, so -z images really hold compressed extents
	seq 1 20000 >"$d/s1/text.txt"
	cp "$d/s1/text.txt" "$d/s2/text.txt"
}

# A fingerprint value of $2 bytes (random, last byte 0: see _long_value).
_value_file() {
	_rand "$1" $(($2 - 1))
	printf '\0' >>"$1"
}

# Give both twins of tree $1 an xattr user.fpX holding the $2-byte value
# file $3, build with the fingerprint named user.fp, then turn user.fpX
# into the fingerprint: its entry loses the one-byte name suffix "X"
# (e_name_len 1 -> 0; the 4-byte aligned entry size is unchanged for the
# sizes used here, or leaves a zero word that reads as an empty entry) and
# the real digest entries are renamed to plain "user." so they no longer
# match.
_long_value_image() {
	local tree=$1 len=$2 val=$3 img=$4 f hdr rc=0
	# ext4 /tmp holds at most one block of xattrs per inode: use tmpfs
	mount -t tmpfs -o size=1m erofs-ishare "$tree" || return 1
	cp "$(dirname "$tree")/s1/twin1.bin" "$tree/twin1.bin"
	cp "$tree/twin1.bin" "$tree/twin2.bin"
	for f in "$tree"/twin1.bin "$tree"/twin2.bin; do
		setfattr -n user.fpX -v "0x$(xxd -p "$val" | tr -d '\n')" "$f" || rc=1
	done
	[ $rc = 0 ] && peer_run mkfs.erofs --quiet -T0 --xattr-inode-digest=user.fp "$img" "$tree" || rc=1
	cp "$tree/twin1.bin" "$tree.bin"
	umount "$tree"
	[ $rc = 0 ] || return 1
	hdr=$(printf '0180%02x%02x58' $((len & 255)) $((len >> 8)))
	_replace "$img" "$hdr" "$(printf '0080%02x%02x58' $((len & 255)) $((len >> 8)))" 2 || return 1
	_replace "$img" "00802700$(_fp_hex "$tree.bin")" "00012700" 2
}

# ishare_build_images DIR: every image the cases use.
ishare_build_images() {
	local d=$1 ours=$TOOLS_DIR/mkfs/mkfs.erofs
	_ishare_trees "$d"
	peer_run mkfs.erofs --quiet -T0 --xattr-inode-digest "$d/plain1.img" "$d/s1" &&
		peer_run mkfs.erofs --quiet -T0 --xattr-inode-digest "$d/plain2.img" "$d/s2" &&
		peer_run mkfs.erofs --quiet -T0 -zlz4hc --xattr-inode-digest "$d/lz1.img" "$d/s1" &&
		peer_run mkfs.erofs --quiet -T0 -zlz4hc --xattr-inode-digest "$d/lz2.img" "$d/s2" &&
		peer_run mkfs.erofs --quiet -T0 --chunksize=8192 --xattr-inode-digest "$d/chunk1.img" "$d/s1" &&
		peer_run mkfs.erofs --quiet -T0 --chunksize=8192 --xattr-inode-digest "$d/chunk2.img" "$d/s2" ||
		return 1
	# ours, when our mkfs can write fingerprints
	if [ -x "$ours" ] && "$ours" --quiet -T0 --xattr-inode-digest "$d/ours2.img" "$d/s2" 2>"$d/ours.err"; then
		:
	else
		rm -f "$d/ours2.img"
	fi
	# forged: s2's diff.bin claims s1's diff.bin fingerprint (same size)
	cp "$d/plain2.img" "$d/forged2.img"
	_replace "$d/forged2.img" "$(_fp_hex "$d/s2/diff.bin")" "$(_fp_hex "$d/s1/diff.bin")" || return 1
	# superblock patches
	cp "$d/plain1.img" "$d/badprefix.img"
	_poke "$d/badprefix.img" $((1024 + 0x69)) 05
	_no_sbcrc "$d/badprefix.img"
	cp "$d/plain2.img" "$d/nofeature2.img"
	_poke "$d/nofeature2.img" 1032 "$(printf '%02x' $((0x$(xxd -s 1032 -l 1 -p "$d/nofeature2.img") & ~0x21)))"
	# values longer than a block, and exactly one block
	_value_file "$d/v4097" 4097
	_value_file "$d/v4096" 4096
	_long_value_image "$d/long" 4097 "$d/v4097" "$d/long.img" &&
		_long_value_image "$d/exact" 4096 "$d/v4096" "$d/exact.img"
}
