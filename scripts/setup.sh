#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (as root) or a developer checkout:
#   scripts/setup.sh run    install what is missing, build, run the main job on a built-in default
#   scripts/setup.sh test   install what is missing, build (normal + ASan/UBSan), run every test
#                           once: the interop ones in build/, in the background while build-asan
#                           builds; unit, simulation and fast interop tests under ASan/UBSan;
#                           fuzz for a bounded time, check formatting
# Both are idempotent: packages already present are not reinstalled, builds are incremental.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
JOBS=$(nproc 2>/dev/null || echo 2)
# Interop tests at once: they wait far more than they compute (see the test stage).
INTEROP_JOBS=${INTEROP_JOBS:-$((JOBS * 3))}

PACKAGES=(
  build-essential cmake ninja-build pkg-config clang clang-format libclang-rt-14-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libpcap-dev libssl-dev nlohmann-json3-dev libyaml-cpp-dev libjemalloc-dev
  libboost1.81-dev libboost-program-options1.81-dev
  tshark tcpdump xl2tpd l2tpns freeradius freeradius-utils iproute2 iputils-ping libxml2-utils ccache
  strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins
)

log() { printf '\n== %s (at %d s)\n' "$*" "$SECONDS"; }

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "all ${#PACKAGES[@]} packages present"
    return
  fi
  log "installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: packages are missing and this is not root; run as root or install them" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# ccache, when present, makes every rebuild after the first one cheap (CI keeps ~/.cache/ccache).
LAUNCHER=()
if command -v ccache >/dev/null 2>&1; then LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi

