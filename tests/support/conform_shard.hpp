// A part of the bundled conformance suite (`l2tpsim conform --shard I/N`), for the interop tests
// that split one long suite run against a peer into parts that run at once, each against its own
// peer instance: CI's interop stage waits on its longest test.
#pragma once

#include <set>
#include <string>

namespace l2tp::testing {

struct Shard {
  int index = 1, count = 1;
  std::string arg() const { return std::to_string(index) + "/" + std::to_string(count); }
};

// The case IDs `l2tpsim conform --list --dut-role ROLE` names (with a shard: that shard's).
// A failed listing is a test failure and an empty set.
std::set<std::string> listed_cases(const std::string& role, const Shard* shard);

}  // namespace l2tp::testing
