#!/bin/sh
# run.sh: libbank against the bare and statement floors, in one run, same settings.
#
# For each journal size it starts floor --mode bare, floor --mode statement and
# bench_ledger with identical arguments on fresh files in a temporary directory, lets
# each prefill in turn (workload.h), then drives the timed phases in interleaved rounds
# (bare, statement, libbank, rotating who goes first), so a noisy neighbour hurts all
# three alike:
#   batched         the last `window` transfers before the journal reaches the size,
#                   1,000 per commit, durability FULL
#   single FULL     `single` transfers at that size, one commit each
#   single NORMAL   the same with synchronous NORMAL
# It prints transfers per second over each whole window and the ratios libbank/bare
# and libbank/statement, with the range of the per-round libbank/statement ratio.
# Machines are shared and noisy: quote the ratios, not the rates.
#
# usage: bench/run.sh [--builddir DIR] [--quick] [--sizes "N ..."] [--window N]
#                     [--single N] [--rounds N] [--accounts N] [--batch N]
#                     [--cache-size N] [--floor PATH] [--ledger PATH] [--tmpdir DIR]
#                     [--raw FILE] [--profile]
#
#   default    sizes 100000 1000000, window 100000, 2000 single per durability, 5 rounds
#   --quick    sizes 20000 100000, window 10000, 500 single (under a minute)
#   --profile  preload bench/libsqlprof.so (sqlprof.c) into the three programs and
#              print, per phase, the time each SQL statement takes per transfer
#
# Environment: BENCH_SIZES, BENCH_WINDOW, BENCH_SINGLE, BENCH_ROUNDS set the defaults.
set -eu

builddir=build
sizes=${BENCH_SIZES:-"100000 1000000"}
window=${BENCH_WINDOW:-100000}
single=${BENCH_SINGLE:-2000}
rounds=${BENCH_ROUNDS:-5}
accounts=10000
batch=1000
# libbank's page cache (lib/handle.c: PRAGMA cache_size = -32768, 32 MiB); the floors
# get the same.
cache_size=-32768
floor=
ledger=
tmpbase=${TMPDIR:-/tmp}
raw=
profile=

while [ $# -gt 0 ]; do
	case $1 in
	--builddir) builddir=$2; shift 2 ;;
	--quick) sizes="20000 100000"; window=10000; single=500; shift ;;
	--sizes) sizes=$2; shift 2 ;;
	--window) window=$2; shift 2 ;;
	--single) single=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--accounts) accounts=$2; shift 2 ;;
	--batch) batch=$2; shift 2 ;;
	--cache-size) cache_size=$2; shift 2 ;;
	--floor) floor=$2; shift 2 ;;
	--ledger) ledger=$2; shift 2 ;;
	--tmpdir) tmpbase=$2; shift 2 ;;
	--raw) raw=$2; shift 2 ;;
	--profile) profile=1; shift ;;
	-h|--help) sed -n '2,27p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument: $1" >&2; exit 2 ;;
	esac
done
[ -n "$floor" ] || floor=$builddir/bench/floor
[ -n "$ledger" ] || ledger=$builddir/bench/bench_ledger
for p in "$floor" "$ledger"; do
	[ -x "$p" ] || { echo "run.sh: $p not built (meson setup, then ninja -C $builddir)" >&2; exit 1; }
done
sqlprof=$(dirname "$floor")/libsqlprof.so
[ -z "$profile" ] || [ -f "$sqlprof" ] || { echo "run.sh: $sqlprof not built" >&2; exit 1; }
[ "$rounds" -ge 1 ] || { echo "run.sh: --rounds must be >= 1" >&2; exit 2; }

impls="bare statement libbank"
dir=$(mktemp -d "$tmpbase/libbank-bench.XXXXXX")
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
results=$dir/results
: >"$results"

