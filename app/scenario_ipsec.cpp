// The IPsec phase of scenario runs. See scenario_ipsec.hpp.
#include "app/scenario_ipsec.hpp"

#include <algorithm>

#include "app/ipsec_options.hpp"

namespace l2tpsim::app {

namespace sc = l2tp::scenario;

std::vector<std::pair<std::string, std::string>> ipsec_options(const sc::RoleConfig& role) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& o : role.options)
    if (o.name == "use-ipsec" || o.name == "pcap-outer" || o.name.rfind("ipsec-", 0) == 0)
      out.emplace_back(o.name, o.value);
  return out;
}

std::optional<sc::ScenarioError> self_test_ipsec_clash(const sc::Scenario& s,
                                                       const l2tp::peers::RunnerConfig& lac,
                                                       const l2tp::peers::RunnerConfig& lns) {
  if (!s.lac || !s.lns || !lac.ipsec.settings.enabled() || !lns.ipsec.settings.enabled()) return std::nullopt;
  const auto* use = s.lac->find("use-ipsec");
  return sc::ScenarioError{use ? use->where : s.lac->where,
                           "use-ipsec in both blocks of a self-test: its LNS runs as a child process in "
                           "this network namespace, where the LNS's charon and the LAC's cannot share IKE's "
                           "UDP ports 500 and 4500; run the lns: side in another namespace or host and play "
                           "this file's lac: block against it (l2tpsim run FILE --target ADDR)"};
}

void within_ipsec(l2tp::peers::RunnerConfig& cfg, sc::Role tester,
                  const std::function<void(const l2tp::peers::RunnerConfig&)>& body) {
  bool ran = false;
  std::string why;
  run_with_ipsec(
      cfg, sc::to_string(tester),
      [&](const l2tp::peers::RunnerConfig& c) {
        ran = true;
        body(c);
        return 0;
      },
      &why);
  if (ran) return;
  for (const auto& l : cfg.local) cfg.ipsec.failed.emplace_back(l.addr, why);
  body(cfg);
}

std::optional<std::string> SuiteIpsec::add(const std::string& file, const sc::RoleConfig& block,
                                           const l2tp::peers::RunnerConfig& cfg) {
  auto options = ipsec_options(block);
  const bool enabled = cfg.ipsec.settings.enabled();
  if (first_) {
    first_ = false;
    file_ = file;
    options_ = std::move(options);
    if (enabled) phase_ = cfg;
    return std::nullopt;
  }
  if (!enabled && !phase_) return std::nullopt;
  if (enabled && phase_ && options == options_) {
    add_addresses(cfg.local);
    return std::nullopt;
  }
  auto text = [](const std::vector<std::pair<std::string, std::string>>& o, bool on) {
    std::string t;
    for (const auto& [name, value] : o) t += (t.empty() ? "" : ", ") + name + ": " + value;
    return on ? t : "no IPsec";
  };
  return file + ": its IPsec options (" + text(options, enabled) + ") differ from " + file_ + "'s (" +
         text(options_, phase_.has_value()) +
         "): the cases of one conform run share one IPsec phase, so they must name the same";
}

void SuiteIpsec::add_addresses(const std::vector<l2tp::net::Endpoint>& more) {
  if (!phase_) return;
  for (const auto& m : more)
    if (std::none_of(phase_->local.begin(), phase_->local.end(),
                     [&](const auto& l) { return l.addr == m.addr; }))
      phase_->local.push_back(m);
}

}  // namespace l2tpsim::app
