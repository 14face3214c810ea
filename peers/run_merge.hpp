// `l2tpsim report merge`: the JSON summaries of several runs of one side (the agents of a run on
// many machines, --agent I/N) made into one summary, as if one run had done all of it:
//
// - counters add (calls, tunnels, failures by phase and code, retransmissions, datagrams, PPP);
//   settings every agent shares stay as they are; rates that ran side by side add;
// - histograms merge bucket by bucket (LatencyHistogram::merge), and the *_latency_ms
//   percentiles are read again from the merged histograms: never an average of percentiles;
// - timelines merge on absolute time: each summary's second 0 is `origin_unix_ms`, and an
//   agent's seconds go to the merged second nearest to them (the merged second 0 is the
//   earliest origin); counts add, levels (sessions and tunnels up) add with each agent's level
//   carried before its first second (0) and after its last;
// - lists (failures, violations, sessions) are joined, each entry tagged with its `agent`, up
//   to the limits a single run keeps;
// - `agents` lists every input: its file, agent, options, seed, origin, peer identity and main
//   figures; the merged summary's `merged_from` counts them.
//
// Inputs must be l2tpsim lac or lns summaries of one role and of the same `summary_schema`.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace l2tp::peers {

struct NamedSummary {
  std::string name;  // where it came from (the file), for messages and `agents`
  nlohmann::json summary;
};

// Checks one input: nullopt when it is a summary `report merge` can read, else why not
// (naming it).
std::optional<std::string> summary_problem(const NamedSummary& s);

// The merged summary; nullopt with `error` when the inputs are unfit (see summary_problem, a
// mix of roles or schemas, one agent given twice). `warnings` gets what is odd but mergeable
// (agents of a run missing).
std::optional<nlohmann::json> merge_summaries(const std::vector<NamedSummary>& inputs, std::string& error,
                                              std::vector<std::string>& warnings);

}  // namespace l2tp::peers