# One pair of descriptors per implementation: 3/4 bare, 5/6 statement, 7/8 libbank.
send() {
	case $1 in
	bare) echo "$2" >&3 ;;
	statement) echo "$2" >&5 ;;
	libbank) echo "$2" >&7 ;;
	esac
}
recv() {
	line=
	case $1 in
	bare) read -r line <&4 ;;
	statement) read -r line <&6 ;;
	libbank) read -r line <&8 ;;
	esac || { echo "run.sh: $1 stopped:" >&2; cat "$dir/$1.err" >&2; exit 1; }
}
start() { # impl size: starts it in serve mode and waits until it has prefilled
	rm -f "$dir/$1.in" "$dir/$1.out"
	mkfifo "$dir/$1.in" "$dir/$1.out"
	# Numbers only in $args (split on purpose); paths quoted apart.
	args="--journal $2 --accounts $accounts --window $window --batch $batch"
	args="$args --single $single --cache-size $cache_size --serve"
	(
		if [ -n "$profile" ]; then
			LD_PRELOAD=$sqlprof SQLPROF_OUT=$dir/$1-$2.prof
			export LD_PRELOAD SQLPROF_OUT
		fi
		case $1 in
		libbank) exec "$ledger" --db "$dir/$1-$2.db" $args ;;
		*) exec "$floor" --mode "$1" --db "$dir/$1-$2.db" $args ;;
		esac
	) <"$dir/$1.in" >"$dir/$1.out" 2>"$dir/$1.err" &
	pids="$pids $!"
	case $1 in
	bare) exec 3>"$dir/$1.in" 4<"$dir/$1.out" ;;
	statement) exec 5>"$dir/$1.in" 6<"$dir/$1.out" ;;
	libbank) exec 7>"$dir/$1.in" 8<"$dir/$1.out" ;;
	esac
	t0=$(date +%s)
	recv "$1"
	echo "  $2: $1 set up and prefilled in $(( $(date +%s) - t0 )) s ($line)" >&2
}
# One timed command to each implementation, the first one rotating with the round.
round() { # size round command...
	size=$1 r=$2
	shift 2
	i=0
	for impl in $impls $impls; do
		i=$((i + 1))
		[ $i -gt $((r % 3)) ] && [ $i -le $((r % 3 + 3)) ] || continue
		send "$impl" "$* $r"
		recv "$impl"
		case $line in
		result*) echo "$line" | sed "s/^result /result size=$size /" >>"$results" ;;
		*) echo "run.sh: $impl answered: $line" >&2; exit 1 ;;
		esac
	done
}

src=$(cd "$(dirname "$0")/.." && pwd)
echo "libbank benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ)," \
     "source $(git -C "$src" describe --always --dirty 2>/dev/null || echo unknown)," \
     "on $(uname -n): $(nproc) cpus," \
     "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)," \
     "SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)"
echo "accounts=$accounts batch=$batch window=$window single=$single rounds=$rounds" \
     "cache_size=$cache_size sizes=\"$sizes\"; WAL, default page size and autocheckpoint"

begin=$(date +%s)
for size in $sizes; do
	# The window the programs use (they clamp it the same way).
	w=$window
	[ "$w" -le $((size / 2)) ] || w=$((size / 2))
	[ "$w" -le $((size - accounts)) ] || w=$((size - accounts))
	for impl in $impls; do start "$impl" "$size"; done
	# Batched: whole batches per round, the rest in the last round.
	per=$(( (w / batch) / rounds * batch ))
	r=1
	while [ $r -le "$rounds" ]; do
		n=$per
		[ $r -lt "$rounds" ] || n=$((w - per * (rounds - 1)))
		[ "$n" -le 0 ] || round "$size" $r batched "$n"
		r=$((r + 1))
	done
	for dur in full normal; do
		r=1
		while [ $r -le "$rounds" ]; do
			n=$((single / rounds))
			[ $r -lt "$rounds" ] || n=$((single - single / rounds * (rounds - 1)))
			[ "$n" -le 0 ] || round "$size" $r single "$dur" "$n"
			r=$((r + 1))
		done
	done
	for impl in $impls; do send "$impl" quit; done
	exec 3>&- 4<&- 5>&- 6<&- 7>&- 8<&-
	wait
	pids=
	for impl in $impls; do
		echo "  $size: $(tail -n 1 "$dir/$impl.err")" >&2
		rm -f "$dir/$impl-$size.db" "$dir/$impl-$size.db-wal" "$dir/$impl-$size.db-shm"
	done
done
[ -z "$raw" ] || cp "$results" "$raw"

