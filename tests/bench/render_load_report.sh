#!/usr/bin/env bash
# The load report as people see it: a run of TUNNELS x SESSIONS calls (default 200 x 100 =
# 20,000, CHAP + IPCP) from `l2tpsim lac` to `l2tpsim lns` on loopback, ramped, with flaps, and
# both --html reports rendered by headless Chromium into PNG screenshots. Checks, and exits 1
# when one fails:
#   - every call came up (the LAC's JSON);
#   - Chromium rendered each page (exit 0, a PNG of the full page);
#   - the screenshot shows the charts: the report's series colours cover a share of the pixels
#     (a page whose SVG did not paint, or a blank page, has none);
#   - the page fetched nothing (it is self-contained: no http(s) reference in it).
# The PNGs stay in the work directory (printed) for a person to look at.
#
#   tests/bench/render_load_report.sh BUILD_DIR
#   TUNNELS=20 SESSIONS=50 tests/bench/render_load_report.sh build     # a quick one
#
# Needs chromium (Debian package `chromium`), python3 and root (Chromium's --no-sandbox).
# Only loopback addresses are used (LNS 127.0.0.3, LAC 127.0.0.11-14); only the processes this
# script starts are signalled, by PID.
set -euo pipefail

BUILD=${1:?usage: render_load_report.sh BUILD_DIR}
BIN=$BUILD/l2tpsim
TUNNELS=${TUNNELS:-200}
SESSIONS=${SESSIONS:-100}
DURATION=${DURATION:-30}
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -x "$BIN" ] || { echo "no l2tpsim binary at $BIN" >&2; exit 2; }
[ -n "$CHROMIUM" ] || { echo "chromium is not installed (apt-get install chromium)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 2; }

WORK=$(mktemp -d /tmp/l2tpsim-render-XXXXXX)
PORT=$((20000 + RANDOM % 13000))
LNS_PID=""
cleanup() { [ -n "$LNS_PID" ] && kill -KILL "$LNS_PID" 2>/dev/null || true; }
trap cleanup EXIT

echo "== load: $TUNNELS tunnels x $SESSIONS calls, ramp 0:500,8s:3000, flaps, ${DURATION} s (work dir $WORK)"
"$BIN" lns --listen "127.0.0.3:$PORT" --authentication chap --user 'user{n}' --password load \
  --remote-address 10.64.0.2-10.127.255.254 --duration $((DURATION + 120)) \
  --json "$WORK/lns.json" --html "$WORK/lns.html" >"$WORK/lns.out" 2>"$WORK/lns.log" &
LNS_PID=$!
sleep 0.5
status=0
"$BIN" lac --connect-to "127.0.0.3:$PORT" --local-address 127.0.0.11 --local-address 127.0.0.12 \
  --local-address 127.0.0.13 --local-address 127.0.0.14 --tunnels "$TUNNELS" --sessions "$SESSIONS" \
  --ramp 0:500,8s:3000 --max-outstanding 2000 --flap 20 --allow chap --user 'user{n}' --password load \
  --duration "$DURATION" --json "$WORK/lac.json" --html "$WORK/lac.html" >"$WORK/lac.out" 2>"$WORK/lac.log" ||
  status=$?
kill -INT "$LNS_PID" 2>/dev/null || true
wait "$LNS_PID" || true
LNS_PID=""
# A flapping run that lasts --duration exits 0 or 1 (calls the flaps ended are counted once);
# anything else is a broken run.
[ "$status" -le 1 ] || { echo "l2tpsim lac exited $status:"; tail -n 20 "$WORK/lac.log"; exit 1; }

render() { # name: $WORK/NAME.html -> $WORK/NAME.png
  local name=$1
  # The flags a machine without network needs (no background fetches, no first-run, no GPU).
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$WORK/chromium-profile" --hide-scrollbars --window-size=1400,5200 \
    --screenshot="$WORK/$name.png" "file://$WORK/$name.html" >"$WORK/chromium-$name.log" 2>&1 || {
    echo "chromium failed on $name.html:"
    tail -n 20 "$WORK/chromium-$name.log"
    return 1
  }
}
render lac
render lns

python3 - "$WORK" <<'EOF'
import json, re, struct, sys, zlib

work = sys.argv[1]
failed = False

def check(ok, what):
    global failed
    print(("ok:   " if ok else "FAIL: ") + what)
    failed |= not ok

def png_pixels(path):
    """RGB(A) 8-bit PNG -> (width, height, rows of bytes, bytes per pixel)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype = ihdr[:4]
    assert depth == 8 and ctype in (2, 6), f"PNG depth {depth} colour type {ctype}"
    bpp = 3 if ctype == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, rows, bpp

lac = json.load(open(f"{work}/lac.json"))
up = lac.get("sessions_established", 0)
check(up >= lac.get("sessions_attempted", 1) * 0.99 and up > 0,
      f"LAC: {up} calls established of {lac.get('sessions_attempted')} attempted")

for name in ("lac", "lns"):
    html = open(f"{work}/{name}.html").read()
    check(not re.search(r"(src|href)=\"https?:", html), f"{name}.html fetches nothing")
    palette = set(re.findall(r"#[0-9a-fA-F]{6}", html))
    # Saturated colours only (chart series, verdict badges): text and grid lines are grey.
    colours = {rgb for rgb in (tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in palette)
               if max(rgb) - min(rgb) > 60}
    w, h, rows, bpp = png_pixels(f"{work}/{name}.png")
    total = hits = nonwhite = 0
    for row in rows[::2]:
        for x in range(0, w * bpp, bpp * 2):
            px = tuple(row[x:x + 3])
            total += 1
            nonwhite += px != (255, 255, 255)
            hits += px in colours
    check(w >= 1000 and h >= 1000, f"{name}.png is {w}x{h}")
    check(nonwhite / total > 0.05, f"{name}.png: {100 * nonwhite / total:.1f}% of the pixels are not white")
    check(hits / total > 0.005, f"{name}.png: {100 * hits / total:.2f}% of the pixels are the report's saturated "
          "colours (chart series, badges)")
    charts = html.count("<svg")
    check(charts >= 6, f"{name}.html holds {charts} charts")
    print(f"      screenshot: {work}/{name}.png")
sys.exit(1 if failed else 0)
EOF
