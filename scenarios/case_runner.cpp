// run_case: one case's logic (case_run.hpp) on the Asio host (asio_case_host.hpp).
#include "scenarios/case_runner.hpp"

#include "scenarios/asio_case_host.hpp"
#include "scenarios/case_run.hpp"

namespace l2tp::scenario {

void apply_scenario_config(const Scenario& s, peers::RunnerConfig& cfg) {
  if (s.seed) cfg.seed = *s.seed;  // the file's seed: the same Random Vectors, challenges and IDs
  // A LAC's own password; an LNS tester's users come from its lns: block.
  if (s.config_faults.bad_ppp_password) cfg.ppp.password += "-spoiled";
  if (s.config_faults.wrong_tunnel_secret) cfg.node.tunnel.secret += "-spoiled";
}

reports::CaseResult run_case_on(const Scenario& s, Role tester, const peers::RunnerConfig& config,
                                const CaseEnv& env, CaseHost& host) {
  peers::RunnerConfig cfg = config;
  apply_scenario_config(s, cfg);
  // When run() returns the host has stopped running: nothing it holds calls into the case again.
  CaseRun run(s, tester, cfg, env, host);
  auto r = run.run();
  r.file = s.file;
  if (s.case_info) {
    r.id = s.case_info->id;
    r.title = s.case_info->title;
    r.dut_role = to_string(s.case_info->dut);
    r.requirements = s.case_info->requirements;
  }
  return r;
}

reports::CaseResult run_case(const Scenario& s, Role tester, const peers::RunnerConfig& config,
                             const CaseEnv& env) {
  AsioCaseHost host(env);
  return run_case_on(s, tester, config, env, host);
}

}  // namespace l2tp::scenario
