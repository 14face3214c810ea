#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (as root) or a developer checkout:
#   scripts/setup.sh run    install what is missing, build, run the main job on a built-in default
#   scripts/setup.sh test   install what is missing, build (normal + ASan/UBSan), run every test,
#                           fuzz the decoder for a bounded time, check formatting
# Both are idempotent: packages already present are not reinstalled, builds are incremental.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
JOBS=$(nproc 2>/dev/null || echo 2)

PACKAGES=(
  build-essential cmake ninja-build pkg-config clang clang-format libclang-rt-14-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libpcap-dev libssl-dev nlohmann-json3-dev libyaml-cpp-dev
  libboost1.81-dev libboost-program-options1.81-dev
  tshark tcpdump xl2tpd l2tpns freeradius freeradius-utils iproute2 iputils-ping
)

log() { printf '\n== %s\n' "$*"; }

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

build_main() {
  log "building build/ (g++, warnings as errors)"
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DL2TPSIM_WERROR=ON >/dev/null
  cmake --build build -j "$JOBS"
}

build_sanitized() {
  log "building build-asan/ (clang, ASan+UBSan, libFuzzer targets)"
  CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DL2TPSIM_WERROR=ON \
    -DL2TPSIM_SANITIZE=ON -DL2TPSIM_FUZZ=ON -DL2TPSIM_BENCH=OFF >/dev/null
  cmake --build build-asan -j "$JOBS"
}

check_format() {
  log "checking clang-format"
  git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror
}

case "${1:-}" in
  run)
    install_missing
    build_main
    # The built-in default: l2tpsim's LAC against l2tpsim's LNS on loopback, 10 tunnels x 10
    # calls with tunnel authentication, held 3 s, torn down; pcaps and JSON summaries in out/.
    mkdir -p out
    log "main job: l2tpsim LNS on 127.0.0.3:1701, l2tpsim LAC from 127.0.0.2 (10 tunnels x 10 calls)"
    ./build/l2tpsim lns --listen 127.0.0.3:1701 --secret l2tpsim --duration 60 \
      --json out/lns.json --pcap out/lns.pcap >out/lns.log 2>&1 &
    lns_pid=$!
    sleep 0.5
    status=0
    ./build/l2tpsim lac --connect-to 127.0.0.3:1701 --local-address 127.0.0.2 --tunnels 10 --sessions 10 \
      --secret l2tpsim --duration 3 --json out/lac.json --pcap out/lac.pcap || status=$?
    kill -INT "$lns_pid" 2>/dev/null || true
    wait "$lns_pid" || true
    log "LNS side"
    tail -n 12 out/lns.log
    log "wire check: decoding out/lac.pcap against RFC 2661"
    ./build/l2tpsim decode out/lac.pcap --brief | tail -n 5
    exit "$status"
    ;;
  test)
    install_missing
    build_main
    build_sanitized
    check_format
    results=$(mktemp)
    trap 'rm -f "$results"' EXIT
    log "tests (build/)"
    ctest --test-dir build --output-on-failure -j "$JOBS" | tee -a "$results"
    log "tests under ASan/UBSan (build-asan/)"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      ctest --test-dir build-asan --output-on-failure -j "$JOBS" | tee -a "$results"
    log "fuzzing the decoder for ${FUZZ_SECONDS:-60} s"
    tests/fuzz/run_fuzz.sh build-asan "${FUZZ_SECONDS:-60}"
    # One closing line over both test runs (set -o pipefail already failed us on any failure).
    total=$(awk '/tests failed out of/ {n += $NF} END {print n + 0}' "$results")
    echo "tests: ${total:-0} passed, 0 failed"
    ;;
  *)
    echo "usage: scripts/setup.sh run|test" >&2
    exit 2
    ;;
esac
