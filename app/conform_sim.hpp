// conform --sim and run --sim: the device under test is l2tpsim's own LNS or LAC on a simulated
// network in virtual time (scenarios/sim_bench.hpp). Here: its configuration, made by the option
// parsers of `l2tpsim lns` and `l2tpsim lac` from the command's own options and --sim-options,
// the addresses the run uses when none were given, the seed, the bench (its link and its start)
// and what the reports say of a simulated run: one place for both commands.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "reports/conformance_result.hpp"
#include "scenarios/sim_bench.hpp"

namespace l2tpsim::app {

// The addresses of a simulated run when --target / --listen / --local-address are not given:
// documentation addresses (RFC 5737), which reach nothing real.
inline constexpr const char* kSimDutAddress = "192.0.2.1";
inline constexpr const char* kSimTesterAddress = "192.0.2.2";
// Where virtual time starts, 2026-01-01T00:00:00Z: the same seed gives the same pcap, timestamps
// included.
inline const l2tp::Time kSimStart{std::chrono::seconds(1'767'225'600)};

struct SimOptions {
  std::string role;     // "lns" or "lac": the DUT's
  std::string options;  // --sim-options: more `l2tpsim lns|lac` options for it
  // Options of its own before those (run --sim of a self-test: the scenario's lns: block as
  // command-line words); the command's values below are added only where neither sets them.
  std::vector<std::string> base;
  std::string dut;     // its address: --target (lns), or --target's address / kSimDutAddress (lac)
  std::string listen;  // lac: the tester LNS it dials
  std::string secret, user, password;
  std::uint64_t seed = 0;
  // More of the command's values as (option, value) after those, each added only where neither
  // --sim-options nor `base` sets it; an empty value adds a switch (replay --sim: --tunnels,
  // --sessions, --duration, --no-ppp from the capture).
  std::vector<std::pair<std::string, std::string>> defaults;
};

// The DUT's configuration, as `l2tpsim lns|lac` would make it from the same options (the
// command line it stands for in `command`). Throws UsageError naming the option at fault, or
// what cannot be simulated.
l2tp::scenario::SimDut sim_dut(const SimOptions& o, std::string& command);

// --seed's value, or a random one (written back to `text`: a simulated run prints its seed, so
// it can be repeated).
std::uint64_t sim_seed(std::string& text);

// The simulated network of every run in virtual time unless told otherwise: 1 ms each way, no
// faults.
l2tp::sim::LinkConfig sim_link();

// The run's net and DUT: sim_link(), virtual time from 2026-01-01T00:00:00Z (the pcap's
// timestamps), so the same seed gives the same pcap.
std::unique_ptr<l2tp::scenario::SimBench> make_sim_bench(std::uint64_t seed, l2tp::scenario::SimDut dut);

// A simulated network as the reports say it: "2 ms each way, 5% lost, 1% reordered".
std::string network_text(const l2tp::sim::LinkConfig& link);

// What a report says of a simulated run: how, against which DUT (`command`), on which network,
// and the seed that repeats it.
std::string simulated_text(const std::string& dut_role, const std::string& command,
                           const std::string& seed_text, const l2tp::sim::LinkConfig& link = sim_link());

// Marks the suite simulated (how, and with which seed) and says why the DUT's liveness was not
// checked; prints the one-line note `<command>: simulated: ...`.
void mark_simulated(l2tp::reports::SuiteResult& suite, const std::string& dut_role,
                    const std::string& command, const std::string& seed_text, const std::string& who);

// "a b 'c d'" as words, as a shell would split them (quotes group, no expansion).
std::vector<std::string> split_words(const std::string& text);

}  // namespace l2tpsim::app
