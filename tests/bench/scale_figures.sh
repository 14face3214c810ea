#!/usr/bin/env bash
# The scale figures of one build in one command: loopback_load.sh over the loads that matter,
# with 1 and 2 shards (--threads) on both sides, one summary line each. CHAP + IPCP in every
# session unless the line says L2TP only. Takes about 10 minutes on 2 cores.
#
#   tests/bench/scale_figures.sh BUILD_DIR            # every load, threads 1 and 2
#   THREADS="2" LOADS="paced1000" tests/bench/scale_figures.sh build
#   REPEAT=3 LOADS="paced1000" tests/bench/scale_figures.sh build  # and the median CPU of 3
#
# The CPU per session varies by a third from run to run on a shared 2-core VM (0.047 to 0.074
# ms for the same binary and load): compare medians (REPEAT=3 or more), not single runs.
#
# Loads (name: tunnels x sessions, setup rate):
#   paced1000:  1,000 x 100 at 5,000/s      paced10000: 10,000 x 10 at 5,000/s
#   burst:        100 x 1,000 all at once   l2tp:         100 x 1,000 all at once, no PPP
# Per run: sessions up of 100,000 at each side, control retransmissions, the LNS's PPP setup
# rate (to IPCP opened), RSS per session at its peak and with every call up (a burst peaks
# earlier, with its calls in flight), and the LAC's CPU (user + system) per session: until
# setup completed (the issue's figure: from the LAC's JSON `setup_cpu_s`) and for the
# whole run (setup, hold and paced teardown; from time -v).
#
# CPU cost against a real server (optional, L2TPNS=1; needs root, l2tpns and freeradius
# installed, `ninja -C BUILD l2tpns_cost`): after the loads, BUILD/tests/l2tpns_cost per thread
# count and per LAC batch interval (COST_BATCH, default "1 4" ms): 20,000 CHAP + IPCP sessions
# (100 tunnels x 200, 500/s) from l2tpsim's LAC to l2tpns in a network namespace of its own, the
# CPU ms per session of the LAC, l2tpns and FreeRADIUS, the ratio LAC / l2tpns (aim: at most
# 0.2) and the setup latency the LAC measured (ICRQ to its ICCN acknowledged: the call up; then
# to IPCP opened). One line each; a failed run's log is kept. LAC_ARGS must not hold its own
# --batch-interval here (set COST_BATCH).
# Alone, and without the loopback loads:
#
#   sudo L2TPNS=1 LOADS="" tests/bench/scale_figures.sh build
#   sudo flock /tmp/l2tpsim-load.lock env LAC_ARGS="--threads 1" build/tests/l2tpns_cost
#
# (TUNNELS, SESSIONS per tunnel, SETUP_RATE, LAC_ARGS, AUTH=pap: see tests/bench/l2tpns_cost.cpp.)
set -uo pipefail
BUILD=${1:?usage: scale_figures.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
THREADS=${THREADS:-"1 2"}
LOADS=${LOADS-"paced1000 paced10000 burst l2tp"}  # LOADS="" runs none (L2TPNS=1 alone)
COST_BATCH=${COST_BATCH:-"1 4"}                      # L2TPNS=1: the LAC's batch intervals, ms

load_env() { # name -> TUNNELS SESSIONS SETUP_RATE PPP
  case "$1" in
    paced1000) echo "TUNNELS=1000 SESSIONS=100 SETUP_RATE=5000 PPP=1" ;;
    paced10000) echo "TUNNELS=10000 SESSIONS=10 SETUP_RATE=5000 PPP=1" ;;
    burst) echo "TUNNELS=100 SESSIONS=1000 SETUP_RATE=0 PPP=1" ;;
    l2tp) echo "TUNNELS=100 SESSIONS=1000 SETUP_RATE=0 PPP=0" ;;
    *) echo "unknown load $1" >&2; exit 2 ;;
  esac
}

[ -n "$LOADS" ] && printf '%-11s %-7s %-22s %-22s %-8s %-15s %-21s %-15s %-18s %s\n' load threads "lac up" "lns up" retrans \
  "lns setup/s" "bytes/session lac,lns" "all up lac,lns" "lac cpu setup,all" result
REPEAT=${REPEAT:-1}
for load in $LOADS; do
  for t in $THREADS; do
   cpus=$(mktemp)
   for _ in $(seq "$REPEAT"); do
    env_line=$(load_env "$load")
    log=$(mktemp)
    env $env_line LAC_ARGS="--threads $t" LNS_ARGS="--threads $t" SETUP_LIMIT=240 \
      "$HERE/loopback_load.sh" "$BUILD" >"$log" 2>&1
    python3 - "$load" "$t" "$log" "$cpus" <<'PY'
import re, sys
load, t, path, cpus = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
out = open(path).read()
def grab(role, pat, default="?"):
    for line in out.splitlines():
        if line.startswith(role + ":"):
            m = re.search(pat, line)
            if m:
                return m.group(1)
    return default
