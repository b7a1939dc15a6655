#!/usr/bin/env bash
# deps.sh: installs the Debian 12 packages that building and testing libbank need.
#
# Checks each package with dpkg-query and installs only the missing ones (one
# `apt-get update`, then one `apt-get install`). Run as root on a fresh Debian 12; as
# another user it prints what is missing and fails. Set BANK_SKIP_DEPS=1 to skip the
# check entirely (e.g. on a non-Debian system where the tools are already on PATH).
#
# Usage: scripts/deps.sh [--check]   (--check: only report, never install)
set -euo pipefail

packages=(
	# build
	make meson ninja-build gcc g++ clang pkg-config
	# libraries; the tz database that named time zones are read from
	libsqlite3-dev libsodium-dev liboath-dev libmicrohttpd-dev libjansson-dev tzdata
	# tests: cmocka, the e2e scripts (sqlite3 shell, jq), python bindings
	libcmocka-dev sqlite3 jq swig python3 python3-dev python3-pytest python3-hypothesis python3-mypy
	# sanitizers and libFuzzer runtime for clang 14, memory checker
	libclang-rt-14-dev valgrind
	# peak memory of the scale benchmark (/usr/bin/time)
	time
	# lint, format, docs
	clang-tidy clang-format cppcheck doxygen
)

if [ "${BANK_SKIP_DEPS:-0}" = 1 ]; then
	echo "deps: skipped (BANK_SKIP_DEPS=1)"
	exit 0
fi

check_only=0
if [ "${1:-}" = --check ]; then
	check_only=1
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: dpkg-query not found: this script supports Debian 12 only." >&2
	echo "deps: install the equivalents of: ${packages[*]}" >&2
	echo "deps: then rerun with BANK_SKIP_DEPS=1" >&2
	exit 1
fi

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$status" in
	ii*) ;;
	*) missing+=("$p") ;;
	esac
done

if [ "${#missing[@]}" -eq 0 ]; then
	echo "deps: all ${#packages[@]} packages present"
	exit 0
fi

echo "deps: missing: ${missing[*]}"
if [ "$check_only" = 1 ]; then
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: not root; install them with:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"

# Verify: a package name that apt resolved to something else would slip through.
still=()
for p in "${missing[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$status" in
	ii*) ;;
	*) still+=("$p") ;;
	esac
done
if [ "${#still[@]}" -ne 0 ]; then
	echo "deps: still missing after install: ${still[*]}" >&2
	exit 1
fi
echo "deps: installed ${missing[*]}"
