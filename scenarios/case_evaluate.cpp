// One case's expectations, judged against the wire log and the node's events, and the case's
// verdict at its end. See case_run.hpp.
#include <map>

#include "engine/wire/rules.hpp"
#include "scenarios/backoff.hpp"
#include "scenarios/case_run.hpp"
#include "scenarios/case_util.hpp"
#include "scenarios/message_match.hpp"

namespace l2tp::scenario {

namespace {

constexpr std::size_t kMaxEvidence = 6;

}  // namespace

void CaseRun::evaluate() {
  if (!expect_ || finished_) return;
  const Expect& e = *expect_;
  const Time now = host_.now();
  std::vector<reports::Evidence> ev;
  std::vector<Time> times;  // of every match, in order
  std::size_t matches = 0;
  if (const auto* m = std::get_if<MessageMatch>(&e.what)) {
    std::vector<const WireEntry*> hits;
    const auto& entries = log_.entries();
    for (std::size_t i = 0; i < entries.size(); ++i)
      if (const auto& w = entries[i]; w.from_peer && !w.stale && in_window(w.at, i, window_entries_) &&
                                      w.at <= expect_deadline_ && message_matches(*m, w))
        hits.push_back(&w);
    for (const auto* w : hits) {
      if (ev.size() < kMaxEvidence) ev.push_back(evidence_of(*w));
      times.push_back(w->at);
    }
    matches = hits.size();
    if (e.backoff && !e.none) {
      // The longest run of one message (same Ns) and whether its intervals grow exponentially.
      std::map<std::uint16_t, std::vector<Time>> by_ns;
      for (const auto* w : hits) by_ns[w->ns.value_or(0)].push_back(w->at);
      std::vector<Duration> gaps;
      for (const auto& [ns, times] : by_ns) {
        if (times.size() <= gaps.size() + 1) continue;
        gaps.clear();
        for (std::size_t i = 1; i < times.size(); ++i) gaps.push_back(times[i] - times[i - 1]);
      }
      const std::size_t sendings = gaps.empty() ? 0 : gaps.size() + 1;
      const bool growing = backoff_grows(gaps);
      // count means retransmissions: the first sending plus `count` more.
      if (sendings >= e.count + 1 && growing) {
        last_match_at_ = times.back();
        finish_expect(
            true, std::to_string(sendings) + " sendings of one message, intervals growing exponentially", ev);
        return;
      }
      // Not (yet) growing: a coarse timer can delay one retransmission so much that two gaps
      // alone cannot tell; later sendings within the window decide. At the deadline it fails.
      if (sendings >= e.count + 1 && now >= expect_deadline_) {
        finish_expect(false,
                      "the peer retransmitted " + std::to_string(sendings - 1) +
                          " times, but the intervals (" + gaps_text(gaps) +
                          ") did not grow exponentially (each step at least 1.5 times the one before, "
                          "or over two steps twice, never shrinking; or at the 8 s cap)",
                      ev);
        return;
      }
      matches = 0;
    }
  } else {
    const auto& em = std::get<EventMatch>(e.what);
    for (std::size_t i = 0; i < events_.size(); ++i) {
      const auto& r = events_[i];
      if (!in_window(r.at, i, window_events_) || r.at > expect_deadline_ || r.kind != em.kind) continue;
      if (em.result && r.result != em.result) continue;
      if (em.error && r.error != em.error) continue;
      if (em.by_peer && *em.by_peer != r.by_peer) continue;
      ++matches;
      times.push_back(r.at);
      if (ev.size() < kMaxEvidence) ev.push_back({0, since(r.at, env_.run_start), r.summary});
    }
  }
  if (e.none) {
    if (matches > 0) {
      finish_expect(false, "it happened: " + ev.front().summary, ev);
    } else if (now >= expect_deadline_) {
      finish_expect(true, "nothing of the kind in " + secs(e.within), {});
    }
    return;
  }
  if (!e.backoff && matches >= e.count) {
    last_match_at_ = times[e.count - 1];
    finish_expect(
        true, (matches > 1 ? std::to_string(matches) + " seen, the first: " : "") + ev.front().summary, ev);
    return;
  }
  if (now < expect_deadline_) {
    host_.arm(CaseHost::Timer::Step, expect_deadline_, [this] { evaluate(); });
    return;
  }
  // Timed out: say what the peer did send instead.
  std::string seen;
  std::vector<reports::Evidence> instead;
  const auto& entries = log_.entries();
  for (std::size_t i = 0; i < entries.size(); ++i)
    if (const auto& w = entries[i];
        w.from_peer && !w.stale && in_window(w.at, i, window_entries_) && w.kind != WireEntry::Kind::Data) {
      seen +=
          (seen.empty() ? "" : ", ") + w.name +
          (w.result ? " result " + std::to_string(*w.result) + (w.error ? "/" + std::to_string(*w.error) : "")
                    : "");
      if (instead.size() < kMaxEvidence) instead.push_back(evidence_of(w));
    }
  finish_expect(false,
                (matches ? "only " + std::to_string(matches) + " seen" : std::string("not seen")) +
                    "; the peer sent " + (seen.empty() ? std::string("no control message") : seen) +
                    " in that time",
                matches ? ev : instead);
}

void CaseRun::finish_expect(bool passed, std::string detail, std::vector<reports::Evidence> evidence) {
  const Expect& e = *expect_;
  expect_ = nullptr;
  host_.cancel(CaseHost::Timer::Step);
  reports::CheckResult c;
  c.description = (e.note.empty() ? "" : e.note + ": ") + (e.none ? "expect " : "expect ") + e.to_string();
  c.passed = passed;
  c.detail = std::move(detail);
  c.evidence = std::move(evidence);
  c.requirement = e.requirement;
  c.clause = e.clause;
  c.premise = e.setup;
  if (const RuleInfo* rule = find_rule(e.requirement)) c.level = std::string(rule->level);
  say(std::string(passed                                       ? "ok: "
                  : e.setup                                    ? "PREMISE NOT MET: "
                  : c.outcome() == reports::CheckOutcome::Fail ? "FAILED: "
                                                               : "WARN: ") +
      c.detail);
  result_.checks.push_back(std::move(c));
  if (!passed && e.setup) {
    inconclusive("premise not met: expected " + e.to_string() + "; " + result_.checks.back().detail);
  }
  advance();
}

void CaseRun::judge(const std::vector<std::string>& broken) {
  if (premise_failed_) return;  // inconclusive, reason set
  // A miss of a MUST fails the case; a miss of anything weaker (SHOULD, a state-table row, a
  // defined code the RFC does not require) warns, and the reason says which level it was.
  std::string failed, warned;
  auto add = [](std::string& to, const std::string& what) { to += (to.empty() ? "" : "; ") + what; };
  for (const auto& c : result_.checks) {
    if (c.passed) continue;
    const std::string what = (c.requirement.empty() ? "" : c.requirement + " (" + c.level + "): ") +
                             c.description + ": " + c.detail;
    add(c.outcome() == reports::CheckOutcome::Fail ? failed : warned, what);
  }
  for (const auto& r : broken) {
    const RuleInfo* rule = find_rule(r);
    const bool must = rule && is_mandatory_level(rule->level);
    for (const auto& v : log_.violations())
      if (v.rule == r) {
        add(must ? failed : warned, r + " (" + (rule ? std::string(rule->level) : "?") +
                                        ") broken in frame " + std::to_string(v.frame) + ": " + v.detail);
        break;
      }
  }
  if (filter_)
    for (const auto& st : filter_->layer().stats())
      if (st.applied == 0 && st.required && failed.empty()) {
        result_.verdict = reports::Verdict::Inconclusive;
        result_.reason = "fault '" + st.name + "' never applied: nothing it matches went over the wire";
        return;
      }
  if (!failed.empty()) {
    result_.verdict = reports::Verdict::Fail;
    result_.reason = failed + (warned.empty() ? "" : "; also (warn) " + warned);
  } else if (!warned.empty()) {
    result_.verdict = reports::Verdict::Warn;
    result_.reason = warned;
  } else {
    result_.verdict = reports::Verdict::Pass;
  }
}

}  // namespace l2tp::scenario
