// Options `l2tpsim lac` and `l2tpsim lns` share (tunnel knobs, run control, output), and the
// value parsers behind them. Every bad value throws UsageError with a message that names the
// option; the commands print it and exit 2.
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/net/address.hpp"
#include "engine/wire/avp_value.hpp"
#include "peers/runner.hpp"

namespace l2tpsim::app {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What every command prints for a usage error, on stderr: "l2tpsim COMMAND: WHY" and where its
// options are explained. Returns 2, the exit status of bad usage.
int usage_error(const char* command, const std::string& why);

// "ADDR", "ADDR:PORT", "[V6]" or "[V6]:PORT"; `default_port` when none. IPv6 needs brackets
// ("::1:1701" is itself a valid address, so a bare form would be ambiguous).
l2tp::net::Endpoint parse_endpoint(const std::string& option, const std::string& text,
                                   std::uint16_t default_port);
std::uint64_t parse_uint(const std::string& option, const std::string& text, std::uint64_t min,
                         std::uint64_t max);
double parse_number(const std::string& option, const std::string& text, double min, double max);
// "assigned-tunnel-id,assigned-session-id" (names as RFC 2661 4.4 spells them, lower case
// with dashes), or "all" for every AVP RFC 2661 allows to be hidden.
std::vector<l2tp::AvpType> parse_hidden(const std::vector<std::string>& lists);
// The hideable AVP names, for help and error texts.
std::string hideable_avp_names();

// The address the kernel would send from to reach `peer` (a connected UDP socket, nothing sent).
l2tp::net::IpAddress default_source_for(const l2tp::net::Endpoint& peer);

class CommonOptions {
 public:
  // Adds the shared options to `opts`; `role` is "lac" or "lns" (it shapes defaults and help).
  void add_to(boost::program_options::options_description& opts, const std::string& role);
  // Checks the values and writes them into `cfg` (tunnel config, duration, outputs, seed).
  void apply(l2tp::peers::RunnerConfig& cfg) const;
  // --teardown-rate was given (the LAC defaults it to its --setup-rate).
  bool teardown_rate_given() const { return !teardown_rate_.empty(); }

 private:
  std::string secret_, keepalive_, window_, rto_initial_, rto_cap_, max_retries_, host_name_;
  std::string vendor_name_ = "l2tpsim", firmware_, framing_caps_, bearer_caps_;
  std::string batch_interval_, duration_, teardown_, teardown_rate_, json_, pcap_, seed_, threads_, html_;
  std::string stats_listen_;
  std::vector<std::string> hidden_;
  std::string hidden_padding_;
  bool progress_ = false, data_sequencing_ = false;
  std::string role_;
};

// Parses argv into `opts`. Returns the variables map; throws UsageError on unknown options or
// missing values.
boost::program_options::variables_map parse_command_line(
    int argc, char** argv, const boost::program_options::options_description& opts);

}  // namespace l2tpsim::app