# build/: g++, warnings as errors. Arguments: the targets to build (none: all of them).
build_main() {
  log "building build/ ${*:-(everything)} (g++, warnings as errors)"
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DL2TPSIM_WERROR=ON "${LAUNCHER[@]}" >/dev/null
  if [ $# -gt 0 ]; then
    cmake --build build -j "$JOBS" --target "$@"
  else
    cmake --build build -j "$JOBS"
  fi
}

# build-asan/: clang, ASan+UBSan, the libFuzzer targets. The slow interop tests are left out
# (they run once, in build/). Line tables only instead of full debug info: sanitizer reports
# still name file and line, objects are ~15% smaller and compile ~7% faster (-O1 would compile
# ~50% slower, for tests that mostly wait on timers).
# NICE: a command prefix for CPU-heavy work (the test stage sets it, see there).
NICE=()
build_sanitized() {
  log "building build-asan/ (clang, ASan+UBSan, libFuzzer targets, no slow interop tests)"
  CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O0 -gline-tables-only" -DL2TPSIM_WERROR=ON \
    -DL2TPSIM_SANITIZE=ON -DL2TPSIM_FUZZ=ON -DL2TPSIM_BENCH=OFF -DL2TPSIM_SLOW_TESTS=OFF \
    "${LAUNCHER[@]}" >/dev/null
  "${NICE[@]}" cmake --build build-asan -j "$JOBS"
}

check_format() {
  log "checking clang-format"
  git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror
}

case "${1:-}" in
  run)
    install_missing
    build_main l2tpsim  # the main job needs the binary only: no tests, no benchmarks
    # The built-in default: the bundled RFC 2661 conformance suite against l2tpsim's own LNS on
    # loopback (tunnel secret, one PPP user), then a short self-test with injected faults.
    # Reports and pcaps land in out/.
    mkdir -p out
    log "main job 1/2: conformance suite against l2tpsim's own LNS (127.0.0.3:1701)"
    ./build/l2tpsim lns --listen 127.0.0.3:1701 --secret l2tpsim --user alice --password l2tpsim \
      --keepalive-timeout 3 --duration 900 --json out/lns.json --pcap out/lns.pcap >out/lns.log 2>&1 &
    lns_pid=$!
    sleep 0.5
    status=0
    ./build/l2tpsim conform --dut-role lns --target 127.0.0.3:1701 --secret l2tpsim --user alice \
      --password l2tpsim --var echo_wait=15s --html out/conformance.html --json out/conformance.json \
      --junit out/conformance.xml --pcap out/conformance.pcap || status=$?
    kill -TERM "$lns_pid" 2>/dev/null || true
    wait "$lns_pid" || true
    log "main job 2/2: self-test with faults (scenarios/library/examples/demo-faults.yaml)"
    ./build/l2tpsim run scenarios/library/examples/demo-faults.yaml --pcap out/demo.pcap \
      --html out/demo.html --json out/demo.json || status=$?
    log "reports"
    echo "conformance report: $ROOT/out/conformance.html (JSON out/conformance.json, JUnit out/conformance.xml)"
    echo "conformance pcap:   $ROOT/out/conformance.pcap"
    echo "demo report:        $ROOT/out/demo.html, pcap $ROOT/out/demo.pcap"
    exit "$status"
    ;;
  test)
    install_missing
    # build/ holds what runs there: the binary, the interop tests, their tools, the benchmarks
    # (compiled so they keep compiling). The unit and simulation tests are built and run once,
    # under ASan/UBSan in build-asan/ (they were also built here with g++: 6 of CI's minutes).
    build_main l2tpsim interop_tests interop_slow_tests crashing_relay sccrq_flood l2tpns_cost benchmarks
    check_format
    results=$(mktemp)
    interop_log=$(mktemp)
    interop_pid=
    # On any failure: let the background interop tests finish (no orphans), show what they said.
    trap 'if [ -n "$interop_pid" ]; then wait "$interop_pid" || true; cat "$interop_log"; fi
          rm -f "$results" "$interop_log"' EXIT
    # The interop tests mostly wait on peers and timers (the slow ones take minutes each and a
    # few CPU seconds in all), so they run in the background, INTEROP_JOBS at once, while the
    # CPU does the rest: unit tests, build-asan and its tests, fuzzing, all niced so that the
    # interop tests' timers keep their pace.
    log "interop tests (build/): started in the background, ${INTEROP_JOBS} at once"
    ctest --test-dir build --output-on-failure -j "$INTEROP_JOBS" -L interop >"$interop_log" 2>&1 &
    interop_pid=$!
    NICE=(nice -n 10)
    build_sanitized
    # The unit and simulation tests in JOBS processes (gtest shards): through ctest each of the
    # ~1,000 would start its own ASan process (0.4 s each, 3-4 of CI's minutes). The fast interop
    # tests through ctest.
    log "unit and simulation tests under ASan/UBSan (build-asan/tests/unit_tests, ${JOBS} shards)"
    unit_pids=()
    for ((i = 0; i < JOBS; i++)); do
      ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 GTEST_TOTAL_SHARDS=$JOBS GTEST_SHARD_INDEX=$i \
        "${NICE[@]}" build-asan/tests/unit_tests --gtest_brief=1 >"$results.unit$i" 2>&1 &
      unit_pids+=($!)
    done
    unit_status=0
    for p in "${unit_pids[@]}"; do wait "$p" || unit_status=1; done
    cat "$results".unit* | tee -a "$results"
    rm -f "$results".unit*
    [ "$unit_status" -eq 0 ] || { echo "unit tests failed under ASan/UBSan (above)"; exit 1; }
    log "fast interop tests under ASan/UBSan (build-asan/, -L interop -LE slow)"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      "${NICE[@]}" ctest --test-dir build-asan --output-on-failure -j "$JOBS" -L interop -LE slow | tee -a "$results"
    log "fuzzing the decoder for ${FUZZ_SECONDS:-45} s"
    "${NICE[@]}" tests/fuzz/run_fuzz.sh build-asan "${FUZZ_SECONDS:-45}"
    log "fuzzing scenario files and the fault layer for ${SCENARIO_FUZZ_SECONDS:-20} s"
    "${NICE[@]}" tests/fuzz/run_fuzz.sh build-asan "${SCENARIO_FUZZ_SECONDS:-20}" scenario_fuzz
    log "fuzzing conversation extraction from captures for ${CONVERSATION_FUZZ_SECONDS:-15} s"
    "${NICE[@]}" tests/fuzz/run_fuzz.sh build-asan "${CONVERSATION_FUZZ_SECONDS:-15}" conversation_fuzz
    log "fuzzing the VICI codec (charon's control protocol, --use-ipsec) for ${VICI_FUZZ_SECONDS:-5} s"
    "${NICE[@]}" tests/fuzz/run_fuzz.sh build-asan "${VICI_FUZZ_SECONDS:-5}" vici_fuzz
    log "fuzzing ESP decryption (decode --esp-sa) for ${ESP_FUZZ_SECONDS:-5} s"
    "${NICE[@]}" tests/fuzz/run_fuzz.sh build-asan "${ESP_FUZZ_SECONDS:-5}" esp_fuzz
    log "fuzzing the PPP parsers and the LCP and IPCP automata for ${PPP_FUZZ_SECONDS:-10} s"
    "${NICE[@]}" tests/fuzz/run_fuzz.sh build-asan "${PPP_FUZZ_SECONDS:-10}" ppp_fuzz
    log "fuzzing the RADIUS decoder and client (what a server sends) for ${RADIUS_FUZZ_SECONDS:-10} s"
    "${NICE[@]}" tests/fuzz/run_fuzz.sh build-asan "${RADIUS_FUZZ_SECONDS:-10}" radius_fuzz
    log "interop tests (build/), from the background"
    interop_status=0
    wait "$interop_pid" || interop_status=$?
    interop_pid=
    tee -a "$results" <"$interop_log"
    [ "$interop_status" -eq 0 ] || exit "$interop_status"
    # One closing line over all test runs (set -o pipefail already failed us on any failure).
    total=$(awk '/tests failed out of/ {n += $NF} /^\[  PASSED  \] [0-9]+ tests?\./ {n += $4} END {print n + 0}' "$results")
    echo "tests: ${total:-0} passed, 0 failed"
    ;;
  *)
    echo "usage: scripts/setup.sh run|test" >&2
    exit 2
    ;;
esac
