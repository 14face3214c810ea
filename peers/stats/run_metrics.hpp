// A LAC or LNS run's counters as Prometheus metric families (l2tpsim_*), from the same result
// the JSON summary is made of: levels up now as gauges, everything counted since the start as
// counters (*_total), setup latencies per phase as histograms in seconds. Failures come by phase
// and by Result/Error Code in two families: the run counts them each way, not crossed.
#pragma once

#include <vector>

#include "peers/runner.hpp"
#include "reports/prometheus_text.hpp"

namespace l2tp::peers {

std::vector<reports::prometheus::Family> run_metrics(const RunResult& r);

}  // namespace l2tp::peers
