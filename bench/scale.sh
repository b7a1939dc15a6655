#!/bin/sh
# scale.sh: libbank against the bare and statement floors at scale (issue 4, "Scale
# benchmark"; docs/performance.md, "Scale"). Run by `make scale` and `make stress`.
#
# One after the other, each on a fresh file in a temporary directory (deleted after):
#   floor --mode bare        ACCOUNTS accounts, journal of TRANSFERS rows
#   floor --mode statement   the same
#   bench_ledger             the same, with --measure-reads
#   bench_ledger             SMALL accounts (10,000), the same journal, --measure-reads
#   floor --mode bare        SMALL accounts, the same journal
#   floor --mode statement   SMALL accounts, the same journal
# Each prefills untimed (workload.h: one deposit per account, then random-pair transfers
# in batches), then posts the last WINDOW transfers timed, BATCH per commit, durability
# FULL. TRANSFERS counts journal rows, the setup deposits included.
#
# It reports:
#   - batched transfers/s at the end size for libbank and both floors, and the ratios
#   - libbank's batched transfers/s at ACCOUNTS accounts against SMALL accounts
#     (same journal size)
#   - the same comparison with both floors at SMALL accounts: the journal's size
#     without the cost of a million random account pages per commit
#   - the mean time of one statement page (limit 100; the first page, and the page after
#     it by cursor when the account has one) and of one balance, over SAMPLES random
#     accounts, at the end size against the same at 100,000 journal rows (measured in
#     the SMALL run when its journal passes 100,000 rows); goal: within 2x
#   - the medians of the short page and the balance (the same bank as it grows), and of
#     the first page, beside the means: a few slow calls move a mean, not a median
#   - the same for a short page (the first 16 entries, the same length at every size):
#     the SMALL bank at the end size against itself at 100,000 rows, and the large bank
#     against the SMALL one
#   - whether each bank meets the throughput goal (libbank at least 3x the statement
#     floor), in words
#   - the peak resident memory (ru_maxrss, /usr/bin/time %M) of each program
#   - with --batch-sweep LIST, batched transfers/s of all six runs at each batch size
#     listed (one more window each after the main one; workload.h, bench_sweep)
#
# usage: bench/scale.sh [--builddir DIR] [--quick] [--accounts N] [--transfers N]
#                       [--small-accounts N] [--window N] [--batch N] [--cache-size N]
#                       [--wal-autocheckpoint N] [--mmap-size MIB] [--statement-records 0|1]
#                       [--samples N] [--tmpdir DIR] [--keep-log FILE] [--best]
#                       [--batch-sweep LIST]
#
#   default   1,000,000 accounts, 10,000,000 journal rows (about 40-75 minutes on a
#             2-vCPU VM, mostly prefills: see docs/performance.md), window 1,000,000
#             (the journal's last tenth; the programs cap it at half the journal),
#             batch 1,000. The window is long so that it holds several WAL checkpoints
#             of every program: a checkpoint comes every `wal_autocheckpoint` pages, and
#             a program that writes little per transfer (libbank at 10,000 accounts, 1.5
#             KiB) would otherwise pass a whole short window without one, and look faster
#             than it is. The shell reads this script as it runs: run a copy if the tree
#             may change meanwhile.
#   --quick   20,000 accounts, 200,000 rows, window 20,000, 200 samples (a minute or two)
#   e.g.      bench/scale.sh --accounts 100000 --transfers 1000000
#   --best    the best settings found (docs/performance.md, "The best settings found"):
#             --cache-size -4194304 (4 GiB: the page cache holds the file) and
#             --wal-autocheckpoint 100000; later options still override them
#   --batch-sweep 100,1000,10000   also measure these batch sizes (comma-separated)
#   --statement-records 1   both libbank runs keep posting records
#             (bank_options.statement_records: faster statements, slower postings)
#
# Environment: BENCH_SCALE_ACCOUNTS, BENCH_SCALE_TRANSFERS set the defaults.
set -eu

builddir=build
accounts=${BENCH_SCALE_ACCOUNTS:-1000000}
transfers=${BENCH_SCALE_TRANSFERS:-10000000}
small=10000
window=1000000
batch=1000
# libbank's default page cache (32 MiB) and SQLite's default autocheckpoint; the floors
# get the same.
cache_size=-32768
wal_autocheckpoint=1000
mmap_size=0
statement_records=0
samples=1000
batch_sweep=
tmpbase=${TMPDIR:-/tmp}
keep_log=