ppp = "ppp up" in out
def up(r):
    return grab(r, r"ppp up (\d+/\d+)") if ppp else grab(r, r"sessions (\d+/\d+) established")
rate = grab("lns", r"([\d.]+) sessions/s to IPCP") if ppp else grab("lns", r"setup rate (\d+) sessions/s")
total = int(re.search(r"= (\d+) calls", out).group(1)) if re.search(r"= (\d+) calls", out) else 0
def at_up(r):
    return grab(r, r"\((\d+) with every call up\)") if ppp else "?"
def per(r):
    if ppp:
        return grab(r, r"peak RSS per session (\d+) bytes")
    mib = grab(r, r"peak RSS ([\d.]+) MiB")
    return "?" if mib == "?" or not total else str(int(float(mib) * 1048576 / total))
cpu = grab("lac", r"CPU until setup completed [\d.]+ s, ([\d.]+) ms/session")
if cpu != "?":
    open(cpus, "a").write(cpu + "\n")
m = re.search(r"^lac:.*CPU ([\d.]+) s user \+ ([\d.]+) s sys", out, re.M)
cpu += "," + ("%.3f ms" % ((float(m.group(1)) + float(m.group(2))) * 1000 / total) if m and total else "?")
retrans = grab("lac", r"retransmissions (\d+)")
res = "ok" if "RESULT: ok" in out else "FAILED (log kept: %s)" % path
print("%-11s %-7s %-22s %-22s %-8s %-15s %-21s %-15s %-18s %s" % (load, t, up("lac"), up("lns"), retrans, rate,
      per("lac") + "," + per("lns"), at_up("lac") + "," + at_up("lns"), cpu, res))
PY
    grep -q "RESULT: ok" "$log" && rm -f "$log"
   done
   if [ "$REPEAT" -gt 1 ]; then
     python3 - "$load" "$t" "$cpus" <<'PY'
import statistics, sys
v = sorted(float(x) for x in open(sys.argv[3]).read().split())
if v:
    print("%-11s %-7s median lac cpu until setup of %d runs: %.3f ms (%s)" % (sys.argv[1], sys.argv[2], len(v),
          statistics.median(v), ", ".join("%.3f" % x for x in v)))
PY
   fi
   rm -f "$cpus"
  done
done

if [ "${L2TPNS:-0}" = 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "L2TPNS=1 needs root (l2tpns runs in a network namespace)" >&2; exit 2; }
  [ -x "$BUILD/tests/l2tpns_cost" ] || { echo "no $BUILD/tests/l2tpns_cost: ninja -C $BUILD l2tpns_cost" >&2; exit 2; }
  # Per thread count, the LAC's default batch interval (1 ms) and a longer one (COST_BATCH): at
  # 500 calls/s the LAC's CPU is mostly wake-ups, and a longer interval trades latency
  # resolution for them (the latency columns show what the LAC then measures).
  echo
  echo "== CPU cost against l2tpns (20,000 CHAP + IPCP sessions, 100 tunnels, 500/s; CPU ms per session over the setup)"
  printf '%-8s %-9s %-9s %-9s %-11s %-7s %-20s %-22s %s\n' threads "batch ms" "lac" "l2tpns" "freeradius" ratio \
    "call up p50,p99" "then IPCP p50,p99" result
  for t in $THREADS; do
    for b in $COST_BATCH; do
      log=$(mktemp)
      LAC_ARGS="--threads $t --batch-interval $b${LAC_ARGS:+ $LAC_ARGS}" "$BUILD/tests/l2tpns_cost" >"$log" 2>&1
      python3 - "$t" "$b" "$log" <<'PY'
import re, sys
t, b, path = sys.argv[1], sys.argv[2], sys.argv[3]
out = open(path).read()
setup = out.split("CPU over the setup", 1)[1].split("CPU over the whole run", 1)[0] if "CPU over the setup" in out else ""
def ms(name):
    m = re.search(name + r"\s+([\d.]+) ms/session", setup)
    return m.group(1) if m else "?"
m = re.search(r"ratio lac / l2tpns\s+([\d.?]+)", setup)
ratio = m.group(1) if m else "?"
def lat(what):
    m = re.search(what + r" p50 ([\d.]+) ms, p90 [\d.]+ ms, p99 ([\d.]+) ms", out)
    return m.group(1) + "," + m.group(2) + " ms" if m else "?"
res = "ok" if "RESULT: ok" in out else "FAILED (log kept: %s)" % path
print("%-8s %-9s %-9s %-9s %-11s %-7s %-20s %-22s %s" % (t, b, ms("l2tpsim lac"), ms("l2tpns"), ms("freeradius"),
      ratio, lat("ICRQ to ICCN acknowledged"), lat("then to IPCP opened"), res))
PY
      grep -q "RESULT: ok" "$log" && rm -f "$log"
    done
  done
fi
