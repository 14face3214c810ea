// The passive checker. See passive_checker.hpp.
#include "peers/passive_checker.hpp"

#include <algorithm>

#include "engine/wire/message.hpp"
#include "engine/wire/rules.hpp"

namespace l2tp::peers {

std::vector<wire::Violation> check_datagram(Bytes datagram, const std::string& secret) {
  auto h = wire::decode_header(datagram);
  if (!h) return {wire::violation_of(h.error())};
  if (!h->control) return wire::check_data(*h, datagram.size());
  const auto key = secret.empty() ? std::nullopt : std::optional<Bytes>(as_bytes(secret));
  auto m = wire::decode_control(datagram, key);
  if (!m) return {wire::violation_of(m.error())};
  return wire::check_control(*m, datagram.size());
}

void PassiveChecker::observe(Bytes datagram, std::uint64_t frame, Time at) {
  last_frame_ = frame;
  for (auto& v : check_datagram(datagram, secret_))
    add({std::string(to_string(v.rule)), std::move(v.detail), frame, at, false});
}

void PassiveChecker::on_undecodable(const DecodeError& e) {
  const auto v = wire::violation_of(e);
  add({std::string(to_string(v.rule)), v.detail, last_frame_, last_at_, false});
}

void PassiveChecker::on_data(const wire::Header& h, Bytes dgram) {
  for (auto& v : wire::check_data(h, dgram.size()))
    add({std::string(to_string(v.rule)), std::move(v.detail), last_frame_, last_at_, false});
}

void PassiveChecker::on_control(const Result<wire::ControlMessage, DecodeError>& m, Bytes dgram) {
  // The node reveals hidden AVPs with its secret even when it is empty; the checker reports
  // them concealed then: for those few messages, its own decode.
  if (secret_.empty() && m &&
      std::any_of(m->avps.begin(), m->avps.end(), [](const wire::Avp& a) { return a.hidden; }))
    return observe(dgram, last_frame_, last_at_);
  std::vector<wire::Violation> found =
      m ? wire::check_control(*m, dgram.size()) : std::vector<wire::Violation>{wire::violation_of(m.error())};
  for (auto& v : found)
    add({std::string(to_string(v.rule)), std::move(v.detail), last_frame_, last_at_, false});
}

void PassiveChecker::engine_violation(const std::string& rule, const std::string& detail, Time at) {
  add({rule, detail, last_frame_, at, true});
}

void PassiveChecker::add(CheckedViolation v) {
  ++total_;
  ++by_rule_[v.rule];
  if (kept_.size() < keep_) kept_.push_back(std::move(v));
}

}  // namespace l2tp::peers