while [ $# -gt 0 ]; do
	case $1 in
	--builddir) builddir=$2; shift 2 ;;
	--quick) accounts=20000; transfers=200000; window=20000; samples=200; shift ;;
	--accounts) accounts=$2; shift 2 ;;
	--transfers) transfers=$2; shift 2 ;;
	--small-accounts) small=$2; shift 2 ;;
	--window) window=$2; shift 2 ;;
	--batch) batch=$2; shift 2 ;;
	--cache-size) cache_size=$2; shift 2 ;;
	--wal-autocheckpoint) wal_autocheckpoint=$2; shift 2 ;;
	--mmap-size) mmap_size=$2; shift 2 ;;
	--statement-records) statement_records=$2; shift 2 ;;
	--samples) samples=$2; shift 2 ;;
	--tmpdir) tmpbase=$2; shift 2 ;;
	--keep-log) keep_log=$2; shift 2 ;;
	--best) cache_size=-4194304; wal_autocheckpoint=100000; shift ;;
	--batch-sweep) batch_sweep=$2; shift 2 ;;
	-h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0"; exit 0 ;;
	*) echo "scale.sh: unknown argument: $1" >&2; exit 2 ;;
	esac
done
floor=$builddir/bench/floor
ledger=$builddir/bench/bench_ledger
for p in "$floor" "$ledger"; do
	[ -x "$p" ] || { echo "scale.sh: $p not built (meson setup, then ninja -C $builddir)" >&2; exit 1; }
done
# Peak memory and wall time of a child: GNU time, else the same from python3.
if [ -x /usr/bin/time ]; then
	timed() { out=$1; shift; /usr/bin/time -o "$out" -f "maxrss_kib=%M wall=%e" "$@"; }
else
	timed() {
		python3 -c 'import resource, subprocess, sys, time
t = time.monotonic(); rc = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    f.write("maxrss_kib=%d wall=%.2f\n" % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.monotonic() - t))
sys.exit(rc)' "$@"
	}
fi
grep -q -- --measure-reads "$ledger" ||
	{ echo "scale.sh: $ledger has no --measure-reads" >&2; exit 1; }
if [ "$transfers" -lt "$accounts" ] || [ "$transfers" -lt "$small" ]; then
	echo "scale.sh: --transfers must be at least --accounts and --small-accounts" >&2
	exit 2
fi
if [ "$transfers" -le 100000 ]; then
	echo "scale.sh: --transfers must be above 100000 (reads are compared with 100,000 rows)" >&2
	exit 2
fi

dir=$(mktemp -d "$tmpbase/libbank-scale.XXXXXX")
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM
log=$dir/log
: >"$log"

src=$(cd "$(dirname "$0")/.." && pwd)
# Run from a copy (as advised above), the script is not in the tree: the build
# directory knows where its sources are.
if ! git -C "$src" rev-parse >/dev/null 2>&1 && [ -f "$builddir/meson-info/meson-info.json" ]; then
	src=$(sed -n 's/.*"source": *"\([^"]*\)".*/\1/p' "$builddir/meson-info/meson-info.json")
fi
echo "libbank scale benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ)," \
     "source $(git -C "$src" describe --always --dirty 2>/dev/null || echo unknown)," \
     "on $(uname -n): $(nproc) cpus, SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)"
echo "accounts=$accounts small_accounts=$small journal=$transfers window=$window batch=$batch" \
     "cache_size=$cache_size wal_autocheckpoint=$wal_autocheckpoint mmap_size_mib=$mmap_size" \
     "statement_records=$statement_records samples=$samples batch_sweep=${batch_sweep:-none};" \
     "WAL, synchronous FULL, default page size"

# run NAME PROGRAM ARGS...: one program on a fresh file; tags its output lines with NAME.
run() {
	name=$1
	shift
	db=$dir/$name.db
	t0=$(date +%s)
	echo "  $name: started $(date -u +%H:%M:%S)" >&2
	if ! timed "$dir/$name.time" "$@" --db "$db" >"$dir/$name.out" 2>"$dir/$name.err"; then
		echo "scale.sh: $name failed:" >&2
		cat "$dir/$name.err" "$dir/$name.time" >&2
		exit 1
	fi
	sed "s/^/$name: /" "$dir/$name.err" >&2
	echo "  $name: done in $(( $(date +%s) - t0 )) s, $(tail -n 1 "$dir/$name.time")" >&2
	{
		sed "s/^/$name /" "$dir/$name.out"
		echo "$name $(tail -n 1 "$dir/$name.time")"
	} >>"$log"
	rm -f "$db" "$db-wal" "$db-shm"
}

