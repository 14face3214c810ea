// Scenario files and the fault layer under a fuzzer. The first octet picks the target: even,
// the rest is a scenario file (it parses or gives an error with a place, never a crash); odd,
// the rest is a datagram pushed through one fault rule of every action both ways, checking that
// what comes out stays within what the rule can add.
#include <cstddef>
#include <cstdint>
#include <string>

#include "scenarios/fault.hpp"
#include "scenarios/parser.hpp"

namespace {

using namespace l2tp;
using namespace l2tp::scenario;

std::vector<FaultRule> every_action() {
  std::vector<FaultRule> rules;
  auto add = [&](FaultAction a, const std::string& message) {
    FaultRule r;
    r.action = a;
    r.match.message = message;
    r.delay = std::chrono::milliseconds(10);
    r.avp.type = 9;
    r.avp.value = Buffer{1, 2, 3};
    r.avp.length_field = 5;
    r.header.ns = 7;
    r.header.length_field = 3;
    r.corrupt_offset = 3;
    r.corrupt_bytes = 40;
    r.truncate_to = 9;
    r.copies = 2;
    rules.push_back(r);
  };
  // Each action on one kind of datagram, so every one of them gets exercised.
  add(FaultAction::AddAvp, "SCCRQ");
  add(FaultAction::RemoveAvp, "SCCRP");
  add(FaultAction::AlterAvp, "ICRQ");
  add(FaultAction::AlterHeader, "ZLB");
  add(FaultAction::Corrupt, "data");
  add(FaultAction::Truncate, "control");
  add(FaultAction::Duplicate, "CDN");
  add(FaultAction::Reorder, "");
  return rules;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Bytes rest(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    const std::string text(rest.begin(), rest.end());
    auto s = parse_scenario(text, "fuzz.yaml", {{"secret", "s"}});
    if (!s && s.error().where.file != "fuzz.yaml") __builtin_trap();
    return 0;
  }
  FaultLayer layer(every_action());
  Time now{};
  for (auto dir : {Direction::Out, Direction::In}) {
    layer.handle(Datagram{dir, {}, {}, Buffer(rest.begin(), rest.end())}, now);
  }
  std::size_t out = 0;
  for (int step = 0; step < 4; ++step) {
    while (auto d = layer.poll(now)) {
      ++out;
      // An added AVP brings at most its header and value; nothing else grows a datagram.
      if (d->bytes.size() > rest.size() + 6 + 3) __builtin_trap();
    }
    if (auto t = layer.poll_timeout()) now = *t;
  }
  if (out > 2 * 3) __builtin_trap();  // two datagrams, each at most three times (Duplicate 2)
  return 0;
}
