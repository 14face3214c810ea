// libFuzzer target for the PPP engine: parse_frame, parse_packet and option lists on raw
// bytes, then the same bytes cut into packets and fed to live LCP and IPCP automata (opened
// first, so every state's handling is reachable), interleaved with timer expiries. Invariants:
// views stay inside the input, every packet an automaton emits parses back with a Length that
// fits the peer's MRU where the RFC demands it, and the automata never loop (each input is
// followed by a bounded drain). Any broken invariant traps, so libFuzzer records the input.
//
// Run: tests/fuzz/run_fuzz.sh BUILD_DIR SECONDS ppp_fuzz
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "engine/ppp/frame.hpp"
#include "engine/ppp/ipcp.hpp"
#include "engine/ppp/lcp.hpp"
#include "engine/ppp/options.hpp"
#include "engine/util/rng.hpp"

namespace l2tp::ppp {
namespace {

#define L2TP_FUZZ_CHECK(cond)                                                               \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      std::fprintf(stderr, "ppp_fuzz: invariant broken at line %d: %s\n", __LINE__, #cond); \
      __builtin_trap();                                                                     \
    }                                                                                       \
  } while (0)

bool inside(Bytes part, Bytes whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void check_codecs(Bytes in) {
  if (auto f = parse_frame(in)) {
    L2TP_FUZZ_CHECK(inside(f->payload, in));
    Buffer out;
    write_frame(out, f->protocol, f->payload);
    auto again = parse_frame(out);
    L2TP_FUZZ_CHECK(again.has_value() && again->protocol == f->protocol &&
                    again->payload.size() == f->payload.size());
  }
  if (auto p = parse_packet(in)) {
    L2TP_FUZZ_CHECK(inside(p->data, in));
    L2TP_FUZZ_CHECK(p->data.size() + 4 <= in.size());
    if (auto opts = parse_options(p->data)) {
      std::size_t total = 0;
      for (const auto& o : *opts) {
        L2TP_FUZZ_CHECK(inside(o.raw, p->data) && o.raw.size() == o.value.size() + 2);
        total += o.raw.size();
      }
      L2TP_FUZZ_CHECK(total == p->data.size());
      L2TP_FUZZ_CHECK(is_option_subsequence(p->data, p->data));
    }
  }
}

// Everything queued leaves as well-formed packets; returns how many.
int drain(Automaton& a, std::uint16_t mru_limit) {
  int n = 0;
  Buffer b;
  while (a.poll_transmit(b)) {
    auto p = parse_packet(b);
    L2TP_FUZZ_CHECK(p.has_value());
    L2TP_FUZZ_CHECK(p->data.size() + 4 == b.size());
    // P023/P039/P041: what we generate from the peer's bytes fits its MRU.
    if (p->code == Code::CodeRej || p->code == Code::EchoRep || p->code == Code::ProtoRej)
      L2TP_FUZZ_CHECK(b.size() <= mru_limit);
    L2TP_FUZZ_CHECK(++n < 64);
  }
  while (a.poll_event()) {
  }
  return n;
}

template <typename Cp>
void open(Cp& cp, Automaton& a, Time now, Bytes peer_request) {
  a.open(now);
  a.up(now);
  Buffer b, req;
  while (a.poll_transmit(b))
    if (b[0] == 1) req = b;
  req[0] = static_cast<std::uint8_t>(Code::ConfAck);
  a.handle_packet(req, now);
  Buffer cr;
  write_packet(cr, Code::ConfReq, 0x10, peer_request);
  a.handle_packet(cr, now);
  (void)cp;
}

}  // namespace
}  // namespace l2tp::ppp

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace l2tp;
  using namespace l2tp::ppp;
  const Bytes in(data, size);
  check_codecs(in);

  SeededRng rng(size);
  LcpConfig lcfg;
  lcfg.require_auth = {kAuthMsChapV2, kAuthPap};
  lcfg.accept_auth = {kAuthChapMd5};
  lcfg.mrru = 1600;
  Lcp lcp(lcfg, rng);
  IpcpConfig icfg;
  icfg.local = net::IpAddress::v4(10, 0, 0, 1);
  icfg.peer = net::IpAddress::v4(10, 0, 0, 2);
  icfg.dns1 = net::IpAddress::v4(8, 8, 8, 8);
  Ipcp ipcp(icfg);
  Time now{};
  const std::uint8_t small_mru[] = {1, 4, 0, 64};  // the peer receives 64 octets
  open(lcp, lcp.automaton(), now, small_mru);
  const std::uint8_t peer_address[] = {3, 6, 10, 0, 0, 2};
  open(ipcp, ipcp.automaton(), now, peer_address);
  ipcp.automaton().set_peer_mru(lcp.peer_mru());
  L2TP_FUZZ_CHECK(lcp.automaton().opened() && ipcp.automaton().opened());
  L2TP_FUZZ_CHECK(lcp.peer_mru() == 64);

  // Input layout: [selector][len][bytes...] repeated. Selector bit 0 picks the automaton,
  // bit 1 fires the timer first, bit 2 sends an echo, bit 3 closes, bit 4 reopens.
  Reader r(in);
  int steps = 0;
  std::uint8_t sel = 0, len = 0;
  while (r.u8(sel) && r.u8(len) && ++steps < 256) {
    Bytes chunk;
    if (!r.bytes(std::min<std::size_t>(len, r.remaining()), chunk)) break;
    Automaton& a = (sel & 1) ? ipcp.automaton() : lcp.automaton();
    if (sel & 2) {
      if (auto t = a.poll_timeout()) {
        now = std::max(now, *t);
        a.handle_timeout(now);
        // Firing the Restart timer leaves no deadline at or before now.
        if (auto next = a.poll_timeout()) L2TP_FUZZ_CHECK(*next > now);
      }
    }
    if (sel & 4) (void)lcp.send_echo_request(chunk);
    if (sel & 8) a.close(now, "fuzz");
    if (sel & 16) {
      a.open(now);
      a.up(now);
    }
    a.handle_packet(chunk, now);
    // Before a renegotiation completes the automaton still uses the last negotiated MRU.
    const auto limit = std::max(lcp.peer_mru(), lcp.automaton().peer_mru());
    drain(lcp.automaton(), limit);
    drain(ipcp.automaton(), std::max(limit, ipcp.automaton().peer_mru()));
    while (lcp.poll_notice()) {
    }
    // A timer runs exactly in the states that have TO events (RFC 1661 4.1).
    for (Automaton* x : {&lcp.automaton(), &ipcp.automaton()}) {
      const State st = x->state();
      const bool timed = st == State::Closing || st == State::Stopping || st == State::ReqSent ||
                         st == State::AckRcvd || st == State::AckSent;
      L2TP_FUZZ_CHECK(x->poll_timeout().has_value() == timed);
    }
  }
  // Whatever happened, the automata wind down: at most max-configure/max-terminate timeouts.
  for (int i = 0; i < 64; ++i) {
    auto t1 = lcp.automaton().poll_timeout();
    auto t2 = ipcp.automaton().poll_timeout();
    if (!t1 && !t2) break;
    now = std::max(t1.value_or(now), t2.value_or(now));
    lcp.automaton().handle_timeout(now);
    ipcp.automaton().handle_timeout(now);
    drain(lcp.automaton(), 0xFFFF);
    drain(ipcp.automaton(), 0xFFFF);
    L2TP_FUZZ_CHECK(i < 40);
  }
  return 0;
}
