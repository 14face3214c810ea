// libFuzzer target for the VICI codec (ipsec/vici_message): every packet charon could send us.
// Checked invariants: a packet that decodes re-encodes to exactly the same octets (the wire form
// is canonical: every name and value is length-prefixed, entries keep their order), and the
// re-encoded packet decodes again. Any broken invariant traps, so libFuzzer records the input.
//
// Seeds: tests/fuzz/vici_corpus. Run: tests/fuzz/run_fuzz.sh BUILD_DIR SECONDS vici_fuzz.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "ipsec/vici_message.hpp"

#define L2TP_FUZZ_CHECK(cond)                                                                \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "vici_fuzz: invariant broken at line %d: %s\n", __LINE__, #cond); \
      __builtin_trap();                                                                      \
    }                                                                                        \
  } while (0)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace l2tp::ipsec;
  const l2tp::Bytes in(data, size);
  auto p = decode_packet(in);
  if (!p) {
    (void)to_string(p.error());
    return 0;
  }
  auto again = encode_packet(*p);
  L2TP_FUZZ_CHECK(again.has_value());
  L2TP_FUZZ_CHECK(again->size() == size && std::equal(again->begin(), again->end(), data));
  auto second = decode_packet(*again);
  L2TP_FUZZ_CHECK(second.has_value() && second->type == p->type && second->name == p->name);
  return 0;
}
