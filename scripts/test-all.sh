#!/usr/bin/env bash
# README command 2 (and CI): install test dependencies, build, run the whole
# suite (unit, end-to-end, peer, kernel/qemu), then the corruption tests
# again in an ASan+UBSan build.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh" test

rc=0
build="$top/build"
"$top/scripts/build.sh" "$build"
make -C "$build" check -j1 || rc=1
[ $rc = 0 ] || cat "$build"/tests/test-suite.log
# Say plainly what did not run (EROFS_REQUIRE_ALL=1 turns skips into failures).
grep -h '^SKIP:' "$build"/tests/*/*.log 2>/dev/null | sed 's/^/test-all: /' >&2 || true

san="$top/build-sanitize"
"$top/scripts/build.sh" "$san" --enable-sanitizers
# Everything that feeds hostile bytes to the reader, under ASan+UBSan.
san_tests="unit/test_format unit/test_json unit/test_reader
	e2e/fsck-corrupt-fuzz.sh e2e/fsck-path-traversal.sh"
make -C "$san" check -j1 TESTS="$(echo $san_tests)" || rc=1
exit $rc
