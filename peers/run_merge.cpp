#include "peers/run_merge.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "engine/util/latency_histogram.hpp"
#include "peers/run_report.hpp"
#include "peers/summary_schema.hpp"

namespace l2tp::peers {

namespace {

using nlohmann::json;

// Settings every agent shares (or that name one input): kept when all agree, else dropped
// (each agent's own value stays in `agents`).
const std::set<std::string> kShared = {
    "summary_schema", "role", "seed",  "sessions_per_tunnel", "sccrqs_per_tunnel", "tunnels_on_demand",
    "connect_to",     "ramp", "agent", "start_at_unix_ms",    "flap_kind",         "session_lifetime",
    "redial_delay_s"};
// Rates and costs of agents running side by side: they add.
const std::set<std::string> kAddedReals = {"setup_rate_sessions_per_s", "requested_setup_rate", "setup_cpu_s",
                                           "flap_rate"};
// Spans of time from the run's start: the merged run's is the latest, on the merged clock.
const std::set<std::string> kSpans = {"duration_s", "setup_s"};
// Lists of records, joined up to what one run keeps.
const std::map<std::string, std::size_t> kLists = {
    {"failures", 1000}, {"cancelled", 1000}, {"violations", 100}, {"sessions", 2000}};
// The percentiles a summary shows next to a histogram (histograms key -> latency key, and PPP's).
const std::map<std::string, std::string> kLatencyOf = {{"session_setup", "setup_latency_ms"},
                                                       {"tunnel_setup", "tunnel_setup_latency_ms"},
                                                       {"ipsec_setup", "ipsec_latency_ms"}};
const std::map<std::string, std::string> kPppLatencyOf = {{"ppp_up", "up_latency_ms"},
                                                          {"lcp", "lcp_latency_ms"},
                                                          {"auth", "auth_latency_ms"},
                                                          {"ncp", "ncp_latency_ms"}};
// Keys made from others at the end (the timeline, histograms, agents) or rebuilt.
const std::set<std::string> kRebuilt = {"timeline",       "histograms", "options",    "peer_identity",
                                        "origin_unix_ms", "agents",     "merged_from"};

// Levels in a timeline bucket (the state at the second's end); everything else numeric counts.
bool is_level(const std::string& key) {
  return key == "sessions_up" || key == "tunnels_up";
}

// One value of several inputs (offset: each input's origin after the earliest, in seconds).
json merge_values(const std::string& key, const std::vector<const json*>& values,
                  const std::vector<double>& offsets);

// The objects' keys merged one by one (keys for which `skip` says true are left out).
json merge_objects(const std::vector<const json*>& objects, const std::vector<double>& offsets,
                   const std::function<bool(const std::string&)>& skip = nullptr) {
  json out = json::object();
  std::set<std::string> keys;
  for (const json* o : objects)
    for (const auto& [k, v] : o->items())
      if (!skip || !skip(k)) keys.insert(k);
  for (const auto& k : keys) {
    std::vector<const json*> values;
    std::vector<double> offs;
    for (std::size_t i = 0; i < objects.size(); ++i)
      if (const auto it = objects[i]->find(k); it != objects[i]->end() && !it->is_null()) {
        values.push_back(&*it);
        offs.push_back(offsets[i]);
      }
    if (values.empty()) {
      out[k] = nullptr;
      continue;
    }
    json v = merge_values(k, values, offs);
    if (!v.is_discarded()) out[k] = std::move(v);
  }
  return out;
}

json merge_values(const std::string& key, const std::vector<const json*>& values,
                  const std::vector<double>& offsets) {
  const json& first = *values.front();
  const bool same = std::all_of(values.begin(), values.end(), [&](const json* v) { return *v == first; });
  if (kShared.count(key)) return same ? first : json(json::value_t::discarded);
  if (std::all_of(values.begin(), values.end(), [](const json* v) { return v->is_object(); }))
    return merge_objects(values, offsets);
  if (kSpans.count(key) &&
      std::all_of(values.begin(), values.end(), [](const json* v) { return v->is_number(); })) {
    double latest = 0;
    for (std::size_t i = 0; i < values.size(); ++i)
      latest = std::max(latest, offsets[i] + values[i]->get<double>());
    return latest;
  }
  if (std::all_of(values.begin(), values.end(), [](const json* v) { return v->is_number_unsigned(); })) {
    std::uint64_t sum = 0;
    for (const json* v : values) sum += v->get<std::uint64_t>();
    return sum;
  }
  if (std::all_of(values.begin(), values.end(), [](const json* v) { return v->is_number(); })) {
    if (kAddedReals.count(key)) {
      double sum = 0;
      for (const json* v : values) sum += v->get<double>();
      return sum;
    }
    // The longest teardown; the longest batch interval bounds the wait in the merged latencies.
    if (key == "teardown_s" || key == "batch_interval_ms") {
      double m = 0;
      for (const json* v : values) m = std::max(m, v->get<double>());
      return m;
    }
    return same ? first : json(nullptr);  // an average or a setting that differs: not mergeable
  }
  if (std::all_of(values.begin(), values.end(), [](const json* v) { return v->is_boolean(); })) {
    // Whether everything went well holds only if it did for every input; the rest: any.
    const bool all = key == "torn_down" || key == "setup_complete";
    bool r = all;
    for (const json* v : values) r = all ? (r && v->get<bool>()) : (r || v->get<bool>());
    return r;
  }
  if (std::all_of(values.begin(), values.end(), [](const json* v) { return v->is_array(); })) {
    if (same) return first;
    json joined = json::array();
    std::set<std::string> unique;
    for (const json* v : values)
      for (const auto& e : *v)
        if (unique.insert(e.dump()).second) joined.push_back(e);
    return joined;
  }
  return same ? first : json(json::value_t::discarded);
}

// The timelines on one clock: input i's second s is merged second s + shift[i].
json merge_timelines(const std::vector<const json*>& timelines, const std::vector<long>& shift) {
  std::size_t length = 0;
  for (std::size_t i = 0; i < timelines.size(); ++i)
    length = std::max(length, static_cast<std::size_t>(shift[i]) + timelines[i]->size());
  json out = json::array();
  for (std::size_t s = 0; s < length; ++s) {
    json b = json::object();
    b["t"] = s;
    for (const char* level : {"sessions_up", "tunnels_up"}) b[level] = 0;
    for (std::size_t i = 0; i < timelines.size(); ++i) {
      const json& t = *timelines[i];
      if (t.empty() || s < static_cast<std::size_t>(shift[i])) continue;
      const std::size_t own = s - static_cast<std::size_t>(shift[i]);
      // After its last second an input stays where it ended (levels only).
      const json& src = t[std::min(own, t.size() - 1)];
      const bool counted = own < t.size();
      for (const auto& [k, v] : src.items()) {
        if (k == "t") continue;
        if (is_level(k)) {
          b[k] = b[k].get<std::uint64_t>() + v.get<std::uint64_t>();
        } else if (!counted) {
          continue;
        } else if (v.is_number_unsigned()) {
          b[k] = b.value(k, std::uint64_t{0}) + v.get<std::uint64_t>();
        } else if (v.is_object()) {
          json& m = b[k];
          if (!m.is_object()) m = json::object();
          for (const auto& [code, n] : v.items())
            m[code] = m.value(code, std::uint64_t{0}) + n.get<std::uint64_t>();
        }
      }
    }
    out.push_back(std::move(b));
  }
  return out;
}

// Histograms per phase, merged; nullopt when one is malformed (named in `error`).
std::optional<json> merge_histograms(const std::vector<NamedSummary>& in,
                                     std::map<std::string, LatencyHistogram>& merged, std::string& error) {
  for (const auto& s : in)
    for (const auto& [phase, h] : s.summary["histograms"].items()) {
      const auto hist = histogram_from_json(h);
      if (!hist) {
        error = s.name + ": histograms." + phase + " is not a histogram l2tpsim wrote (unit us, buckets)";
        return std::nullopt;
      }
      merged[phase].merge(*hist);
    }
  json out = json::object();
  for (const auto& [phase, h] : merged) out[phase] = histogram_json(h);
  return out;
}

std::string agent_name(const NamedSummary& s) {
  const auto it = s.summary.find("agent");
  if (it != s.summary.end() && it->is_object())
    return std::to_string(it->value("index", 0)) + "/" + std::to_string(it->value("count", 0));
  return s.name;
}

}  // namespace

std::optional<std::string> summary_problem(const NamedSummary& s) {
  const json& j = s.summary;
  if (!j.is_object() || !j.contains("role") || !j["role"].is_string() ||
      (j["role"] != "lac" && j["role"] != "lns") || !j.contains("histograms") ||
      !j["histograms"].is_object() || !j.contains("timeline") || !j["timeline"].is_array())
    return s.name + ": not an l2tpsim lac or lns JSON summary (it needs role, timeline and histograms)";
  if (!j.contains("summary_schema"))
    return s.name +
           ": has no summary_schema: written by an l2tpsim older than report merge; run that agent again "
           "with this version";
  if (!j["summary_schema"].is_number_integer() || j["summary_schema"].get<int>() != kSummarySchema)
    return s.name + ": summary_schema " + j["summary_schema"].dump() + ", but this l2tpsim reads " +
           std::to_string(kSummarySchema) + ": merge summaries written by the same l2tpsim version";
  if (!j.contains("origin_unix_ms") || !j["origin_unix_ms"].is_number_integer())
    return s.name + ": no origin_unix_ms (the wall-clock time of its timeline's second 0)";
  return std::nullopt;
}

std::optional<nlohmann::json> merge_summaries(const std::vector<NamedSummary>& in, std::string& error,
                                              std::vector<std::string>& warnings) {
  if (in.empty()) {
    error = "no summaries to merge";
    return std::nullopt;
  }
  for (const auto& s : in)
    if (auto p = summary_problem(s)) {
      error = *p;
      return std::nullopt;
    }
  const std::string role = in[0].summary["role"];
  std::map<std::string, std::string> agents_seen;  // "I/N" -> file
  std::set<unsigned> counts;
  for (const auto& s : in) {
    if (s.summary["role"] != role) {
      error = in[0].name + " is a " + role + " summary, " + s.name + " a " +
              s.summary["role"].get<std::string>() + " one: merge the agents of one side";
      return std::nullopt;
    }
    if (const auto a = s.summary.find("agent"); a != s.summary.end() && a->is_object()) {
      const std::string id = agent_name(s);
      if (const auto [it, fresh] = agents_seen.emplace(id, s.name); !fresh) {
        error = it->second + " and " + s.name + " are both agent " + id;
        return std::nullopt;
      }
      counts.insert(a->value("count", 0u));
    }
  }
  if (counts.size() > 1)
    warnings.push_back("the inputs come from runs of different agent counts (--agent I/N)");
  if (counts.size() == 1 && agents_seen.size() < *counts.begin())
    warnings.push_back("only " + std::to_string(agents_seen.size()) + " of the run's " +
                       std::to_string(*counts.begin()) + " agents given: the totals are theirs alone");

  std::int64_t origin = in[0].summary["origin_unix_ms"].get<std::int64_t>();
  for (const auto& s : in) origin = std::min(origin, s.summary["origin_unix_ms"].get<std::int64_t>());
  std::vector<const json*> all;
  std::vector<double> offsets;
  std::vector<long> shifts;
  std::vector<const json*> timelines;
  for (const auto& s : in) {
    all.push_back(&s.summary);
    const double off = static_cast<double>(s.summary["origin_unix_ms"].get<std::int64_t>() - origin) / 1000.0;
    offsets.push_back(off);
    shifts.push_back(std::lround(off));
    timelines.push_back(&s.summary["timeline"]);
  }

  // Everything generic first (counters, settings), then the lists and what is rebuilt. The lists
  // wait for their *_omitted counts, summed here.
  json out =
      merge_objects(all, offsets, [](const std::string& k) { return kRebuilt.count(k) || kLists.count(k); });
  // Lists joined, each entry tagged with its agent; what the limit leaves out is counted with
  // what the inputs had left out themselves (their *_omitted, summed above).
  for (const auto& [k, cap] : kLists) {
    // (k by name: clang 14 cannot capture a structured binding)
    if (std::none_of(in.begin(), in.end(), [&key = k](const auto& s) { return s.summary.contains(key); }))
      continue;
    json joined = json::array();
    std::uint64_t left_out = 0;
    for (const auto& s : in)
      if (const auto it = s.summary.find(k); it != s.summary.end() && it->is_array())
        for (const auto& e : *it) {
          if (joined.size() >= cap) {
            ++left_out;
            continue;
          }
          json tagged = e;
          if (tagged.is_object()) tagged["agent"] = agent_name(s);
          joined.push_back(std::move(tagged));
        }
    out[k] = std::move(joined);
    if (left_out) out[k + "_omitted"] = out.value(k + "_omitted", std::uint64_t{0}) + left_out;
  }

  std::map<std::string, LatencyHistogram> hist;
  auto histograms = merge_histograms(in, hist, error);
  if (!histograms) return std::nullopt;
  out["histograms"] = std::move(*histograms);
  for (const auto& [phase, key] : kLatencyOf)
    if (hist.count(phase)) out[key] = latency_json(hist[phase]);
  if (out.contains("ppp") && out["ppp"].is_object()) {
    for (const auto& [phase, key] : kPppLatencyOf)
      if (hist.count(phase)) out["ppp"][key] = latency_json(hist[phase]);
    // Renegotiations in place: ppp.restarts.{lcp,ipcp}.latency_ms from histograms *_restart.
    if (auto r = out["ppp"].find("restarts"); r != out["ppp"].end() && r->is_object())
      for (const char* what : {"lcp", "ipcp"})
        if (r->contains(what) && hist.count(std::string(what) + "_restart"))
          (*r)[what]["latency_ms"] = latency_json(hist[std::string(what) + "_restart"]);
  }

  out["timeline"] = merge_timelines(timelines, shifts);
  out["origin_unix_ms"] = origin;
  out["peer_identity"] = nullptr;
  for (const auto& s : in)
    if (const auto it = s.summary.find("peer_identity"); it != s.summary.end() && it->is_object()) {
      out["peer_identity"] = *it;
      break;
    }
  json agents = json::array();
  for (std::size_t i = 0; i < in.size(); ++i) {
    const json& j = in[i].summary;
    json a = {{"file", in[i].name},
              {"agent", j.contains("agent") ? json(agent_name(in[i])) : json(nullptr)},
              {"options", j.value("options", json::array())},
              {"seed", j.value("seed", json(nullptr))},
              {"origin_unix_ms", j["origin_unix_ms"]},
              {"offset_s", offsets[i]},
              {"peer_identity", j.value("peer_identity", json(nullptr))}};
    for (const char* k : {"start_at_unix_ms", "tunnels_established", "tunnels_failed", "sessions_established",
                          "sessions_failed", "sessions_ppp_up", "retransmissions", "duration_s", "threads"})
      if (j.contains(k)) a[k] = j[k];
    agents.push_back(std::move(a));
  }
  out["agents"] = std::move(agents);
  out["merged_from"] = in.size();
  return out;
}

}  // namespace l2tp::peers