awk -v elapsed=$(( $(date +%s) - begin )) '
function field(line, key,    n, i, kv, a) {
	n = split(line, a, " ")
	for (i = 1; i <= n; i++) { split(a[i], kv, "="); if (kv[1] == key) return kv[2] }
	return ""
}
/^result / {
	k = field($0, "size") SUBSEP field($0, "phase") SUBSEP field($0, "durability")
	impl = field($0, "impl"); r = field($0, "round")
	n[k, impl] += field($0, "n"); sec[k, impl] += field($0, "seconds")
	cpu[k, impl] += field($0, "cpu"); wb[k, impl] += field($0, "wbytes")
	rtps[k, r, impl] = field($0, "n") / field($0, "seconds")
	if (!((k, r) in rseen)) { rseen[k, r] = 1; rounds[k] = rounds[k] " " r }
	if (impl == "libbank") {
		b = field($0, "journal_before") + 0; a = field($0, "journal_after") + 0
		if (!(k in lo) || b < lo[k]) lo[k] = b
		if (a > hi[k]) hi[k] = a
	}
	if (field($0, "refused") + 0 > 0) refused = refused " " impl "@" field($0, "size")
	if (!(k in seen)) { seen[k] = 1; order[++count] = k }
}
function tps(k, impl) { return sec[k, impl] > 0 ? n[k, impl] / sec[k, impl] : 0 }
END {
	printf "\n%-8s %-14s %-16s %9s %9s %9s %8s %8s %11s  %s\n", "size", "mode", "journal rows", \
	       "libbank", "bare", "statement", "lib/bare", "lib/stmt", "round range", "0.8x stmt"
	for (i = 1; i <= count; i++) {
		k = order[i]; split(k, p, SUBSEP)
		mode = (p[2] == "batched") ? "batched" : ("single " toupper(p[3]))
		l = tps(k, "libbank"); b = tps(k, "bare"); s = tps(k, "statement")
		rmin = ""; rmax = ""
		m = split(rounds[k], rs, " ")
		for (j = 1; j <= m; j++) {
			st = rtps[k, rs[j], "statement"]
			if (st <= 0) continue
			x = rtps[k, rs[j], "libbank"] / st
			if (rmin == "" || x < rmin) rmin = x
			if (rmax == "" || x > rmax) rmax = x
		}
		printf "%-8s %-14s %-16s %9d %9d %9d %8.2f %8.2f %5.2f-%-5.2f  %s\n", p[1], mode, \
		       lo[k] "-" hi[k], l, b, s, (b > 0 ? l / b : 0), (s > 0 ? l / s : 0), rmin, rmax, \
		       ((s > 0 && l / s >= 0.8) ? "met" : "MISSED")
	}
	printf "\ntransfers/s over each window; lib/stmt per round in \"round range\"; %d s in all\n", elapsed
	printf "\nper transfer: wall and CPU (user+system) microseconds, KiB written (WAL frames and checkpoints)\n"
	printf "%-8s %-14s %-26s %-26s %-26s %s\n", "", "", "   wall us: lib bare stmt", \
	       "    CPU us: lib bare stmt", "       KiB: lib bare stmt", "CPU lib/stmt"
	split("libbank bare statement", im, " ")
	for (i = 1; i <= count; i++) {
		k = order[i]; split(k, p, SUBSEP)
		mode = (p[2] == "batched") ? "batched" : ("single " toupper(p[3]))
		printf "%-8s %-14s", p[1], mode
		for (j = 1; j <= 3; j++) { c[j] = n[k, im[j]] > 0 ? n[k, im[j]] : 1 }
		printf " %8.1f %8.1f %8.1f", sec[k, im[1]] * 1e6 / c[1], sec[k, im[2]] * 1e6 / c[2], sec[k, im[3]] * 1e6 / c[3]
		printf " %8.1f %8.1f %8.1f", cpu[k, im[1]] * 1e6 / c[1], cpu[k, im[2]] * 1e6 / c[2], cpu[k, im[3]] * 1e6 / c[3]
		printf " %8.2f %8.2f %8.2f", wb[k, im[1]] / 1024 / c[1], wb[k, im[2]] / 1024 / c[2], wb[k, im[3]] / 1024 / c[3]
		printf " %8.2f\n", (cpu[k, im[1]] > 0 ? (cpu[k, im[1]] / c[1]) / (cpu[k, im[3]] / c[3]) : 0)
	}
	if (refused != "") printf "warning: refused transfers in:%s\n", refused
}' "$results"
if [ -n "$profile" ]; then
	for size in $sizes; do
		for impl in $impls; do
			echo
			cat "$dir/$impl-$size.prof" 2>/dev/null || true
		done
	done
fi
