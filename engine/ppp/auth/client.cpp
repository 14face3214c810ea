#include "engine/ppp/auth/client.hpp"

#include <algorithm>
#include <array>

#include "engine/ppp/auth/chap_md5.hpp"
#include "engine/ppp/auth/mschap.hpp"
#include "engine/ppp/auth/packet.hpp"

namespace l2tp::ppp::auth {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

}  // namespace

Client::Client(Method method, std::string user, std::string password, Rng& rng, const AuthConfig& cfg)
    : method_(method), user_(std::move(user)), password_(std::move(password)), rng_(rng), cfg_(cfg) {}

void Client::start(Time now) {
  if (started_) return;
  started_ = true;
  if (method_ == Method::Pap) {
    // RFC 1334 2.2.1: Peer-ID and Password each have a one-octet length.
    if (user_.size() > 0xff || password_.size() > 0xff)
      return finish(Outcome::Failure, "user name or password longer than 255 octets cannot be sent with PAP");
    pap_id_ = static_cast<std::uint8_t>(rng_.next_u64());
    send_pap_request(now);
    return;
  }
  deadline_ = now + cfg_.passive_wait();
}

void Client::send_pap_request(Time now) {
  // P067 (RFC 1334 2.2): the Identifier changes with every request sent, repeats included.
  if (pap_requests_ > 0) ++pap_id_;
  ++pap_requests_;
  ++transmissions_;
  pap_ids_sent_.set(pap_id_);
  Buffer packet;
  write_pap_request(packet, pap_id_, user_, password_);
  out_.push_back(std::move(packet));
  deadline_ = now + cfg_.restart;
}

void Client::handle_packet(Bytes packet, Time now) {
  const auto parsed = parse_packet(packet);
  if (!started_ || !parsed) return discard();
  const PacketView& p = *parsed;
  if (method_ == Method::Pap) return handle_pap(p.code, p.id, p.data);
  switch (static_cast<ChapCode>(p.code)) {
    case ChapCode::Challenge:
      return handle_challenge(p.id, p.data, now);
    case ChapCode::Success:
    case ChapCode::Failure:
      return handle_status(p.code, p.id, p.data);
    default:
      return discard();  // a Response, or a code CHAP does not define
  }
}

void Client::handle_pap(std::uint8_t code, std::uint8_t id, Bytes data) {
  const auto c = static_cast<PapCode>(code);
  if (c != PapCode::AuthenticateAck && c != PapCode::AuthenticateNak) return discard();
  // A reply must copy the Identifier of a request we sent (RFC 1334 2.2.2, P067); once the
  // outcome is known, repeated replies change nothing.
  if (!pap_ids_sent_.test(id) || outcome_ != Outcome::Pending) return discard();
  peer_message_ = std::string(parse_pap_message(data));
  // P069: the Message is for display only and does not change what the code means.
  if (c == PapCode::AuthenticateAck) return finish(Outcome::Success, peer_message_);
  finish(Outcome::Failure,
         peer_message_.empty() ? "Authenticate-Nak without a message" : "Authenticate-Nak: " + peer_message_);
}

void Client::handle_challenge(std::uint8_t id, Bytes data, Time now) {
  const auto parsed = parse_chap_value(data);
  if (!parsed || outcome_ == Outcome::Failure) return discard();
  const Bytes value = parsed->value;
  // A retransmitted Challenge gets the Response it already had (P073), so a lost Response is
  // recovered and MS-CHAPv2 does not mint a second Peer-Challenge for the same Challenge.
  if (have_challenge_ && id == challenge_id_ && std::ranges::equal(value, challenge_value_)) {
    ++transmissions_;
    out_.push_back(response_);
    return;
  }
  Buffer response_value;
  switch (method_) {
    case Method::ChapMd5: {
      const auto digest = chap_md5_response(id, password_, value);
      response_value.assign(digest.begin(), digest.end());
      break;
    }
    case Method::MsChapV1:
      if (value.size() != kMsChapV1ChallengeSize) return discard();  // RFC 2433 5
      response_value = mschap1_response_value(Bytes8(value.data(), kMsChapV1ChallengeSize), password_);
      break;
    case Method::MsChapV2: {
      if (value.size() != kMsChapV2ChallengeSize) return discard();  // RFC 2759 3
      std::array<std::uint8_t, kMsChapV2ChallengeSize> peer_challenge{};
      rng_.fill(peer_challenge);
      const Bytes16 auth_challenge(value.data(), kMsChapV2ChallengeSize);
      const std::string_view user = mschap_user_name(user_);
      response_value = mschap2_response_value(auth_challenge, peer_challenge, user, password_);
      const ChallengeResponseValue nt = generate_nt_response(auth_challenge, peer_challenge, user, password_);
      expect_authenticator_response(
          id, generate_authenticator_response(password_, nt, peer_challenge, auth_challenge, user));
      break;
    }
    case Method::Pap:
      return discard();
  }
  have_challenge_ = true;
  challenge_id_ = id;
  challenge_value_.assign(value.begin(), value.end());
  // RFC 1994 4.1: the Name is the peer's own identification (for MS-CHAP, with any domain).
  write_chap_value(response_, ChapCode::Response, id, response_value, user_);
  awaiting_status_ = true;
  response_repeats_ = 0;
  chap_ids_answered_.set(id);
  constexpr std::size_t kUnansweredKept = 4;
  if (unanswered_.size() == kUnansweredKept) unanswered_.erase(unanswered_.begin());
  unanswered_.push_back(response_);
  ++transmissions_;
  out_.push_back(response_);
  // Repeating: the next copy after `restart`. Not repeating: the whole wait at once.
  if (outcome_ == Outcome::Pending)
    deadline_ = now + (cfg_.repeat_response ? cfg_.restart : cfg_.passive_wait());
}

