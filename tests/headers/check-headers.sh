#!/usr/bin/env bash
# check-headers.sh: every public header must compile alone, as C and as C++.
#
# Usage: check-headers.sh SRC_INCLUDE_DIR BUILD_INCLUDE_DIR [INSTALLED_NAME...]
#
#   SRC_INCLUDE_DIR    the source tree's include/ (bank.h and bank/*.h)
#   BUILD_INCLUDE_DIR  the build tree's include/ (the generated bank/version.h)
#   INSTALLED_NAME     the names meson installs into bank/ (include/meson.build's
#                      public_header_names); when given, every bank/*.h on disk must be
#                      among them and every one of them must exist
#
# Environment: CC (default cc) and CXX (default c++; set CXX=none to skip C++). Either
# may hold a command with arguments ("ccache gcc").
#
# Each header is compiled in a translation unit of its own, included twice (include
# guards), with the include directories a user of the installed headers would have,
# as C11 with -pedantic -Werror -Wall -Wextra and as C++11 with -pedantic -Werror
# -Wall -Wextra. bank.h must include every bank/*.h.
set -euo pipefail

if [ $# -lt 2 ]; then
	echo "usage: $0 SRC_INCLUDE_DIR BUILD_INCLUDE_DIR [INSTALLED_NAME...]" >&2
	exit 2
fi
src_inc=$1
build_inc=$2
shift 2
installed=("$@")

read -r -a cc <<<"${CC:-cc}"
read -r -a cxx <<<"${CXX:-c++}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail=0
failed() {
	echo "FAIL: $*"
	fail=1
}

# The headers, by the name a user includes them with.
headers=(bank.h)
for h in "$src_inc"/bank/*.h; do
	headers+=("bank/$(basename "$h")")
done
if [ -f "$build_inc/bank/version.h" ]; then
	headers+=(bank/version.h)
else
	failed "$build_inc/bank/version.h missing (is the build configured?)"
fi

# The umbrella header reaches every module header.
for h in "${headers[@]}"; do
	[ "$h" = bank.h ] && continue
	grep -q "^#include \"$h\"" "$src_inc/bank.h" || failed "bank.h does not include $h"
done

# Every header on disk is installed, and everything installed exists.
if [ ${#installed[@]} -gt 0 ]; then
	for h in "$src_inc"/bank/*.h; do
		n=$(basename "$h")
		printf '%s\n' "${installed[@]}" | grep -qx "$n" ||
			failed "include/bank/$n is not in include/meson.build's public_header_names (not installed)"
	done
	for n in "${installed[@]}"; do
		[ -f "$src_inc/bank/$n" ] || failed "installed header bank/$n does not exist"
	done
fi

compile() { # compile LANG HEADER COMMAND...
	local lang=$1 h=$2
	shift 2
	local tu="$tmp/tu.$lang" log="$tmp/log"
	printf '#include "%s"\n#include "%s"\nint bank_header_check_dummy;\n' "$h" "$h" >"$tu"
	if "$@" -I"$src_inc" -I"$build_inc" -fsyntax-only "$tu" >"$log" 2>&1; then
		echo "ok:   $lang $h"
	else
		failed "$lang $h ($*)"
		sed 's/^/      /' "$log"
	fi
}

c_flags=(-x c -std=c11 -pedantic -Werror -Wall -Wextra -Wstrict-prototypes)
cxx_flags=(-x c++ -std=c++11 -pedantic -Werror -Wall -Wextra)

for h in "${headers[@]}"; do
	compile c "$h" "${cc[@]}" "${c_flags[@]}"
	if [ "${cxx[0]}" != none ]; then
		compile c++ "$h" "${cxx[@]}" "${cxx_flags[@]}"
	fi
done

if [ $fail -ne 0 ]; then
	echo "headers: FAILED"
	exit 1
fi
if [ "${cxx[0]}" = none ]; then
	echo "headers: ${#headers[@]} headers compile alone as C11 (${cc[*]}); C++ skipped"
else
	echo "headers: ${#headers[@]} headers compile alone as C11 (${cc[*]}) and C++11 (${cxx[*]})"
fi
