#include "engine/ppp/auth/authenticator.hpp"

#include "engine/ppp/auth/chap_md5.hpp"
#include "engine/ppp/auth/mschap.hpp"
#include "engine/ppp/auth/mschap_message.hpp"
#include "engine/ppp/auth/packet.hpp"
#include "engine/ppp/auth/repeat_answer.hpp"

namespace l2tp::ppp::auth {
namespace {

constexpr std::string_view kDefaultSuccess = "Authentication succeeded";
constexpr std::string_view kDefaultFailure = "Authentication failed";

std::size_t challenge_size(Method m) {
  // RFC 2433 5 (P080): 8 octets; RFC 2759 3 (P084): 16. CHAP-MD5 may use any length; 16
  // matches the digest size.
  return m == Method::MsChapV1 ? kMsChapV1ChallengeSize : kMsChapV2ChallengeSize;
}

std::size_t response_size(Method m) {
  return m == Method::ChapMd5 ? kChapMd5ResponseSize : kMsChapResponseSize;
}

}  // namespace

Authenticator::Authenticator(Method method, Rng& rng, const AuthConfig& cfg, std::string_view name)
    : method_(method), rng_(rng), cfg_(cfg), name_(name) {}

const std::string& Authenticator::message() const {
  static const std::string kNone;
  return refusal_ ? refusal_->message : kNone;
}

const std::string& Authenticator::reason() const {
  static const std::string kNone;
  return refusal_ ? refusal_->reason : kNone;
}

void Authenticator::start(Time now) {
  if (state_ != State::Idle) return;
  state_ = State::Waiting;
  if (method_ == Method::Pap) {
    deadline_ = now + cfg_.passive_wait();
    return;
  }
  id_ = static_cast<std::uint8_t>(rng_.next_u64());
  send_challenge(now);
}

void Authenticator::send_challenge(Time now) {
  // RFC 1994 4.1 (P076): Identifier and Challenge Value change with every Challenge sent,
  // and the value is unpredictable (P071).
  if (challenges_sent_ > 0) ++id_;
  ++challenges_sent_;
  challenge_.assign(challenge_size(method_), 0);
  rng_.fill(challenge_);
  Buffer packet;
  write_chap_value(packet, ChapCode::Challenge, id_, challenge_, name_);
  out_.push_back(std::move(packet));
  deadline_ = now + cfg_.restart;
}

void Authenticator::handle_packet(Bytes packet, Time now) {
  const auto parsed = parse_packet(packet);
  if (state_ == State::Idle || !parsed) return discard();
  if (state_ == State::Done) {
    // P066, P075: a repeat after the verdict gets the reply again. After giving up there is no
    // verdict to repeat.
    Buffer again;
    if (reply_.empty() || !RepeatAnswer::answer(method_, reply_, packet, again)) return discard();
    out_.push_back(std::move(again));
    return;
  }
  const PacketView& p = *parsed;
  if (method_ == Method::Pap) {
    if (static_cast<PapCode>(p.code) != PapCode::AuthenticateRequest) return discard();
    return handle_pap_request(p.id, p.data);
  }
  if (static_cast<ChapCode>(p.code) != ChapCode::Response) return discard();
  handle_response(p.id, p.data, now);
}

void Authenticator::handle_pap_request(std::uint8_t id, Bytes data) {
  const auto req = parse_pap_request(data);
  if (!req) return discard();
  switch (state_) {
    case State::Waiting: {
      id_ = id;
      user_ = std::string(as_string_view(req->peer_id));
      Credentials c;
      c.method = Method::Pap;
      c.user = user_;
      c.password = std::string(as_string_view(req->password));
      to_verify_ = std::make_unique<Credentials>(std::move(c));
      state_ = State::Verifying;
      deadline_.reset();
      return;
    }
    case State::Verifying:
      // A repeat while the verdict is pending: the reply will copy the newest Identifier,
      // the one a strict peer is waiting on.
      id_ = id;
      return;
    case State::Done:
      return;  // handle_packet answered it
    case State::Idle:
      return discard();
  }
}

void Authenticator::handle_response(std::uint8_t id, Bytes data, Time now) {
  const auto resp = parse_chap_value(data);
  if (!resp) return discard();
  switch (state_) {
    case State::Waiting:
      // RFC 1994 4.1: a Response answers the Challenge whose Identifier it copies; one for an
      // earlier Challenge cannot be checked against the current value.
      if (id != id_) return discard();
      break;
    case State::Verifying:
      return;  // the verdict is pending; it goes out once
    case State::Done:
      return;  // handle_packet answered it
    case State::Idle:
      return discard();
  }
  user_ = std::string(as_string_view(resp->name));
  deadline_.reset();
  state_ = State::Verifying;
  if (resp->value.size() != response_size(method_)) {
    // Nothing to verify: the Response Value cannot be one for this method.
    Verdict v;
    v.reason = "Response Value has " + std::to_string(resp->value.size()) + " octets, " + to_string(method_) +
               " needs " + std::to_string(response_size(method_));
    return complete(v, now);
  }
  Credentials c;
  c.method = method_;
  c.user = user_;
  c.chap_id = id;
  c.challenge = challenge_;
  c.response.assign(resp->value.begin(), resp->value.end());
  to_verify_ = std::make_unique<Credentials>(std::move(c));
}

std::optional<Credentials> Authenticator::poll_verify() {
  if (!to_verify_) return std::nullopt;
  std::optional<Credentials> c = std::move(*to_verify_);
  to_verify_.reset();
  return c;
}

std::string Authenticator::reply_text(const Verdict& v) const {
  const bool mschap = method_ == Method::MsChapV1 || method_ == Method::MsChapV2;
  if (!v.accepted) {
    if (!v.message.empty()) return v.message;
    // P088 (RFC 2759 6): E=, R=, C= (32 hex digits for v2), V=3, M=. RFC 2433 8: V >= 2.
    if (mschap)
      return build_mschap_failure(kMsChapErrorAuthenticationFailure, false, challenge_,
                                  method_ == Method::MsChapV2 ? 3 : 2, kDefaultFailure);
    return std::string(kDefaultFailure);
  }
  if (method_ != Method::MsChapV2) return v.message.empty() ? std::string(kDefaultSuccess) : v.message;
  // RFC 2759 5 (P086): "S=<auth_string> M=<message>".
  if (v.message.starts_with("S=")) return v.message;
  const std::string text = v.message.empty() ? std::string(kDefaultSuccess) : v.message;
  if (v.authenticator_response.empty()) return "M=" + text;  // the peer will refuse it (P087)
  return v.authenticator_response + " M=" + text;
}

void Authenticator::complete(const Verdict& verdict, Time /*now*/) {
  if (state_ != State::Verifying) return;
  to_verify_.reset();
  accepted_ = verdict.accepted;
  std::string message = reply_text(verdict);
  if (method_ == Method::Pap) {
    // RFC 1334 2.2.2 (P068): Ack for a valid pair, otherwise Nak; the Message has a
    // one-octet length.
    if (message.size() > 0xff) message.resize(0xff);
    write_pap_reply(reply_, accepted_ ? PapCode::AuthenticateAck : PapCode::AuthenticateNak, id_, message);
  } else {
    // P074, P078: Success for a matching Response, Failure otherwise.
    write_chap_status(reply_, accepted_ ? ChapCode::Success : ChapCode::Failure, id_, message);
  }
  if (!accepted_) refusal_ = std::make_unique<Refusal>(Refusal{std::move(message), verdict.reason});
  Buffer().swap(challenge_);  // a repeated Response after the verdict gets the reply, unchecked
  out_.push_back(reply_);
  state_ = State::Done;
  outcome_ = accepted_ ? Outcome::Success : Outcome::Failure;
}

void Authenticator::handle_timeout(Time now) {
  if (!deadline_ || now < *deadline_ || state_ != State::Waiting) return;
  deadline_.reset();
  if (method_ == Method::Pap) return give_up("no PAP Authenticate-Request from the peer");
  // P072, P010: keep challenging until the retry counter runs out.
  if (challenges_sent_ < cfg_.max_attempts) return send_challenge(now);
  give_up("no Response to " + std::to_string(challenges_sent_) + " CHAP Challenges");
}

void Authenticator::give_up(std::string why) {
  state_ = State::Done;
  outcome_ = Outcome::Failure;
  refusal_ = std::make_unique<Refusal>(Refusal{why, why});
  reply_.clear();
}

std::optional<Time> Authenticator::poll_timeout() const {
  return deadline_;
}

bool Authenticator::poll_transmit(Buffer& packet) {
  if (out_.empty()) return false;
  packet = std::move(out_.front());
  out_.pop_front();
  return true;
}

}  // namespace l2tp::ppp::auth