void Client::expect_authenticator_response(std::uint8_t id, std::string response) {
  constexpr std::size_t kKept = 4;
  auto& e = expected_authenticator_responses_;
  std::erase_if(e, [id](const auto& x) { return x.first == id; });
  if (e.size() == kKept) e.erase(e.begin());
  e.emplace_back(id, std::move(response));
}

void Client::handle_status(std::uint8_t code, std::uint8_t id, Bytes data) {
  // Success/Failure carry the Identifier of the Response they answer (RFC 1994 4.2). Under
  // reordering an old Challenge may arrive after the current one and be answered last, while
  // the authenticator judges the Response to the current one: a verdict for any Challenge we
  // answered counts (the password is the same). MS-CHAPv2's Success is checked against the
  // authenticator response of the Response with its Identifier, so there only the last few
  // count (those we still know the expected authenticator response of).
  const std::string* expected = nullptr;
  if (method_ == Method::MsChapV2)
    for (const auto& [answered_id, response] : expected_authenticator_responses_)
      if (answered_id == id) expected = &response;
  const bool answered = method_ == Method::MsChapV2 ? expected != nullptr : chap_ids_answered_.test(id);
  if (!awaiting_status_ || !answered) return discard();
  awaiting_status_ = false;
  unanswered_ = {};
  peer_message_ = std::string(as_string_view(data));
  if (static_cast<ChapCode>(code) == ChapCode::Failure) {
    if (method_ == Method::MsChapV1 || method_ == Method::MsChapV2) {
      mschap_failure_ = std::make_unique<MsChapFailure>(parse_mschap_failure(peer_message_));
      return finish(Outcome::Failure, describe(*mschap_failure_));
    }
    return finish(Outcome::Failure, peer_message_.empty() ? "CHAP Failure without a message"
                                                          : "CHAP Failure: " + peer_message_);
  }
  if (method_ != Method::MsChapV2) return finish(Outcome::Success, peer_message_);
  // RFC 2759 5 (P087): the peer MUST verify the authenticator response and end the session
  // when it is missing or wrong. Hex case is not held against the authenticator here.
  const auto success = parse_mschap2_success(peer_message_);
  if (!success) return finish(Outcome::Failure, "MS-CHAPv2 Success without an authenticator response (S=)");
  if (upper(success->authenticator_response) != *expected)
    return finish(Outcome::Failure, "authenticator response mismatch: got " +
                                        success->authenticator_response + ", expected " + *expected);
  finish(Outcome::Success, success->text);
}

void Client::handle_timeout(Time now) {
  if (!deadline_ || now < *deadline_ || outcome_ != Outcome::Pending) return;
  deadline_.reset();
  if (method_ == Method::Pap) {
    // P065, P010: repeat the request, and give up only after max_attempts.
    if (pap_requests_ < cfg_.max_attempts) return send_pap_request(now);
    timed_out_ = true;
    return finish(Outcome::Failure,
                  "no response to PAP request after " + std::to_string(pap_requests_) + " attempts");
  }
  // A lost Success or Failure (or a lost Response the authenticator does not re-challenge for):
  // the same Response again, every `restart`, up to max_attempts in all.
  if (cfg_.repeat_response && awaiting_status_ && response_repeats_ + 1 < cfg_.max_attempts) {
    ++response_repeats_;
    for (const Buffer& r : unanswered_) {
      ++transmissions_;
      out_.push_back(r);
    }
    deadline_ = now + cfg_.restart;
    return;
  }
  timed_out_ = true;
  finish(Outcome::Failure, have_challenge_ ? "no Success or Failure from the peer after our Response"
                                           : "no Challenge from the peer");
}

std::optional<Time> Client::poll_timeout() const {
  return deadline_;
}

bool Client::poll_transmit(Buffer& packet) {
  if (out_.empty()) return false;
  packet = std::move(out_.front());
  out_.pop_front();
  return true;
}

void Client::finish(Outcome o, std::string message) {
  outcome_ = o;
  message_ = std::move(message);
  deadline_.reset();
}

}  // namespace l2tp::ppp::auth
