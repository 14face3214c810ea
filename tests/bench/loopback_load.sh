#!/usr/bin/env bash
# Load benchmark on loopback: `l2tpsim lns` and `l2tpsim lac` with TUNNELS x SESSIONS calls
# (default 100 x 100 = 10,000). Prints the setup rate in sessions/s, latency percentiles, the
# teardown time and the peak memory (maximum resident set size) of each process, and checks
# that every call was established and torn down. Exit status 0 when all were, 1 otherwise.
#
#   tests/bench/loopback_load.sh BUILD_DIR
#   TUNNELS=10 SESSIONS=100 SETUP_RATE=2000 tests/bench/loopback_load.sh build
#   LNS_ARGS="--window 64" LAC_ARGS="--window 64" tests/bench/loopback_load.sh build
#   PPP=0 tests/bench/loopback_load.sh build      # L2TP only (--no-ppp)
#   KEEP=1 ...                                   # keep the work dir (logs, JSON) after a good run
#
# By default every call also brings PPP up (LCP, CHAP-MD5 against the LNS's user pattern, IPCP
# with a pool address); the figures then include the PPP setup rate and memory per session.
#
# Only loopback addresses are used (LNS 127.0.0.3, LAC 127.0.0.11-14). Only the processes this
# script starts are signalled, by PID.
set -euo pipefail

BUILD=${1:?usage: loopback_load.sh BUILD_DIR}
BIN=$BUILD/l2tpsim
TUNNELS=${TUNNELS:-100}
SESSIONS=${SESSIONS:-100}
SETUP_RATE=${SETUP_RATE:-0}
SETUP_LIMIT=${SETUP_LIMIT:-300} # seconds to wait for every call to come up
PPP=${PPP:-1}
if [ "$PPP" = 1 ]; then
  # Pool big enough for every call; CHAP with one password for user1..userN.
  PPP_LNS=(--authentication chap --user 'user{n}' --password load --remote-address 10.64.0.2-10.127.255.254)
  PPP_LAC=(--allow chap --user 'user{n}' --password load)
  UP_PATTERN="ppp"
else
  PPP_LNS=(--no-ppp)
  PPP_LAC=(--no-ppp)
  UP_PATTERN="sessions"
fi
[ -x "$BIN" ] || { echo "no l2tpsim binary at $BIN" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is needed to read the JSON summaries" >&2; exit 2; }

WORK=$(mktemp -d /tmp/l2tpsim-load-XXXXXX)
PORT=$((20000 + RANDOM % 13000)) # below the ephemeral range and traceroute ports 33434-33534
TOTAL=$((TUNNELS * SESSIONS))
LNS_PID="" LAC_PID="" LNS_WRAP="" LAC_WRAP=""

cleanup() {
  for p in $LAC_PID $LNS_PID $LAC_WRAP $LNS_WRAP; do kill -KILL "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# With GNU time the memory figure comes from `time -v`; without it, from VmHWM sampled while
# the process runs (the last sample before it exits).
if [ -x /usr/bin/time ] && /usr/bin/time -v true 2>/dev/null; then HAVE_TIME=1; else HAVE_TIME=0; fi

start() { # name, args...: starts l2tpsim, sets <NAME>_WRAP (time's PID) and <NAME>_PID (l2tpsim's)
  local name=$1
  shift
  local wrap pid=""
  if [ $HAVE_TIME = 1 ]; then
    /usr/bin/time -v -o "$WORK/$name.time" "$BIN" "$@" >"$WORK/$name.out" 2>"$WORK/$name.log" &
    wrap=$!
    for _ in $(seq 100); do
      pid=$(pgrep -P "$wrap" || true)
      [ -n "$pid" ] && break
      sleep 0.05
    done
  else
    "$BIN" "$@" >"$WORK/$name.out" 2>"$WORK/$name.log" &
    wrap=$!
    pid=$wrap
  fi
  [ -n "$pid" ] || { echo "$name did not start" >&2; exit 1; }
  printf -v "${name^^}_WRAP" '%s' "$wrap"
  printf -v "${name^^}_PID" '%s' "$pid"
}

sample_hwm() { # pid, file: the process's peak RSS so far, in kB
  awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null >"$2.tmp" && [ -s "$2.tmp" ] && mv "$2.tmp" "$2" || true
}

peak_rss_kb() { # name
  if [ $HAVE_TIME = 1 ]; then
    awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$WORK/$1.time"
  else
    cat "$WORK/$1.hwm" 2>/dev/null || echo "?"
  fi
}

echo "l2tpsim loopback load: $TUNNELS tunnels x $SESSIONS sessions = $TOTAL calls, setup rate ${SETUP_RATE:-0} (0 = all at once)"
echo "work dir $WORK, LNS 127.0.0.3:$PORT"

start lns lns --listen "127.0.0.3:$PORT" --json "$WORK/lns.json" --duration 3600 --progress \
  --keepalive-timeout 0 "${PPP_LNS[@]}" ${LNS_ARGS:-}
for _ in $(seq 200); do grep -q "listening on" "$WORK/lns.log" && break; sleep 0.05; done
grep -q "listening on" "$WORK/lns.log" || { echo "the LNS did not start:"; cat "$WORK/lns.log"; exit 1; }

start lac lac --connect-to "127.0.0.3:$PORT" --tunnels "$TUNNELS" --sessions "$SESSIONS" \
  --local-address 127.0.0.11 --local-address 127.0.0.12 --local-address 127.0.0.13 \
  --local-address 127.0.0.14 --setup-rate "$SETUP_RATE" --json "$WORK/lac.json" --progress \
  --keepalive-timeout 0 "${PPP_LAC[@]}" ${LAC_ARGS:-}

# Wait until every call is up (the LAC's status line says so), or fails, or the limit passes.
deadline=$((SECONDS + SETUP_LIMIT))
while [ $SECONDS -lt $deadline ]; do
  [ $HAVE_TIME = 1 ] || { sample_hwm "$LAC_PID" "$WORK/lac.hwm"; sample_hwm "$LNS_PID" "$WORK/lns.hwm"; }
  last=$(tail -n 1 "$WORK/lac.log" 2>/dev/null || true)
  case "$last" in *" $UP_PATTERN $TOTAL up "*) break ;; esac
  case "$last" in *" failed "*) [[ "$last" =~ [1-9][0-9]*\ failed ]] && break ;; esac
  kill -0 "$LAC_PID" 2>/dev/null || break
  sleep 0.2
