// libFuzzer target for the RADIUS side of l2tpsim: everything that reads a server's bytes.
// Each input is tried twice: as a datagram exactly as received, and as the attributes of a
// well-formed header (so seeds that are not RADIUS still exercise the attribute walk). Checked
// invariants: a decoded packet re-encodes to exactly its Length octets; a packet signed as a
// response or a request verifies; the client fed a forged answer keeps its request, and fed the
// same answer properly signed ends it exactly when the code answers an Access-Request. Any
// broken invariant traps, so libFuzzer records the input.
//
// Seeds: tests/fuzz/corpus. Run: tests/fuzz/run_fuzz.sh BUILD_DIR SECONDS radius_fuzz.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iterator>

#include "engine/radius/access.hpp"
#include "engine/radius/authenticators.hpp"
#include "engine/radius/client.hpp"

namespace l2tp::radius {
namespace {

#define L2TP_FUZZ_CHECK(cond)                                                                  \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      std::fprintf(stderr, "radius_fuzz: invariant broken at line %d: %s\n", __LINE__, #cond); \
      __builtin_trap();                                                                        \
    }                                                                                          \
  } while (0)

constexpr std::string_view kSecret = "fuzz-secret";
constexpr ppp::auth::Method kMethods[] = {ppp::auth::Method::Pap, ppp::auth::Method::ChapMd5,
                                          ppp::auth::Method::MsChapV1, ppp::auth::Method::MsChapV2};

void codec(Bytes dgram) {
  auto p = decode(dgram);
  if (!p) {
    (void)describe(p.error());
    return;
  }
  const std::size_t length = (std::size_t{dgram[2]} << 8) | dgram[3];
  auto again = encode(*p);
  L2TP_FUZZ_CHECK(again.has_value());
  L2TP_FUZZ_CHECK(Bytes(*again).size() == length);
  L2TP_FUZZ_CHECK(std::equal(again->begin(), again->end(), dgram.begin()));

  for (const Attribute* vsa : p->find_all(AttrType::VendorSpecific)) (void)decode_vendor(vsa->value);
  if (const Attribute* pw = p->find(AttrType::UserPassword))
    (void)unhide_password(pw->value, kSecret, p->authenticator);
  for (auto m : kMethods) {
    const AuthResult r = interpret_access_response(*p, m);
    L2TP_FUZZ_CHECK(r.verdict.accepted == (r.status == AuthStatus::Accepted));
  }

  const Authenticator request_auth{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  (void)verify_response(dgram, request_auth, kSecret, false);
  (void)verify_request(dgram, kSecret);
  Buffer response = *again;
  if (sign_response(response, request_auth, kSecret)) {
    L2TP_FUZZ_CHECK(verify_response(response, request_auth, kSecret, false).has_value());
  }
  Buffer request = *again;
  if (sign_request(request, kSecret)) {
    L2TP_FUZZ_CHECK(verify_request(request, kSecret).has_value());
  }
}

// A client with one Access-Request outstanding, answered with the fuzzed packet: first as it
// came (its authenticator cannot be right), then re-addressed and signed for that request.
void client(Bytes dgram) {
  auto p = decode(dgram);
  if (!p) return;
  SeededRng rng(1);
  const net::Endpoint server{net::IpAddress::v4(127, 0, 0, 1), 1812};
  Client c({server, {server.addr, 1813}, std::string(kSecret)}, {}, rng);
  ppp::auth::Credentials cred;
  cred.method = kMethods[p->identifier % 4];
  cred.user = "fuzz";
  cred.chap_id = 1;
  const bool v1 = cred.method == ppp::auth::Method::MsChapV1;
  cred.challenge = Buffer(v1 ? 8 : 16, 0x5a);
  cred.response = Buffer(cred.method == ppp::auth::Method::ChapMd5 ? 16 : 49, 0xa5);
  RequestContext ctx;
  ctx.nas_identifier = "fuzz";
  const Time now = time_from_ns(0);
  c.authenticate(7, cred, ctx, now);
  auto sent = c.poll_transmit();
  L2TP_FUZZ_CHECK(sent.has_value());
  const auto request = decode(sent->data);
  L2TP_FUZZ_CHECK(request.has_value());

  c.handle_datagram(server, dgram, now);
  L2TP_FUZZ_CHECK(!c.poll_event().has_value());  // a 1 in 2^128 forgery aside
  L2TP_FUZZ_CHECK(c.pending() == 1);

  Packet answer = *p;
  answer.identifier = request->identifier;
  Buffer wire = *encode(answer);
  if (!sign_response(wire, request->authenticator, kSecret)) return;  // malformed Message-Authenticator
  c.handle_datagram(server, wire, now);
  const bool answers =
      p->code == Code::AccessAccept || p->code == Code::AccessReject || p->code == Code::AccessChallenge;
  auto ev = c.poll_event();
  L2TP_FUZZ_CHECK(ev.has_value() == answers);
  L2TP_FUZZ_CHECK(c.pending() == (answers ? 0u : 1u));
  if (ev) L2TP_FUZZ_CHECK(std::get<AuthDone>(*ev).token == 7);
}

}  // namespace
}  // namespace l2tp::radius

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace l2tp;
  const Bytes raw(data, size);
  radius::codec(raw);
  radius::client(raw);
  if (size < 1) return 0;
  // The same bytes as attributes behind a valid header; the first octet picks the code.
  static constexpr radius::Code kCodes[] = {radius::Code::AccessAccept,    radius::Code::AccessReject,
                                            radius::Code::AccessChallenge, radius::Code::AccountingResponse,
                                            radius::Code::AccessRequest,   radius::Code::AccountingRequest};
  const std::size_t body = std::min(size - 1, radius::kMaxPacketSize - radius::kHeaderSize);
  Buffer framed(radius::kHeaderSize, 0);
  framed[0] = static_cast<std::uint8_t>(kCodes[data[0] % std::size(kCodes)]);
  framed[1] = data[0];
  framed[2] = static_cast<std::uint8_t>((radius::kHeaderSize + body) >> 8);
  framed[3] = static_cast<std::uint8_t>(radius::kHeaderSize + body);
  framed.insert(framed.end(), data + 1, data + 1 + body);
  radius::codec(framed);
  radius::client(framed);
  return 0;
}
