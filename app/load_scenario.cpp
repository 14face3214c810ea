// A load scenario through l2tpsim lac's run. See load_scenario.hpp.
#include "app/load_scenario.hpp"

#include <memory>
#include <ostream>
#include <vector>

#include "app/role_config.hpp"
#include "scenarios/case_runner.hpp"
#include "scenarios/fault_filter.hpp"

namespace l2tpsim::app {

namespace sc = l2tp::scenario;

int run_load_scenario(const sc::Scenario& s, l2tp::peers::RunnerConfig cfg, std::ostream& err,
                      const std::function<int(l2tp::peers::RunnerConfig&)>& run) {
  sc::apply_scenario_config(s, cfg);
  // One copy of the rules per shard (a filter serves one thread; the shards are made one after
  // another on this thread), kept to say what they did once the run is over.
  std::vector<std::shared_ptr<sc::FaultFilter>> filters;
  if (!s.faults.empty())
    cfg.make_filter = [&filters, rules = s.faults]() -> std::shared_ptr<l2tp::DatagramFilter> {
      filters.push_back(std::make_shared<sc::FaultFilter>(rules));
      return filters.back();
    };
  const int status = run ? run(cfg) : run_lac_config(cfg);
  for (std::size_t i = 0; i < s.faults.size() && !filters.empty(); ++i) {
    std::uint64_t applied = 0;
    for (const auto& f : filters) applied += f->layer().stats().at(i).applied;
    err << "l2tpsim run: fault '" << filters.front()->layer().stats().at(i).name << "' applied " << applied
        << " time(s)";
    if (filters.size() > 1) err << " (" << filters.size() << " threads, each with its own copy of the rules)";
    if (applied == 0 && s.faults[i].required)
      err << ": it never applied, nothing it matches went over the wire";
    err << "\n";
  }
  return status;
}

}  // namespace l2tpsim::app
