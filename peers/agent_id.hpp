// Which agent of a run on many machines this process is (--agent I/N, issue 12): agent `index`
// (1-based) of `count`. Each agent runs its own disjoint slice of the run (peers/agent_slice.hpp)
// and writes its own JSON summary; `l2tpsim report merge` makes one run of them again.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace l2tp::peers {

struct AgentId {
  unsigned index = 1;  // 1..count
  unsigned count = 1;

  std::string to_string() const { return std::to_string(index) + "/" + std::to_string(count); }
};

// "I/N" with 1 <= I <= N <= kMaxAgents; nullopt with `error` saying what is wrong.
inline constexpr unsigned kMaxAgents = 4096;
std::optional<AgentId> parse_agent(const std::string& text, std::string& error);
// "VAR/N": I from the environment variable VAR, which holds a 0-based index (Kubernetes'
// JOB_COMPLETION_INDEX of an Indexed Job): agent VAR+1 of N. `env` looks a name up (getenv).
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
std::optional<AgentId> parse_agent_env(const std::string& text, const EnvLookup& env, std::string& error);

}  // namespace l2tp::peers
