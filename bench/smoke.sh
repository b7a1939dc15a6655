#!/bin/sh
# smoke.sh: the benchmarks still run and still report what docs/performance.md quotes
# (meson test 'bench-smoke', so `make check` runs it). Not a measurement: the sizes are
# tiny and nothing is timed against a goal.
#
# It runs bench/scale.sh at a tiny size with a batch-size sweep (all six programs,
# libbank's reads at 100,000 rows and at the end) and fails when
#   - a program fails, or refuses a transfer (the workload never should),
#   - a program's journal does not hold the rows it says it wrote,
#   - the report lacks a section, or a rate in it is zero,
#   - the throughput goal's verdicts are missing, or say "met" of a ratio under 3 (or
#     "NOT met" of one at 3 or more),
# and checks that the programs refuse a malformed --batch-sweep, or one with --serve,
# with status 2, and that scale.sh --help prints its whole header.
#
# usage: bench/smoke.sh BUILDDIR
set -eu

builddir=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/libbank-bench-smoke.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "bench-smoke: $*" >&2
	echo "---- report" >&2
	cat "$tmp/out" >&2
	echo "---- programs" >&2
	cat "$tmp/err" >&2
	exit 1
}

sh "$here/scale.sh" --builddir "$builddir" --tmpdir "$tmp" --accounts 2000 --small-accounts 1000 \
	--transfers 110000 --window 5000 --samples 20 --batch-sweep 10,100 >"$tmp/out" 2>"$tmp/err" ||
	fail "scale.sh failed"

# "journal holds N rows (counted M)": six programs, each N = M.
n=$(grep -c 'journal holds' "$tmp/err" || true)
[ "$n" -eq 6 ] || fail "expected 6 journal counts, found $n"
grep 'journal holds' "$tmp/err" | awk '{
	for (i = 1; i <= NF; i++) if ($i == "holds") held = $(i + 1)
	counted = $NF; sub(/\)$/, "", counted)
	if (held != counted) { print "journal count off: " $0; bad = 1 }
} END { exit bad }' >&2 || fail "a journal holds other rows than its program wrote"

grep -q 'warning: refused' "$tmp/out" && fail "a transfer was refused"
for section in 'batched transfers/s' 'the same at 1000 accounts' 'reads, mean microseconds' \
	'short page (the first 16 entries)' 'medians, ' 'batch-size sweep' 'peak resident memory'; do
	grep -qF "$section" "$tmp/out" || fail "the report has no \"$section\" section"
done

# The main table (3 rows), the small bank's (3) and the sweep (2 banks x 2 sizes): every
# rate above zero.
awk '
/^batched transfers\/s/ || /^the same at/ { rows = 3; next }
/^batch-size sweep/ { rows = 4; sweep = 1; getline; next }
/^program/ { next }
rows > 0 {
	rows--
	rate = sweep ? $3 * $4 * $5 : $3
	if (rate + 0 <= 0) { print "a zero rate: " $0; bad = 1 }
	seen++
}
END { if (seen != 10) { print "expected 10 rate rows, found " seen; bad = 1 }; exit bad }
' "$tmp/out" >&2 || fail "a rate is missing or zero"

# The goal's verdicts agree with their ratios: "met" exactly when a ratio is 3 or more.
awk '/^throughput goal/ {
	n = split($0, part, "; ")
	for (i = 1; i <= n; i++) {
		if (!match(part[i], /[0-9.]+x at [0-9]+ accounts: (NOT )?met/)) { print "no verdict: " part[i]; bad = 1; continue }
		v = substr(part[i], RSTART, RLENGTH); r = v + 0; met = v !~ /NOT met/
		if (met != (r >= 3)) { print "verdict against its ratio: " v; bad = 1 }
		seen++
	}
} END { if (seen != 2) { print "expected 2 goal verdicts, found " seen + 0; bad = 1 }; exit bad }' "$tmp/out" >&2 ||
	fail "the throughput goal line is missing or says the wrong thing"

# Malformed sweeps are refused before anything runs.
for list in 0 '1,' ,1 1,x 100001 1,2,3,4,5,6,7,8,9; do
	for prog in "$builddir/bench/floor --mode bare" "$builddir/bench/bench_ledger"; do
		# shellcheck disable=SC2086 # $prog is a program and its flags
		if $prog --db "$tmp/refused.db" --batch-sweep "$list" >/dev/null 2>&1; then
			rc=0
		else
			rc=$?
		fi
		[ "$rc" -eq 2 ] || fail "$prog --batch-sweep $list: status $rc, expected 2"
	done
done
for prog in "$builddir/bench/floor --mode bare" "$builddir/bench/bench_ledger"; do
	# shellcheck disable=SC2086 # $prog is a program and its flags
	if $prog --db "$tmp/refused.db" --serve --batch-sweep 10 </dev/null >/dev/null 2>&1; then
		rc=0
	else
		rc=$?
	fi
	[ "$rc" -eq 2 ] || fail "$prog --serve --batch-sweep 10: status $rc, expected 2"
done
[ ! -e "$tmp/refused.db" ] || fail "a refused --batch-sweep created a database"

# floor --extra wide: libbank's account row, kept as libbank keeps it. The money is all
# still there, and every posting counted on its two accounts.
"$builddir/bench/floor" --mode bare --extra wide --db "$tmp/wide.db" --accounts 500 --journal 5000 \
	--window 1000 --single 10 --durability full >"$tmp/wide.out" 2>&1 || fail "floor --extra wide failed"
grep -q 'journal holds 5010 rows (counted 5010)' "$tmp/wide.out" || fail "floor --extra wide: journal count off"
# The vault (id 0) starts with 100,000,000 (BENCH_FUNDING) per account; transfers move it.
check=$(sqlite3 "$tmp/wide.db" "SELECT (SELECT sum(balance) FROM account) = 500 * 100000000 \
	AND (SELECT sum(postings) FROM account) = 2 * (SELECT count(*) FROM journal) \
	AND (SELECT max(last_seq) FROM account) = (SELECT max(id) FROM journal)")
[ "$check" = 1 ] || fail "floor --extra wide: the account rows do not add up"

# --help prints the whole header, through its last line.
sh "$here/scale.sh" --help | tail -n 1 | grep -q '^# Environment:' || fail "scale.sh --help cuts the header short"
echo "bench-smoke: ok"
