#!/usr/bin/env bash
# valgrind.sh: Valgrind memcheck over the bankctl demo and the cmocka unit suite (issue 4,
# "Memory"; run at the end of `make stress`). Fails on any invalid access, use of
# uninitialised memory, or leak: definitely, indirectly or possibly lost (memory still
# reachable at exit is SQLite's and libsodium's process-wide state, not a leak).
#
#   demo   scripts/demo.sh twice (the first run builds the bank, the second only reads)
#          on a fresh database in a temporary directory, with BANKCTL pointing at a
#          wrapper that runs bankctl under memcheck, one log per process. The demo runs
#          refused commands on purpose, so their exit status says nothing: every log is
#          checked for "ERROR SUMMARY: 0 errors" instead.
#   unit   meson test --suite unit --wrapper 'valgrind ...': memcheck's exit status (1 on
#          any error) fails the test.
#
# usage: scripts/valgrind.sh [BUILDDIR] [demo|unit ...]     (default: build, both)
# Environment: VALGRIND (default valgrind), MESON (default meson),
#              VALGRIND_TIMEOUT_MULTIPLIER (meson --timeout-multiplier, default 20).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-build}
shift || true
steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(demo unit)
VALGRIND=${VALGRIND:-valgrind}
MESON=${MESON:-meson}
build=$(cd "$build" && pwd)

if ! command -v "$VALGRIND" >/dev/null 2>&1; then
	echo "valgrind.sh: $VALGRIND not found (Debian package valgrind; scripts/deps.sh)" >&2
	exit 1
fi
# shellcheck disable=SC2054 # the commas belong to the option values
vg_opts=(--tool=memcheck --leak-check=full --errors-for-leak-kinds=definite,indirect,possible
	--show-leak-kinds=definite,indirect,possible --error-exitcode=1 --num-callers=30)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/libbank-valgrind.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failed=0

demo() {
	local bankctl=$build/examples/bankctl/bankctl
	[ -x "$bankctl" ] || { echo "valgrind.sh: $bankctl not built" >&2; return 1; }
	mkdir -p "$tmp/logs" "$tmp/var"
	# The wrapper: one log file per bankctl process (%p), kept apart from its output.
	{
		echo '#!/bin/sh'
		printf 'exec %q' "$VALGRIND"
		printf ' %q' "${vg_opts[@]}" "--log-file=$tmp/logs/bankctl.%p.log" "$bankctl"
		echo ' "$@"'
	} >"$tmp/bankctl"
	chmod +x "$tmp/bankctl"
	local run rc=0
	for run in 1 2; do
		echo "valgrind: demo run $run (bankctl under memcheck)"
		if ! BANKCTL=$tmp/bankctl DEMO_DB=$tmp/var/demo.db "$root/scripts/demo.sh" >"$tmp/demo$run.out" 2>&1; then
			echo "valgrind: demo run $run failed:" >&2
			tail -n 30 "$tmp/demo$run.out" >&2
			rc=1
		fi
	done
	local logs=("$tmp"/logs/*.log) bad=0 f
	if [ ! -e "${logs[0]}" ]; then
		echo "valgrind: demo: no memcheck log written" >&2
		return 1
	fi
	for f in "${logs[@]}"; do
		if ! grep -q 'ERROR SUMMARY: 0 errors' "$f"; then
			bad=$((bad + 1))
			echo "valgrind: demo: errors in $(basename "$f"):" >&2
			cat "$f" >&2
		fi
	done
	echo "valgrind: demo: ${#logs[@]} bankctl processes, $bad with errors"
	[ "$bad" = 0 ] && [ "$rc" = 0 ]
}

unit() {
	echo "valgrind: unit suite under memcheck"
	"$MESON" test -C "$build" --suite unit --print-errorlogs \
		--timeout-multiplier "${VALGRIND_TIMEOUT_MULTIPLIER:-20}" \
		--wrapper "$VALGRIND ${vg_opts[*]}"
}

for step in "${steps[@]}"; do
	case $step in
	demo | unit)
		if "$step"; then echo "valgrind: $step: ok"; else echo "valgrind: $step: FAILED" >&2; failed=1; fi
		;;
	*) echo "valgrind.sh: unknown step: $step" >&2; exit 2 ;;
	esac
done
exit $failed
