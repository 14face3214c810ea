// libFuzzer target for everything that reads a peer's bytes: decode_header, decode_control (with
// and without the secret), decode_data, the stateless checker, reports::analyse and its JSON and
// text renderings. Decoded control messages are re-encoded and must decode again to the same
// header and AVP list; a second encode of that must give the same bytes (once no AVP needs a
// secret we do not have). Any broken invariant traps, so libFuzzer records the input.
//
// Seeds: tests/fuzz/corpus. Run: tests/fuzz/run_fuzz.sh BUILD_DIR SECONDS.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "engine/util/bytes.hpp"
#include "engine/wire/checker.hpp"
#include "engine/wire/header.hpp"
#include "engine/wire/message.hpp"
#include "reports/packet_record.hpp"
#include "tests/support/sample_messages.hpp"

namespace l2tp {
namespace {

// Says which invariant broke (libFuzzer keeps stderr), then traps.
#define L2TP_FUZZ_CHECK(cond)                                                                  \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      std::fprintf(stderr, "decode_fuzz: invariant broken at line %d: %s\n", __LINE__, #cond); \
      __builtin_trap();                                                                        \
    }                                                                                          \
  } while (0)

bool same_header(const wire::Header& a, const wire::Header& b) {
  return a.control == b.control && a.has_length == b.has_length && a.has_sequence == b.has_sequence &&
         a.has_offset == b.has_offset && a.priority == b.priority && a.reserved_bits == b.reserved_bits &&
         a.version == b.version && a.tunnel == b.tunnel && a.session == b.session &&
         (!a.has_sequence || (a.ns == b.ns && a.nr == b.nr)) &&
         (!a.has_offset || a.offset_size == b.offset_size);
}

// Whether every hidden AVP of `m` was revealed, so re-hiding it gives back the same plaintext.
bool all_hidden_revealed(const wire::ControlMessage& m) {
  for (const auto& a : m.avps)
    if (a.hidden && a.hidden_state != wire::HiddenState::Revealed) return false;
  return true;
}

void round_trip(wire::ControlMessage m, std::optional<Bytes> secret) {
  // Decode records the reserved AVP flag bits as a fact (Avp::reserved_bits); the encoder writes
  // only the fault knob, so carry them over to get the same bits back (the header's reserved
  // bits are one field for both).
  for (auto& a : m.avps) a.fault.reserved_bits = a.reserved_bits;
  wire::EncodeOptions opt;
  if (secret) opt.secret = *secret;
  Buffer first;
  if (!wire::encode_control(m, opt, first)) return;  // AVP or message too long once re-hidden
  auto again = wire::decode_control(first, secret);
  L2TP_FUZZ_CHECK(again.has_value());
  const wire::ControlMessage& m2 = *again;
  L2TP_FUZZ_CHECK(same_header(m.header, m2.header));
  L2TP_FUZZ_CHECK(m2.header.trailing == 0);
  L2TP_FUZZ_CHECK(m2.avps.size() == m.avps.size());
  for (std::size_t i = 0; i < m.avps.size(); ++i) {
    const wire::Avp& a = m.avps[i];
    const wire::Avp& b = m2.avps[i];
    L2TP_FUZZ_CHECK(a.vendor == b.vendor && a.type == b.type);
    L2TP_FUZZ_CHECK(a.mandatory == b.mandatory && a.hidden == b.hidden && a.reserved_bits == b.reserved_bits);
    if (!a.hidden) L2TP_FUZZ_CHECK(a.value == b.value);
  }
  L2TP_FUZZ_CHECK(m.message_type() == m2.message_type());
  (void)wire::check_control(m2, first.size());

  // The encoder's output is a fixed point once nothing is left concealed.
  if (!all_hidden_revealed(m2) || !all_hidden_revealed(m)) return;
  wire::ControlMessage copy = m2;
  for (auto& a : copy.avps) a.fault.reserved_bits = a.reserved_bits;
  Buffer second;
  L2TP_FUZZ_CHECK(wire::encode_control(copy, opt, second).has_value());
  L2TP_FUZZ_CHECK(second == first);
}

void analyse_and_render(Bytes payload, std::optional<Bytes> secret, bool truncated) {
  reports::PacketInput in;
  in.frame = 1;
  in.src = "192.0.2.1:1701";
  in.dst = "192.0.2.2:1701";
  in.src_addr = "192.0.2.1";
  in.dst_addr = "192.0.2.2";
  in.payload = payload;
  in.truncated = truncated;
  const auto r = reports::analyse(in, secret);
  const std::string json = reports::to_json(r).dump();
  L2TP_FUZZ_CHECK(!json.empty());
  const std::string text = reports::to_text(r, 0, true);
  L2TP_FUZZ_CHECK(!text.empty());
  (void)reports::message_name(r);
}

}  // namespace
}  // namespace l2tp

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace l2tp;
  const Bytes dgram(data, size);
  const Bytes secret = as_bytes(testing::kTestSecret);

  const auto header = wire::decode_header(dgram);
  if (header) {
    // The payload view the header promises is in bounds.
    L2TP_FUZZ_CHECK(header->header_size <= dgram.size());
    if (header->has_length) {
      L2TP_FUZZ_CHECK(header->length >= header->header_size && header->length <= dgram.size());
      L2TP_FUZZ_CHECK(header->trailing == dgram.size() - header->length);
    }
  }

  for (const std::optional<Bytes> key : {std::optional<Bytes>(), std::optional<Bytes>(secret)}) {
    const auto msg = wire::decode_control(dgram, key);
    if (msg) {
      L2TP_FUZZ_CHECK(header.has_value());
      (void)wire::check_control(*msg, dgram.size());
      round_trip(*msg, key);
    }
  }

  const auto data_msg = wire::decode_data(dgram);
  if (data_msg) {
    L2TP_FUZZ_CHECK(header.has_value());
    L2TP_FUZZ_CHECK(data_msg->ppp.data() >= dgram.data() &&
                    data_msg->ppp.data() + data_msg->ppp.size() <= dgram.data() + dgram.size());
    (void)wire::check_data(data_msg->header, dgram.size());
    // Re-encoding the data message gives a datagram that decodes to the same header and frame.
    Buffer out;
    if (wire::encode_data(data_msg->header, data_msg->ppp, out)) {
      const auto again = wire::decode_data(out);
      L2TP_FUZZ_CHECK(again.has_value());
      L2TP_FUZZ_CHECK(l2tp::same_header(data_msg->header, again->header));
      L2TP_FUZZ_CHECK(again->ppp.size() == data_msg->ppp.size() &&
                      std::equal(again->ppp.begin(), again->ppp.end(), data_msg->ppp.begin()));
    }
  }

  l2tp::analyse_and_render(dgram, std::nullopt, false);
  l2tp::analyse_and_render(dgram, secret, size % 2 == 1);
  return 0;
}
