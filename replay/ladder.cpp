#include "replay/ladder.hpp"

#include <algorithm>
#include <set>

#include "replay/ppp_steps.hpp"

namespace l2tp::replay {
namespace {

struct Step {
  LadderStep step;
  std::string key;  // what aligns: sender, group, kind
};

std::string group_name(const std::optional<std::size_t>& session) {
  return session ? "call " + std::to_string(*session + 1) : std::string("tunnel");
}

std::vector<Step> steps(const capture::Tunnel& t, std::uint8_t us) {
  std::vector<Step> out;
  const std::int64_t start = t.first_ns;
  auto push = [&](bool from_us, std::string group, std::string kind, std::string label, std::uint64_t frame,
                  std::int64_t ns) {
    std::string key = std::string(from_us ? ">" : "<") + group + "|" + kind;
    out.push_back(Step{
        LadderStep{from_us, std::move(group), std::move(label), frame, static_cast<double>(ns - start) / 1e6},
        std::move(key)});
  };
  for (const capture::MessageRef ref : t.control_order) {
    const capture::ControlRecord& r = t.at(ref);
    if (r.zlb || r.retransmission) continue;
    std::string label = r.type_name();
    if (const wire::Avp* a = r.message.find(AvpType::ResultCode);
        a && (!a->hidden || a->hidden_state == wire::HiddenState::Revealed))
      label += " (" + wire::format_value(*a) + ")";
    push(ref.side == us, group_name(r.session), r.type_name(), std::move(label), r.frame, r.time_ns);
  }
  for (std::size_t i = 0; i < t.sessions.size(); ++i)
    for (const capture::PppRecord& r : t.sessions[i].ppp)
      if (const auto s = ppp_step(r); s && !s->echo)
        push(r.side == us, group_name(i), s->label, s->label, r.frame, r.time_ns);
  std::stable_sort(out.begin(), out.end(),
                   [](const Step& a, const Step& b) { return a.step.frame < b.step.frame; });
  if (out.size() > kMaxLadderSteps) out.resize(kMaxLadderSteps);
  return out;
}

}  // namespace

std::vector<LadderRow> ladder_rows(const capture::Tunnel& captured, std::uint8_t played,
                                   const capture::Tunnel* live, std::uint8_t live_played,
                                   const std::vector<Difference>& differences) {
  const std::vector<Step> c = steps(captured, played);
  const std::vector<Step> l = live ? steps(*live, live_played) : std::vector<Step>{};
  std::set<std::uint64_t> cf, lf;
  for (const Difference& d : differences) {
    if (d.frame_captured) cf.insert(d.frame_captured);
    if (d.frame_live) lf.insert(d.frame_live);
  }
  // Longest common subsequence of the keys, then the rows in order.
  const std::size_t n = c.size(), m = l.size();
  std::vector<std::uint32_t> lcs((n + 1) * (m + 1), 0);
  auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return lcs[i * (m + 1) + j]; };
  for (std::size_t i = n; i-- > 0;)
    for (std::size_t j = m; j-- > 0;)
      at(i, j) = c[i].key == l[j].key ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
  std::vector<LadderRow> rows;
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    LadderRow row;
    if (i < n && j < m && c[i].key == l[j].key) {
      row.captured = c[i++].step;
      row.live = l[j++].step;
    } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
      row.captured = c[i++].step;
    } else {
      row.live = l[j++].step;
    }
    row.differs = (row.captured && cf.count(row.captured->frame)) || (row.live && lf.count(row.live->frame));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace l2tp::replay
