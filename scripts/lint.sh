#!/usr/bin/env bash
# lint.sh: clang-tidy (.clang-tidy) and cppcheck over libbank's C sources; both must be
# clean. `make lint` runs it after configuring the build directory.
#
# Usage: scripts/lint.sh BUILD_DIR [FILE.c...]
#   BUILD_DIR  a configured meson build directory (its compile_commands.json is used)
#   FILE.c     the files to check; default lib/*.c and examples/**/*.c
#
# Environment: CLANG_TIDY, CPPCHECK (tool commands), JOBS (parallel jobs, default nproc).
#
# meson lists lib/*.c twice in compile_commands.json (the shared library and the static
# one for tests). clang-tidy 14 then analyzes each file twice in one process, and its
# valist checker reports false "uninitialized va_list" on the second pass, so we lint
# with a copy of the database holding one entry per file, the shared library's.
set -euo pipefail

cd "$(dirname "$0")/.."

if [ $# -lt 1 ]; then
	echo "usage: $0 BUILD_DIR [FILE.c...]" >&2
	exit 2
fi
build=$1
shift
clang_tidy=${CLANG_TIDY:-clang-tidy}
cppcheck=${CPPCHECK:-cppcheck}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(find lib examples -type f -name '*.c' 2>/dev/null | LC_ALL=C sort)
fi
if [ ${#files[@]} -eq 0 ]; then
	echo "lint: no C files"
	exit 0
fi
if [ ! -f "$build/compile_commands.json" ]; then
	echo "lint: $build/compile_commands.json missing (configure the build first)" >&2
	exit 1
fi

# One compile command per source file; the first one meson wrote wins, except that
# the static test library (-DBANK_INTERNAL_TESTS) yields to any other.
cdb=$(mktemp -d)
trap 'rm -rf "$cdb"' EXIT
python3 - "$build/compile_commands.json" "$cdb/compile_commands.json" <<'EOF'
import json, os, sys
entries = json.load(open(sys.argv[1]))
chosen = {}
for e in entries:
    key = os.path.normpath(os.path.join(e["directory"], e["file"]))
    internal = "BANK_INTERNAL_TESTS" in e.get("command", " ".join(e.get("arguments", [])))
    if key not in chosen or (chosen[key][1] and not internal):
        chosen[key] = (e, internal)
json.dump([e for e, _ in chosen.values()], open(sys.argv[2], "w"), indent=1)
EOF

status=0

echo "clang-tidy: ${#files[@]} files, $jobs jobs"
# Files not in the database (not built yet) get the flags of their nearest neighbour.
log="$cdb/clang-tidy.log"
if ! printf '%s\n' "${files[@]}" | xargs -r -P "$jobs" -n 1 \
	"$clang_tidy" -p "$cdb" --quiet --extra-arg=-Wno-unknown-warning-option >"$log" 2>&1; then
	status=1
fi
grep -v -E '^[0-9]+ warnings? (generated|treated as errors?)\.$|^Suppressed [0-9]+ warnings|^Use -header-filter' \
	"$log" || true
[ $status -eq 0 ] && echo "clang-tidy: clean" || echo "clang-tidy: FAILED"

echo "cppcheck: ${#files[@]} files"
if ! "$cppcheck" --quiet --std=c11 --platform=unix64 --library=posix \
	--enable=warning,performance,portability --error-exitcode=1 --inline-suppr \
	-j "$jobs" -I include -I "$build/include" -I lib \
	-D_POSIX_C_SOURCE=200809L -D__GNUC__=12 \
	"${files[@]}"; then
	echo "cppcheck: FAILED"
	status=1
else
	echo "cppcheck: clean"
fi

exit $status
