// How a LAC or LNS run reports: a one-line live status, a human summary at the end, and the
// JSON summary object written by --json.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "peers/passive_checker.hpp"
#include "peers/run_stats.hpp"
#include "peers/udp_transport.hpp"

namespace l2tp::peers {

struct RunSummary {
  std::string role;  // "lac" or "lns"
  std::uint64_t seed = 0;
  double duration_s = 0;     // the whole run, first socket to exit
  double setup_s = 0;        // first session attempt to the last session up
  double teardown_s = 0;     // teardown start to the last tunnel closed (or the bound)
  bool torn_down = true;     // every tunnel closed within the bound
  bool interrupted = false;  // a second signal cut the teardown short
  control::ChannelStats channel;
  NodeStats node;
  TransportStats transport;
  std::uint64_t pcap_frames = 0;
  std::vector<CheckedViolation> violations;  // the first ones the passive checker found
  // LAC: where the SCCRQs went, from where, and how often a tunnel sends each control message
  // before it gives up (1 + --max-retries); they explain unanswered SCCRQs. Empty for the LNS.
  std::string peer;
  std::vector<net::Endpoint> local;
  unsigned sends_per_message = 0;
  // Real time: --batch-interval. While busy a shard reads what arrived once per interval, so a
  // latency counts up to one interval of our own wait per message received; the summary says
  // so. 0 in virtual time or without batching.
  double batch_interval_ms = 0;
};

// LAC: tunnels whose SCCRQ went unanswered, in plain words: "no answer from ADDR:PORT to N
// SCCRQs", and the likely causes (below). Empty when every SCCRQ got an answer.
std::string unanswered_message(const RunStats& s, const RunSummary& r);
std::vector<std::string> unanswered_causes(const RunSummary& r);

// Established sessions per second over the setup phase (0 before any).
double setup_rate(const RunStats& s);
std::string describe(const Failure& f);
std::string status_line(const RunStats& s, double elapsed_s, double recent_rate);
// The same, with the PPP and half-open parts, from counts summed over shards.
std::string status_line(const StatusCounts& c, double elapsed_s, double recent_rate);
std::string to_text(const RunStats& s, const RunSummary& r);
nlohmann::json to_json(const RunStats& s, const RunSummary& r);

// A latency histogram in the JSON summary: {count, p50, p90, p99, max} in milliseconds (the
// *_latency_ms keys), and whole, with its buckets in microseconds (`histograms`), so that runs
// can be merged exactly later: {"unit": "us", count, min, max, sum, buckets: [[lowest,
// highest, count], ...]}. histogram_from_json reads the latter back (nullopt when malformed).
nlohmann::json latency_json(const LatencyHistogram& h);
nlohmann::json histogram_json(const LatencyHistogram& h);
std::optional<LatencyHistogram> histogram_from_json(const nlohmann::json& j);

}  // namespace l2tp::peers
