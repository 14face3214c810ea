#include "engine/ppp/auth/verify.hpp"

#include "engine/ppp/auth/chap_md5.hpp"
#include "engine/ppp/auth/mschap.hpp"

namespace l2tp::ppp::auth {
namespace {

// Compares without an early exit, so the time taken does not tell how many octets matched.
bool same_octets(Bytes a, Bytes b) {
  if (a.size() != b.size()) return false;
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<std::uint8_t>(a[i] ^ b[i]);
  return diff == 0;
}

Verdict refuse(std::string reason) {
  Verdict v;
  v.reason = std::move(reason);
  return v;
}

Verdict accept() {
  Verdict v;
  v.accepted = true;
  return v;
}

std::string size_mismatch(const char* what, std::size_t got, std::size_t want) {
  return std::string(what) + " has " + std::to_string(got) + " octets, expected " + std::to_string(want);
}

Verdict verify_pap(const Credentials& c, std::string_view password) {
  if (same_octets(as_bytes(c.password), as_bytes(password))) return accept();
  return refuse("wrong password");
}

Verdict verify_chap_md5(const Credentials& c, std::string_view password) {
  if (c.response.size() != kChapMd5ResponseSize)
    return refuse(size_mismatch("CHAP-MD5 response", c.response.size(), kChapMd5ResponseSize));
  const auto expected = chap_md5_response(c.chap_id, password, c.challenge);
  if (same_octets(c.response, expected)) return accept();
  return refuse("wrong password");
}

Verdict verify_mschap1(const Credentials& c, std::string_view password) {
  if (c.challenge.size() != kMsChapV1ChallengeSize)
    return refuse(size_mismatch("MS-CHAPv1 challenge", c.challenge.size(), kMsChapV1ChallengeSize));
  if (c.response.size() != kMsChapResponseSize)
    return refuse(size_mismatch("MS-CHAPv1 response", c.response.size(), kMsChapResponseSize));
  const Bytes8 challenge(c.challenge.data(), kMsChapV1ChallengeSize);
  const Bytes response(c.response);
  // RFC 2433 6: flag 1 means "use the NT response"; 0 means only the LM response counts.
  if (response[48] == 1) {
    if (same_octets(response.subspan(24, 24), nt_challenge_response(challenge, password))) return accept();
    return refuse("wrong password");
  }
  const auto lm = lm_challenge_response(challenge, password);
  if (!lm) return refuse("LAN Manager response for a password over 14 characters");
  if (same_octets(response.subspan(0, 24), *lm)) return accept();
  return refuse("wrong password (LAN Manager response, flag " + std::to_string(response[48]) + ")");
}

Verdict verify_mschap2(const Credentials& c, std::string_view password) {
  if (c.challenge.size() != kMsChapV2ChallengeSize)
    return refuse(size_mismatch("MS-CHAPv2 challenge", c.challenge.size(), kMsChapV2ChallengeSize));
  if (c.response.size() != kMsChapResponseSize)
    return refuse(size_mismatch("MS-CHAPv2 response", c.response.size(), kMsChapResponseSize));
  const Bytes16 auth_challenge(c.challenge.data(), kMsChapV2ChallengeSize);
  const Bytes16 peer_challenge(c.response.data(), kMsChapV2ChallengeSize);
  const Bytes nt_response = Bytes(c.response).subspan(24, 24);
  const std::string_view user = mschap_user_name(c.user);
  const ChallengeResponseValue expected =
      generate_nt_response(auth_challenge, peer_challenge, user, password);
  if (!same_octets(nt_response, expected)) return refuse("wrong password");
  Verdict v = accept();
  v.authenticator_response =
      generate_authenticator_response(password, expected, peer_challenge, auth_challenge, user);
  return v;
}

}  // namespace

Verdict verify_with_password(const Credentials& c, std::string_view password) {
  switch (c.method) {
    case Method::Pap:
      return verify_pap(c, password);
    case Method::ChapMd5:
      return verify_chap_md5(c, password);
    case Method::MsChapV1:
      return verify_mschap1(c, password);
    case Method::MsChapV2:
      return verify_mschap2(c, password);
  }
  return refuse("unknown method");
}

}  // namespace l2tp::ppp::auth
