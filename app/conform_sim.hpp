// conform --sim: the device under test is l2tpsim's own LNS or LAC on a simulated network in
// virtual time (scenarios/sim_bench.hpp). Here: its configuration, made by the option parsers
// of `l2tpsim lns` and `l2tpsim lac` from conform's own options and --sim-options, and the
// addresses the run uses when none were given.
#pragma once

#include <cstdint>
#include <string>

#include "scenarios/sim_bench.hpp"

namespace l2tpsim::app {

// The addresses of a simulated run when --target / --listen / --local-address are not given:
// documentation addresses (RFC 5737), which reach nothing real.
inline constexpr const char* kSimDutAddress = "192.0.2.1";
inline constexpr const char* kSimTesterAddress = "192.0.2.2";

struct SimOptions {
  std::string role;     // "lns" or "lac": the DUT's
  std::string options;  // --sim-options: more `l2tpsim lns|lac` options for it
  std::string dut;      // its address: --target (lns), or --target's address / kSimDutAddress (lac)
  std::string listen;   // lac: the tester LNS it dials
  std::string secret, user, password;
  std::uint64_t seed = 0;
};

// The DUT's configuration, as `l2tpsim lns|lac` would make it from the same options (the
// command line it stands for in `command`). Throws UsageError naming the option at fault, or
// what cannot be simulated.
l2tp::scenario::SimDut sim_dut(const SimOptions& o, std::string& command);

// "a b 'c d'" as words, as a shell would split them (quotes group, no expansion).
std::vector<std::string> split_words(const std::string& text);

}  // namespace l2tpsim::app
