#include "peers/agent_slice.hpp"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <system_error>

#include "peers/runner.hpp"

namespace l2tp::peers {

namespace {

std::optional<unsigned> whole_number(const std::string& s) {
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// "A/B" into its two halves; false without exactly one '/'.
bool halves(const std::string& text, std::string& a, std::string& b) {
  const auto slash = text.find('/');
  if (slash == std::string::npos || text.find('/', slash + 1) != std::string::npos) return false;
  a = text.substr(0, slash);
  b = text.substr(slash + 1);
  return true;
}

std::optional<unsigned> agent_count(const std::string& n, const std::string& text, std::string& error) {
  const auto count = whole_number(n);
  if (!count || *count < 1 || *count > kMaxAgents) {
    error = "'" + text + "': N (the number of agents) must be 1 to " + std::to_string(kMaxAgents);
    return std::nullopt;
  }
  return count;
}

}  // namespace

std::optional<AgentId> parse_agent(const std::string& text, std::string& error) {
  std::string i, n;
  if (!halves(text, i, n)) {
    error = "'" + text + "' is not I/N (part I of N, 1-based: 1/4 ... 4/4)";
    return std::nullopt;
  }
  const auto count = agent_count(n, text, error);
  if (!count) return std::nullopt;
  const auto index = whole_number(i);
  if (!index || *index < 1 || *index > *count) {
    error = "'" + text + "': I must be 1 to " + std::to_string(*count) + " (counted from 1)";
    return std::nullopt;
  }
  return AgentId{*index, *count};
}

std::optional<AgentId> parse_agent_env(const std::string& text, const EnvLookup& env, std::string& error) {
  std::string var, n;
  if (!halves(text, var, n) || var.empty()) {
    error = "'" + text + "' is not VAR/N (e.g. JOB_COMPLETION_INDEX/4)";
    return std::nullopt;
  }
  const auto count = agent_count(n, text, error);
  if (!count) return std::nullopt;
  const auto value = env(var);
  if (!value) {
    error = "'" + text + "': the environment variable " + var + " is not set";
    return std::nullopt;
  }
  const auto index0 = whole_number(*value);
  if (!index0 || *index0 >= *count) {
    error =
        "'" + text + "': " + var + "=" + *value + " is not a 0-based index below " + std::to_string(*count);
    return std::nullopt;
  }
  return AgentId{*index0 + 1, *count};
}

Share share_of(std::uint64_t total, unsigned index0, unsigned parts) {
  if (parts == 0) return {};
  const std::uint64_t base = total / parts, extra = total % parts;
  return Share{index0 * base + std::min<std::uint64_t>(index0, extra), base + (index0 < extra ? 1 : 0)};
}

std::optional<AgentPlan> plan_agent(AgentId a, unsigned tunnels, unsigned sessions_per_tunnel,
                                    std::size_t addresses, std::string& error) {
  const std::string who = "--agent " + a.to_string() + ": ";
  if (a.count == 0 || a.index < 1 || a.index > a.count) {
    error = who + "not an agent of the run";
    return std::nullopt;
  }
  const unsigned i = a.index - 1;
  if (tunnels < a.count) {
    error = who + "--tunnels " + std::to_string(tunnels) + " leaves agent " + std::to_string(a.index) +
            " no tunnel; every agent needs one (at most " + std::to_string(tunnels) +
            " agents, or more tunnels)";
    return std::nullopt;
  }
  if (addresses > 0 && addresses < a.count) {
    error = who + std::to_string(addresses) + " --local-address value(s) cannot be split over " +
            std::to_string(a.count) + " agents: give each agent its own (at least " +
            std::to_string(a.count) + "), or none to let each agent send from its host's own address";
    return std::nullopt;
  }
  AgentPlan p;
  p.tunnels = share_of(tunnels, i, a.count);
  p.calls = Share{p.tunnels.first * sessions_per_tunnel, p.tunnels.count * sessions_per_tunnel};
  if (addresses > 0) p.addresses = share_of(addresses, i, a.count);
  const Share ids = share_of(65535, i, a.count);
  p.tunnel_id_low = static_cast<std::uint16_t>(ids.first + 1);
  p.tunnel_id_high = static_cast<std::uint16_t>(ids.first + ids.count);
  if (p.tunnels.count > ids.count) {
    error = who + std::to_string(p.tunnels.count) + " tunnels do not fit its " + std::to_string(ids.count) +
            " Tunnel IDs (65535 over " + std::to_string(a.count) + " agents)";
    return std::nullopt;
  }
  p.share = static_cast<double>(p.tunnels.count) / tunnels;
  return p;
}

std::optional<RunnerConfig> agent_config(const RunnerConfig& whole, AgentId a, std::string& error) {
  const auto plan = plan_agent(a, whole.tunnels, whole.sessions_per_tunnel, whole.local.size(), error);
  if (!plan) return std::nullopt;
  const std::string who = "--agent " + a.to_string() + ": ";
  if (whole.max_outstanding != 0 && whole.max_outstanding < a.count) {
    error = who + "--max-outstanding " + std::to_string(whole.max_outstanding) + " cannot be split over " +
            std::to_string(a.count) + " agents (each needs at least 1)";
    return std::nullopt;
  }
  RunnerConfig c = whole;
  c.agent = a;
  c.tunnels = static_cast<unsigned>(plan->tunnels.count);
  c.setup_rate = whole.setup_rate * plan->share;
  c.teardown_rate = whole.teardown_rate * plan->share;
  if (whole.ramp) c.ramp = whole.ramp->scaled(plan->share);
  if (whole.max_outstanding) c.max_outstanding = share_of(whole.max_outstanding, a.index - 1, a.count).count;
  c.churn.flap_rate = whole.churn.flap_rate * plan->share;
  if (plan->addresses.count > 0) {
    const auto from = static_cast<std::ptrdiff_t>(plan->addresses.first);
    const auto to = from + static_cast<std::ptrdiff_t>(plan->addresses.count);
    c.local.assign(whole.local.begin() + from, whole.local.begin() + to);
    if (whole.local_port_preferred.size() == whole.local.size())
      c.local_port_preferred.assign(whole.local_port_preferred.begin() + from,
                                    whole.local_port_preferred.begin() + to);
  }
  const std::uint64_t all_calls = std::uint64_t{whole.tunnels} * whole.sessions_per_tunnel;
  c.ppp.call_numbers =
      CallNumbers::whole(all_calls).part(plan->calls.first, plan->calls.count, a.index - 1, a.count);
  c.node.tunnel_id_low = plan->tunnel_id_low;
  c.node.tunnel_id_high = plan->tunnel_id_high;
  // Each agent its own random stream (Random Vectors, challenges), from the one --seed.
  c.seed = whole.seed + (a.index - 1) * 0xD1B54A32D192ED03ULL;
  return c;
}

}  // namespace l2tp::peers
