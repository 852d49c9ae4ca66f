# shellcheck shell=bash
# Source trees for the mkfs end-to-end tests. Source it; functions only:
#   hostile_tree DIR [SEED [reverse]]  everything mkfs.erofs must get right
#   small_tree DIR [SEED]              a quick dozen entries
# Both are deterministic: the same SEED gives the same names, contents,
# modes, owners, xattrs and mtimes. "reverse" creates every entry in the
# opposite order (readdir order differs, the tree does not). DIR must be
# missing or empty; needs root (devices, chown, trusted.* xattrs).
# The generator itself is make-tree.py beside this file.

# shellcheck source-path=SCRIPTDIR source=e2e.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e.sh"

HOSTILE_TREE_PY="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/make-tree.py"

hostile_tree() {
	local dir=$1 seed=${2:-1} order=${3:-forward} rev=()
	need_cmd setfacl acl
	need_cmd setfattr attr
	[ "$order" = reverse ] && rev=(--reverse)
	python3 "$HOSTILE_TREE_PY" hostile "$dir" --seed "$seed" "${rev[@]}"
}

small_tree() {
	local dir=$1 seed=${2:-1}
	python3 "$HOSTILE_TREE_PY" small "$dir" --seed "$seed"
}
