#include "scenarios/liveness.hpp"

namespace l2tp::scenario {

Liveness probe_lns(const peers::RunnerConfig& cfg, const CaseEnv& env, Duration within) {
  Scenario s;
  s.file = "(liveness check)";
  s.lac = RoleConfig{};
  Expect answer;
  MessageMatch any;
  any.message = "any";
  answer.what = any;
  answer.within = within;
  s.steps.push_back({OpenTunnels{1}, {}});
  s.steps.push_back({answer, {}});
  CaseEnv quiet = env;
  quiet.progress = nullptr;
  quiet.teardown = std::chrono::seconds(2);
  const auto r = run_case(s, Role::Lac, cfg, quiet);
  Liveness out;
  out.first_frame = r.first_frame;
  out.last_frame = r.last_frame;
  if (!r.checks.empty() && r.checks.front().passed) {
    out.alive = true;
    out.detail = r.checks.front().detail;
  } else {
    out.detail = "no answer to a new tunnel's SCCRQ (retransmitted) in " +
                 std::to_string(static_cast<int>(to_seconds(within))) + " s" +
                 (r.checks.empty() ? (r.reason.empty() ? "" : ": " + r.reason) : "");
  }
  return out;
}

int settle_lac(const peers::RunnerConfig& cfg, const CaseEnv& env, Duration quiet, int rounds) {
  Scenario s;
  s.file = "(between cases)";
  s.lns = RoleConfig{};
  s.lns->role = Role::Lns;
  Expect none;
  MessageMatch any;
  any.message = "any";
  none.what = any;
  none.none = true;
  none.within = quiet;
  s.steps.push_back({none, {}});
  CaseEnv q = env;
  q.progress = nullptr;
  q.teardown = std::chrono::seconds(1);
  int heard = 0;
  for (int i = 0; i < rounds; ++i) {
    if (env.interrupted && *env.interrupted) break;
    const auto r = run_case(s, Role::Lns, cfg, q);
    if (r.first_frame == 0) break;  // nothing at all from the DUT
    ++heard;
  }
  return heard;
}

}  // namespace l2tp::scenario
