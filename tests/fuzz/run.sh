#!/bin/sh
# run.sh: runs one libFuzzer harness for a bounded time (docs/reliability.md).
#
#     tests/fuzz/run.sh HARNESS SEED_CORPUS_DIR [WORK_DIR] [libFuzzer options...]
#
# Fuzzes for $BANK_FUZZ_SECONDS seconds (default 20): `make check` runs each harness for
# 20 s through `meson test --suite fuzz`; `make fuzz` sets BANK_FUZZ_SECONDS=300 (or what
# you give it). The seed corpus is replayed first (it holds every crash ever found, as
# regression tests) and only read; new inputs go to WORK_DIR/corpus, crashes to
# WORK_DIR/crashes/ (default WORK_DIR: ./fuzz-work/<harness name>). A crash fails the run:
# copy the file libFuzzer names into tests/fuzz/corpus/<harness>/ as a regression test.
set -eu
if [ $# -lt 2 ]; then
	echo "usage: $0 HARNESS SEED_CORPUS_DIR [WORK_DIR] [libFuzzer options...]" >&2
	exit 2
fi
harness=$1
seeds=$2
shift 2
name=$(basename "$harness")
work=fuzz-work/$name
if [ $# -gt 0 ]; then
	case $1 in
	-*) ;;
	*) work=$1; shift ;;
	esac
fi
secs=${BANK_FUZZ_SECONDS:-20}
mkdir -p "$work/corpus" "$work/crashes"
echo "$name: fuzzing for $secs s (seeds: $seeds, new inputs: $work/corpus)"
exec "$harness" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$work/crashes/" "$@" "$work/corpus" "$seeds"
