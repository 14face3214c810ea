#!/usr/bin/env bash
# Runs the decode fuzzer for a while over a scratch copy of the seed corpus and fails if it finds
# anything (a crash, a sanitizer report, a broken invariant, a timeout or a leak).
#
#   tests/fuzz/run_fuzz.sh BUILD_DIR SECONDS [FUZZER]
#
# BUILD_DIR must be configured with clang, -DL2TPSIM_FUZZ=ON (which also instruments the
# libraries for coverage) and -DL2TPSIM_SANITIZE=ON, as scripts/setup.sh does for build-asan:
#
#   CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DL2TPSIM_FUZZ=ON -DL2TPSIM_SANITIZE=ON
#   cmake --build build-asan --target decode_fuzz
#
# FUZZER defaults to decode_fuzz. Findings are kept in BUILD_DIR/fuzz-artifacts/; reproduce one
# with BUILD_DIR/tests/FUZZER FILE. The committed corpus is never modified; to grow it, merge by
# hand: FUZZER -merge=1 tests/fuzz/corpus NEW_DIR.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 BUILD_DIR SECONDS [FUZZER]" >&2
  exit 2
fi
build_dir=$1
seconds=$2
fuzzer_name=${3:-decode_fuzz}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "$0: SECONDS must be a positive integer, not '$seconds'" >&2
  exit 2
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fuzzer=$build_dir/tests/$fuzzer_name
if [[ ! -x $fuzzer ]]; then
  echo "$0: no fuzzer at $fuzzer (configure with -DL2TPSIM_FUZZ=ON and build target $fuzzer_name)" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/l2tpsim-fuzz-XXXXXX")
trap 'rm -rf "$work"' EXIT
# A fuzzer with its own seeds (scenario_fuzz: scenario_corpus/) uses them; the others share corpus/.
seeds=$here/corpus
[[ -d $here/${fuzzer_name%_fuzz}_corpus ]] && seeds=$here/${fuzzer_name%_fuzz}_corpus
cp -r "$seeds" "$work/corpus"
artifacts=$build_dir/fuzz-artifacts
mkdir -p "$artifacts"
before=$(find "$artifacts" -type f | wc -l)

echo "fuzzing $fuzzer for ${seconds}s over $(ls "$work/corpus" | wc -l) seeds"
status=0
"$fuzzer" "$work/corpus" \
  -max_total_time="$seconds" \
  -timeout=10 \
  -max_len=4096 \
  -print_final_stats=1 \
  -artifact_prefix="$artifacts/" \
  >"$work/log" 2>&1 || status=$?

grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$work/log" || true
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$work/log" || true
after=$(find "$artifacts" -type f | wc -l)

if [[ $status -ne 0 || $after -ne $before ]]; then
  echo "--- fuzzer log (last 60 lines) ---" >&2
  tail -n 60 "$work/log" >&2
  echo "FAIL: $fuzzer_name exited with status $status; findings in $artifacts/" >&2
  exit 1
fi
echo "OK: nothing found in ${seconds}s"