common="--journal $transfers --window $window --batch $batch --cache-size $cache_size --wal-autocheckpoint $wal_autocheckpoint --mmap-size $mmap_size --single 0 --durability full"
[ -z "$batch_sweep" ] || common="$common --batch-sweep $batch_sweep"
begin=$(date +%s)
# shellcheck disable=SC2086 # $common holds numbers and flags only
{
	run bare "$floor" --mode bare --accounts "$accounts" $common
	run statement "$floor" --mode statement --accounts "$accounts" $common
	run libbank "$ledger" --accounts "$accounts" --measure-reads "$samples" --statement-records "$statement_records" $common
	run libbank_small "$ledger" --accounts "$small" --measure-reads "$samples" --statement-records "$statement_records" $common
	run bare_small "$floor" --mode bare --accounts "$small" $common
	run statement_small "$floor" --mode statement --accounts "$small" $common
}
[ -z "$keep_log" ] || cp "$log" "$keep_log"

awk -v elapsed=$(( $(date +%s) - begin )) -v accounts="$accounts" -v small="$small" '
function field(line, key,    n, i, kv, a) {
	n = split(line, a, " ")
	for (i = 1; i <= n; i++) { split(a[i], kv, "="); if (kv[1] == key) return kv[2] }
	return ""
}
function ratio(a, b) { return b > 0 ? a / b : 0 }
$2 == "result" && field($0, "phase") == "batched" {
	tps[$1] = field($0, "tps"); jb[$1] = field($0, "journal_before"); ja[$1] = field($0, "journal_after")
	if (field($0, "refused") + 0 > 0) refused = refused " " $1
}
$2 == "result" && field($0, "phase") == "sweep" {
	b = field($0, "batch"); swt[$1, b] = field($0, "tps")
	if (!(b in swseen)) { swseen[b] = 1; swb[++nsw] = b }
	if (field($0, "refused") + 0 > 0) refused = refused " " $1 "(batch " b ")"
}
$2 == "reads" {
	k = $1 SUBSEP (++nreads[$1])
	rj[k] = field($0, "journal"); rs[k] = field($0, "statement_us"); rp[k] = field($0, "page2_us")
	rpn[k] = field($0, "page2_samples"); rb[k] = field($0, "balance_us")
	re_[k] = field($0, "page_entries"); re2[k] = field($0, "page2_entries")
	rsh[k] = field($0, "short_us"); rshn[k] = field($0, "short_entries")
	rshm[k] = field($0, "short_p50_us"); rsm[k] = field($0, "statement_p50_us"); rbm[k] = field($0, "balance_p50_us")
}
$2 ~ /^maxrss_kib=/ { rss[$1] = field($0, "maxrss_kib"); wall[$1] = field($0, "wall") }
END {
	printf "\nbatched transfers/s, last window before the journal reaches its size (%s accounts)\n", accounts
	printf "%-14s %-18s %10s %12s\n", "program", "journal rows", "tps", "libbank/this"
	split("libbank bare statement", im, " ")
	for (i = 1; i <= 3; i++)
		printf "%-14s %-18s %10d %12.2f\n", im[i], jb[im[i]] "-" ja[im[i]], tps[im[i]], ratio(tps["libbank"], tps[im[i]])
	printf "\nlibbank at %s accounts / at %s accounts (same journal): %.2f (%d / %d tps)\n", \
	       accounts, small, ratio(tps["libbank"], tps["libbank_small"]), tps["libbank"], tps["libbank_small"]
	printf "\nthe same at %s accounts\n", small
	printf "%-16s %-18s %10s %12s\n", "program", "journal rows", "tps", "libbank/this"
	split("libbank_small bare_small statement_small", is, " ")
	for (i = 1; i <= 3; i++)
		printf "%-16s %-18s %10d %12.2f\n", is[i], jb[is[i]] "-" ja[is[i]], tps[is[i]], \
		       ratio(tps["libbank_small"], tps[is[i]])
	# The throughput goal of issue 4, said in words for each bank.
	g1 = ratio(tps["libbank"], tps["statement"]); g2 = ratio(tps["libbank_small"], tps["statement_small"])
	printf "\nthroughput goal, libbank at least 3x the statement floor at %s journal rows: " \
	       "%.2fx at %s accounts: %s; %.2fx at %s accounts: %s\n", ja["libbank"], g1, accounts, \
	       (g1 >= 3 ? "met" : "NOT met"), g2, small, (g2 >= 3 ? "met" : "NOT met")

	# Reads: the small run measured first at 100,000 rows; the large run at the end.
	base = "libbank_small" SUBSEP 1; end_ = "libbank" SUBSEP nreads["libbank"]
	printf "\nreads, mean microseconds per call over random accounts\n"
	printf "%-14s %-9s %-12s %22s %22s %9s\n", "run", "accounts", "journal rows", "first page (entries)", \
	       "next page (entries, n)", "balance"
	for (p in nreads) for (j = 1; j <= nreads[p]; j++) {
		k = p SUBSEP j
		printf "%-14s %-9s %-12s %13.1f (%6.1f) %10.1f (%5.1f, %4d) %9.1f\n", p, \
		       (p == "libbank" ? accounts : small), rj[k], rs[k], re_[k], rp[k], re2[k], rpn[k], rb[k]
	}
	sr = ratio(rs[end_], rs[base]); br = ratio(rb[end_], rb[base])
	printf "at %s rows / at %s rows (libbank / libbank_small): statement page %.2fx, balance %.2fx: %s\n", \
	       rj[end_], rj[base], sr, br, (sr <= 2 && br <= 2 ? "within 2x" : "NOT within 2x")
	pe = ratio(rs[end_], re_[end_]); pb = ratio(rs[base], re_[base])
	printf "per statement entry: %.1f us at %s rows, %.1f us at %s rows: %.2fx\n", pe, rj[end_], pb, rj[base], \
	       ratio(pe, pb)
	# A page of the same length (at most 16 entries) everywhere: the same bank as its
	# journal grows, and the large bank against the small one.
	sm_end = "libbank_small" SUBSEP nreads["libbank_small"]
	printf "\nshort page (the first 16 entries), mean us (entries)\n"
	for (p in nreads) for (j = 1; j <= nreads[p]; j++) {
		k = p SUBSEP j
		printf "%-14s %-9s %-12s %9.1f (%4.1f)\n", p, (p == "libbank" ? accounts : small), rj[k], rsh[k], rshn[k]
	}
	r1 = ratio(rsh[sm_end], rsh[base]); r2 = ratio(rsh[end_], rsh[base])
	printf "short page, %s accounts at %s rows / at %s rows (the same bank): %.2fx: %s\n", small, rj[sm_end], \
	       rj[base], r1, (r1 <= 2 ? "within 2x" : "NOT within 2x")
	printf "short page, %s accounts at %s rows / %s accounts at %s rows: %.2fx: %s\n", accounts, rj[end_], \
	       small, rj[base], r2, (r2 <= 2 ? "within 2x" : "NOT within 2x")
	# The same with medians: one slow call (a page fault, a burst from a neighbour) moves a
	# mean of a few hundred samples, not a median.
	m1 = ratio(rshm[sm_end], rshm[base]); m2 = ratio(rbm[sm_end], rbm[base])
	printf "medians, %s accounts at %s rows / at %s rows (the same bank): short page %.2fx (%.1f / %.1f us), " \
	       "balance %.2fx: %s\n", small, rj[sm_end], rj[base], m1, rshm[sm_end], rshm[base], m2, \
	       (m1 <= 2 && m2 <= 2 ? "within 2x" : "NOT within 2x")
	m3 = ratio(rsm[end_], rsm[base])
	printf "medians, first page at %s rows / at %s rows (libbank / libbank_small): %.2fx\n", rj[end_], rj[base], m3

	if (nsw > 0) {
		printf "\nbatch-size sweep: batched transfers/s, one window per batch size after the main one\n"
		printf "%-9s %-7s %10s %10s %10s %14s %12s\n", "accounts", "batch", "libbank", "bare", "statement", \
		       "lib/statement", "lib/bare"
		for (j = 1; j <= 2; j++) {
			sfx = (j == 1 ? "" : "_small")
			for (i = 1; i <= nsw; i++) {
				b = swb[i]; l = swt["libbank" sfx, b]; br = swt["bare" sfx, b]; st = swt["statement" sfx, b]
				printf "%-9s %-7s %10d %10d %10d %14.2f %12.2f\n", (j == 1 ? accounts : small), b, l, br, st, \
				       ratio(l, st), ratio(l, br)
			}
		}
	}

	printf "\npeak resident memory (ru_maxrss) and wall time of each program (setup and prefill included)\n"
	split("bare statement libbank libbank_small bare_small statement_small", pr, " ")
	for (i = 1; i <= 6; i++)
		printf "%-14s %8.1f MiB %8d s\n", pr[i], rss[pr[i]] / 1024, wall[pr[i]]
	if (refused != "") printf "warning: refused transfers in:%s\n", refused
	printf "\n%d s in all\n", elapsed
}' "$log"
