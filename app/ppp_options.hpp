// The PPP options of `l2tpsim lac` and `l2tpsim lns`, named as RouterOS names them (max-mru,
// max-mtu, mrru, allow, authentication, default-profile, local-address, remote-address,
// dns-server) plus the test-tool ones (traffic, RADIUS, keepalive counts). Bad values throw
// UsageError naming the option.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "peers/runner.hpp"

namespace l2tpsim::app {

class PppOptions {
 public:
  void add_to(boost::program_options::options_description& opts, const std::string& role);
  // Fills cfg.ppp (and, for the LNS, cfg.make_authorizer). Reads the secrets file.
  void apply(l2tp::peers::RunnerConfig& cfg, const boost::program_options::variables_map& vm) const;

 private:
  std::string role_;
  bool no_ppp_ = false, ipv6_ = false, bcp_ = false, no_dns_ = false, no_response_repeat_ = false;
  std::string max_mru_ = "1450", max_mtu_ = "1450", mrru_, echo_interval_ = "1", echo_failures_ = "5";
  std::string lcp_restart_ = "3", max_configure_ = "10", max_failure_ = "5", max_terminate_ = "2";
  std::string session_records_ = "1000";
  // LAC
  std::string user_ = "l2tpsim", password_ = "l2tpsim", allow_ = "mschap2,mschap1,chap,pap";
  std::string traffic_, traffic_interval_ = "1", traffic_size_ = "56", traffic_target_;
  // LNS
  std::string authentication_ = "mschap2,mschap1,chap,pap", secrets_, default_profile_ = "default";
  std::string local_address_, remote_address_, dns_server_;
  std::string radius_, radius_secret_, radius_accounting_ = "yes", radius_interim_;
};

}  // namespace l2tpsim::app