done
echo "lac: $(tail -n 1 "$WORK/lac.log")"
# Resident memory with every call up (the peak may come earlier: a burst's calls in flight).
up_rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$1/status" 2>/dev/null || echo "?"; }
LAC_UP_RSS=$(up_rss_kb "$LAC_PID")
LNS_UP_RSS=$(up_rss_kb "$LNS_PID")

# Graceful teardown of everything (CDN x calls, StopCCN x tunnels), timed.
[ $HAVE_TIME = 1 ] || { sample_hwm "$LAC_PID" "$WORK/lac.hwm"; sample_hwm "$LNS_PID" "$WORK/lns.hwm"; }
kill -INT "$LAC_PID" 2>/dev/null || true
wait "$LAC_WRAP" || true
[ $HAVE_TIME = 1 ] || sample_hwm "$LNS_PID" "$WORK/lns.hwm"
kill -TERM "$LNS_PID" 2>/dev/null || true
wait "$LNS_WRAP" || true
LAC_PID="" LNS_PID="" LAC_WRAP="" LNS_WRAP=""

status=0
python3 - "$WORK" "$TOTAL" "$TUNNELS" "$(peak_rss_kb lac)" "$(peak_rss_kb lns)" "$LAC_UP_RSS" "$LNS_UP_RSS" <<'EOF' || status=$?
import json, sys
work, total, tunnels, lac_rss, lns_rss = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
up_rss = {"lac": sys.argv[6], "lns": sys.argv[7]}
ok = True
for role, rss in (("lac", lac_rss), ("lns", lns_rss)):
    try:
        j = json.load(open(f"{work}/{role}.json"))
    except Exception as e:
        print(f"{role}: no JSON summary ({e})")
        ok = False
        continue
    lat = j["setup_latency_ms"]
    mib = f"{int(rss) / 1024:.1f} MiB" if rss.isdigit() else "?"
    print(f"{role}: sessions {j['sessions_established']}/{total} established, {j['sessions_failed']} failed, "
          f"{j['sessions_closed']} torn down; tunnels {j['tunnels_established']}/{tunnels}")
    print(f"{role}:   setup rate {j['setup_rate_sessions_per_s']:.0f} sessions/s over {j['setup_s']:.2f} s; "
          f"latency p50 {lat['p50']:.1f} ms p90 {lat['p90']:.1f} ms p99 {lat['p99']:.1f} ms max {lat['max']:.1f} ms")
    cpu = ""
    try:
        t = dict(l.strip().split(": ", 1) for l in open(f"{work}/{role}.time") if ": " in l)
        cpu = f"; CPU {float(t['User time (seconds)']):.2f} s user + {float(t['System time (seconds)']):.2f} s sys"
    except Exception:
        pass
    print(f"{role}:   teardown {j['teardown_s']:.2f} s; retransmissions {j['retransmissions']}, duplicates "
          f"{j['duplicates']}, out of order {j['out_of_order']}; peak RSS {mib}{cpu}")
    if "setup_cpu_s" in j and j["sessions_established"]:
        print(f"{role}:   CPU until setup completed {j['setup_cpu_s']:.2f} s, "
              f"{j['setup_cpu_s'] * 1000 / j['sessions_established']:.3f} ms/session")
    if "ppp" in j:
        p = j["ppp"]
        lat = p["up_latency_ms"]
        per = f"{int(rss) * 1024 / max(1, j['sessions_ppp_up']):.0f} bytes/session" if rss.isdigit() else "?"
        if up_rss[role].isdigit():
            per += f" ({int(up_rss[role]) * 1024 / max(1, j['sessions_ppp_up']):.0f} with every call up)"
        print(f"{role}:   ppp up {j['sessions_ppp_up']}/{total}, {p['failed']} failed ({j['auth_failures']} auth); "
              f"{p['setup_rate_sessions_per_s']:.0f} sessions/s to IPCP opened over {p['setup_s']:.2f} s; "
              f"session up to PPP up p50 {lat['p50']:.1f} ms p99 {lat['p99']:.1f} ms; peak RSS per session {per}")
    good = (j["sessions_established"] == total and j["sessions_failed"] == 0 and j["sessions_closed"] == total
            and j["tunnels_established"] == tunnels and j["tunnels_failed"] == 0 and j["torn_down"]
            and ("ppp" not in j or j["sessions_ppp_up"] == total))
    if not good:
        print(f"{role}: NOT every call was established and torn down; failures: {j['failures'][:5]}")
    ok = ok and good
print("RESULT: " + ("ok" if ok else "FAILED"))
sys.exit(0 if ok else 1)
EOF
if [ $status = 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
exit $status
