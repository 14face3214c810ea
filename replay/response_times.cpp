#include "replay/response_times.hpp"

#include <algorithm>
#include <map>

#include "replay/ppp_steps.hpp"
#include "reports/html_page.hpp"

namespace l2tp::replay {
namespace {

struct Answer {
  std::string exchange;
  double ms = 0;
  std::uint64_t frame = 0;
};

// The message of ours a peer's message of type `t` answers (RFC 2661 5.1, 5.2).
std::optional<MessageType> request_of(MessageType t) {
  switch (t) {
    case MessageType::Sccrp:
      return MessageType::Sccrq;
    case MessageType::Scccn:
      return MessageType::Sccrp;
    case MessageType::Icrp:
      return MessageType::Icrq;
    case MessageType::Iccn:
      return MessageType::Icrp;
    case MessageType::Ocrp:
      return MessageType::Ocrq;
    case MessageType::Occn:
      return MessageType::Ocrp;
    default:
      return std::nullopt;
  }
}

std::string group(const std::optional<std::size_t>& session) {
  return session ? "call " + std::to_string(*session + 1) : std::string("tunnel");
}

double ms_between(std::int64_t from_ns, std::int64_t to_ns) {
  return static_cast<double>(to_ns - from_ns) / 1e6;
}

// The peer's answers in `t`, `us` being the played side, in the order they came.
std::vector<Answer> answers(const capture::Tunnel& t, std::uint8_t us) {
  std::vector<Answer> out;
  auto add = [&](std::string exchange, double ms, std::uint64_t frame) {
    for (const Answer& a : out)
      if (a.exchange == exchange) return;
    out.push_back(Answer{std::move(exchange), ms, frame});
  };
  // Control: the first transmission of our latest message of the request's type in the group.
  std::map<std::pair<std::optional<std::size_t>, MessageType>, std::int64_t> sent;
  for (const capture::MessageRef ref : t.control_order) {
    const capture::ControlRecord& r = t.at(ref);
    if (r.zlb || r.retransmission || !r.message.known_type()) continue;
    const MessageType type = *r.message.known_type();
    if (ref.side == us) {
      sent[{r.session, type}] = r.time_ns;
    } else if (const auto q = request_of(type)) {
      if (auto it = sent.find({r.session, *q}); it != sent.end())
        add(group(r.session) + ": " + r.type_name(), ms_between(it->second, r.time_ns), r.frame);
    }
  }
  // PPP: a request of ours until its answer (retransmissions keep the first time).
  for (std::size_t i = 0; i < t.sessions.size(); ++i) {
    std::vector<std::pair<PppStep, std::int64_t>> pending;
    for (const capture::PppRecord& r : t.sessions[i].ppp) {
      const auto step = ppp_step(r);
      if (!step) continue;
      if (r.side == us) {
        const bool again = std::any_of(pending.begin(), pending.end(), [&](const auto& p) {
          return p.first.protocol == step->protocol && p.first.code == step->code && p.first.id == step->id;
        });
        if (!again) pending.emplace_back(*step, r.time_ns);
        continue;
      }
      for (auto it = pending.begin(); it != pending.end(); ++it)
        if (ppp_answers(*step, it->first)) {
          add(group(i) + ": " + step->label, ms_between(it->second, r.time_ns), r.frame);
          pending.erase(it);
          break;
        }
    }
  }
  return out;
}

// A captured call's answers under the names of its clones ("call 1: ICRP" as "call 1..N: ICRP").
std::vector<Answer> cloned(std::vector<Answer> in, std::size_t n) {
  if (n == 1) return in;
  std::vector<Answer> out;
  for (Answer& a : in) {
    const std::string prefix = "call ";
    const auto colon = a.exchange.find(':');
    if (a.exchange.rfind(prefix, 0) != 0 || colon == std::string::npos) {
      out.push_back(std::move(a));
      continue;
    }
    const std::size_t call = std::stoul(a.exchange.substr(prefix.size(), colon - prefix.size()));
    for (std::size_t k = 0; k < n; ++k) {
      Answer c = a;
      c.exchange = prefix + std::to_string((call - 1) * n + k + 1) + a.exchange.substr(colon);
      out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace

std::vector<ResponseTime> response_times(const capture::Tunnel& captured, std::uint8_t played,
                                         const capture::Tunnel* live, std::uint8_t live_played,
                                         std::size_t clones) {
  std::vector<ResponseTime> out;
  if (!live) return out;
  const std::vector<Answer> c = cloned(answers(captured, played), std::max<std::size_t>(1, clones));
  for (const Answer& l : answers(*live, live_played)) {
    ResponseTime rt{l.exchange, std::nullopt, l.ms, 0, l.frame};
    for (const Answer& a : c)
      if (a.exchange == l.exchange) {
        rt.captured_ms = a.ms;
        rt.frame_captured = a.frame;
      }
    out.push_back(std::move(rt));
  }
  return out;
}

std::string format_ms(double ms) {
  if (ms >= 1000) return reports::html_fixed(ms / 1000, 2) + " s";
  return reports::html_fixed(ms, 1) + " ms";
}

std::vector<std::string> slow_answer_notes(const std::vector<ResponseTime>& times) {
  std::vector<std::string> notes;
  for (const ResponseTime& t : times)
    if (t.captured_ms && t.live_ms > kSlowFloorMs && t.live_ms > kSlowFactor * *t.captured_ms)
      notes.push_back(t.exchange + ": the live peer answered in " + format_ms(t.live_ms) +
                      ", the captured one in " + format_ms(*t.captured_ms) + " (frame " +
                      std::to_string(t.frame_captured) + ")");
  return notes;
}

}  // namespace l2tp::replay
