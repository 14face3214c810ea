// Method names and the mapping to and from the LCP Authentication-Protocol option.
#include "engine/ppp/auth/auth.hpp"

namespace l2tp::ppp::auth {

const char* to_string(Method m) {
  switch (m) {
    case Method::Pap:
      return "pap";
    case Method::ChapMd5:
      return "chap";
    case Method::MsChapV1:
      return "mschap1";
    case Method::MsChapV2:
      return "mschap2";
  }
  return "?";
}

std::optional<Method> method_from_string(std::string_view s) {
  for (Method m : kAllMethods)
    if (s == to_string(m)) return m;
  return std::nullopt;
}

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::Pending:
      return "pending";
    case Outcome::Success:
      return "success";
    case Outcome::Failure:
      return "failure";
  }
  return "?";
}

std::uint16_t lcp_protocol(Method m) {
  return m == Method::Pap ? kPapProtocol : kChapProtocol;
}

std::optional<std::uint8_t> chap_algorithm(Method m) {
  switch (m) {
    case Method::Pap:
      return std::nullopt;
    case Method::ChapMd5:
      return kChapAlgorithmMd5;
    case Method::MsChapV1:
      return kChapAlgorithmMsChapV1;
    case Method::MsChapV2:
      return kChapAlgorithmMsChapV2;
  }
  return std::nullopt;
}

std::optional<Method> method_from_lcp(std::uint16_t protocol, std::optional<std::uint8_t> algorithm) {
  if (protocol == kPapProtocol) return algorithm ? std::nullopt : std::optional{Method::Pap};
  if (protocol != kChapProtocol || !algorithm) return std::nullopt;
  switch (*algorithm) {
    case kChapAlgorithmMd5:
      return Method::ChapMd5;
    case kChapAlgorithmMsChapV1:
      return Method::MsChapV1;
    case kChapAlgorithmMsChapV2:
      return Method::MsChapV2;
    default:
      return std::nullopt;
  }
}

}  // namespace l2tp::ppp::auth
