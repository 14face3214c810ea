#!/usr/bin/env bash
# Churn soak on loopback: `l2tpsim lac` keeps a population of calls coming and going against
# `l2tpsim lns` for DURATION seconds (each call lives 5-15 s, FLAP random calls a second are
# hit by FLAP_KIND: cleared by LCP or CDN, or PPP restarted in place; every ended call is dialled
# again after 1 s; PPP with CHAP and IPCP),
# while the resident memory (VmRSS) of both processes is sampled every SAMPLE seconds. Prints
# the samples, the calls the run went through and the memory growth from the end of the
# ramp-up to the end, and checks that memory stays flat: growth after the warm-up (the first
# third of the run) below FLAT_PCT percent (default 5). Exit status 0 when flat and every
# setup came up, 1 otherwise.
#
#   tests/bench/churn_soak.sh BUILD_DIR
#   DURATION=600 TUNNELS=50 PER_TUNNEL=100 LIFETIME=10s-60s FLAP=5 tests/bench/churn_soak.sh build
#   LIFETIME=1h FLAP=200 FLAP_KIND=lcp-restart tests/bench/churn_soak.sh build   # restarts only
#
# Loopback only (LNS 127.0.0.3, LAC 127.0.0.21); holds /tmp/l2tpsim-load.lock so no other
# loopback load runs beside it; signals only the processes it started, by PID.
set -euo pipefail

BUILD=${1:?usage: churn_soak.sh BUILD_DIR}
BIN=$BUILD/l2tpsim
DURATION=${DURATION:-180}
TUNNELS=${TUNNELS:-20}
PER_TUNNEL=${PER_TUNNEL:-100}
LIFETIME=${LIFETIME:-5s-15s}
FLAP=${FLAP:-5}
FLAP_KIND=${FLAP_KIND:-mix}
SETUP_RATE=${SETUP_RATE:-500}
SAMPLE=${SAMPLE:-5}
FLAT_PCT=${FLAT_PCT:-5}
[ -x "$BIN" ] || { echo "no l2tpsim binary at $BIN" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is needed to read the JSON summaries" >&2; exit 2; }

exec 9>/tmp/l2tpsim-load.lock
flock 9

WORK=$(mktemp -d /tmp/l2tpsim-churn-XXXXXX)
PORT=$((20000 + RANDOM % 13000))
LNS_PID="" LAC_PID=""
cleanup() { for p in $LAC_PID $LNS_PID; do kill -KILL "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

echo "l2tpsim churn soak: ${DURATION} s, ${TUNNELS} tunnels x ${PER_TUNNEL} calls, lifetime ${LIFETIME}," \
  "flap ${FLAP}/s (${FLAP_KIND}), redial 1 s, setup rate ${SETUP_RATE}/s; work dir $WORK"
"$BIN" lns --listen "127.0.0.3:$PORT" --json "$WORK/lns.json" --keepalive-timeout 0 \
  --authentication chap --user 'user{n}' --password soak --remote-address 10.64.0.2-10.127.255.254 \
  >"$WORK/lns.out" 2>"$WORK/lns.log" &
LNS_PID=$!
for _ in $(seq 200); do grep -q "listening on" "$WORK/lns.log" && break; sleep 0.05; done
"$BIN" lac --connect-to "127.0.0.3:$PORT" --local-address 127.0.0.21 --port 0 --tunnels "$TUNNELS" \
  --sessions-per-tunnel "$PER_TUNNEL" --setup-rate "$SETUP_RATE" --session-lifetime "$LIFETIME" \
  --redial-delay 1 --flap "$FLAP" --flap-kind "$FLAP_KIND" --keepalive-timeout 0 --allow chap --user 'user{n}' --password soak \
  --duration "$DURATION" --json "$WORK/lac.json" --html "$WORK/lac.html" >"$WORK/lac.out" 2>"$WORK/lac.log" &
LAC_PID=$!

: >"$WORK/rss.tsv"
start=$SECONDS
while kill -0 "$LAC_PID" 2>/dev/null; do
  printf '%s\t%s\t%s\n' $((SECONDS - start)) "$(rss_kb "$LAC_PID")" "$(rss_kb "$LNS_PID")" >>"$WORK/rss.tsv"
  sleep "$SAMPLE"
done
wait "$LAC_PID" && lac_status=0 || lac_status=$?
LAC_PID=""
kill -TERM "$LNS_PID" 2>/dev/null || true
wait "$LNS_PID" || true
LNS_PID=""

status=0
python3 - "$WORK" "$DURATION" "$FLAT_PCT" "$lac_status" <<'PY' || status=$?
import json, sys
work, duration, flat_pct, lac_status = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
rows = [tuple(int(x) for x in l.split()) for l in open(f"{work}/rss.tsv") if l.strip()]
rows = [r for r in rows if r[1] > 0 and r[2] > 0]
print("  t(s)  LAC RSS (MiB)  LNS RSS (MiB)")
for t, lac, lns in rows:
    print(f"  {t:4d}  {lac / 1024:13.1f}  {lns / 1024:13.1f}")
lac = json.load(open(f"{work}/lac.json"))
lns = json.load(open(f"{work}/lns.json"))
c = lac.get("churn", {})
print(f"lac: {lac['sessions_attempted']} calls attempted, {lac['sessions_established']} established, "
      f"{lac['sessions_failed']} failed, {lac['sessions_closed']} cleared; {c.get('lifetimes_ended')} lifetimes "
      f"ended, {c.get('flaps')} flaps, {c.get('redials')} redials; ppp up {lac.get('sessions_ppp_up')}, "
      f"ppp failed {lac.get('ppp', {}).get('failed')}; exit status {lac_status}")
print(f"lns: {lns['sessions_established']} calls established, {lns['sessions_closed']} cleared")
for who, j in (("lac", lac), ("lns", lns)):
    for what, r in j.get("ppp", {}).get("restarts", {}).items():
        if r["ours"] or r["by_peer"]:
            print(f"{who}: {what} restarted in place {r['ours']} (by the peer {r['by_peer']}), {r['up']} back up, "
                  f"{r['failed']} failed, p50 {r['latency_ms'].get('p50')} ms p99 {r['latency_ms'].get('p99')} ms")
ups = [b["sessions_up"] for b in lac["timeline"]]
print(f"sessions up over the run: min {min(ups[5:-2] or [0])} max {max(ups)} (timeline of {len(ups)} s)")
warm = [r for r in rows if r[0] >= duration / 3]
ok = lac_status == 0 and lac["sessions_failed"] == 0 and lac.get("ppp", {}).get("failed", 0) == 0
for i, who in ((1, "lac"), (2, "lns")):
    if len(warm) < 2:
        print(f"{who}: too few samples after the warm-up")
        ok = False
        continue
    first, last, peak = warm[0][i], warm[-1][i], max(r[i] for r in warm)
    growth = 100.0 * (last - first) / first
    print(f"{who}: RSS after warm-up {first / 1024:.1f} MiB, at the end {last / 1024:.1f} MiB "
          f"({growth:+.1f}%), peak {peak / 1024:.1f} MiB")
    ok = ok and growth < flat_pct
print("RESULT: " + ("flat" if ok else "NOT FLAT or calls failed"))
sys.exit(0 if ok else 1)
PY
if [ $status = 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
exit $status
