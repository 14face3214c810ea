#include "engine/ppp/auth/mschap_message.hpp"

#include <algorithm>
#include <charconv>

#include "engine/ppp/auth/mschap.hpp"

namespace l2tp::ppp::auth {
namespace {

std::optional<unsigned> parse_decimal(std::string_view s) {
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

MsChapFailure parse_mschap_failure(std::string_view message) {
  MsChapFailure f;
  std::size_t pos = 0;
  while (pos < message.size()) {
    if (message[pos] == ' ') {
      ++pos;
      continue;
    }
    // M= runs to the end of the message: its text may contain spaces.
    if (message.substr(pos, 2) == "M=") {
      f.text = std::string(message.substr(pos + 2));
      break;
    }
    const std::size_t end = std::min(message.find(' ', pos), message.size());
    const std::string_view field = message.substr(pos, end - pos);
    pos = end;
    if (field.size() < 2 || field[1] != '=') continue;
    const std::string_view value = field.substr(2);
    switch (field[0]) {
      case 'E':
        f.error = parse_decimal(value);
        break;
      case 'R':
        if (value == "0" || value == "1") f.retry = value == "1";
        break;
      case 'C':
        f.challenge_hex = std::string(value);
        break;
      case 'V':
        f.version = parse_decimal(value);
        break;
      default:
        break;
    }
  }
  return f;
}

std::string build_mschap_failure(unsigned error, bool retry, Bytes challenge, unsigned version,
                                 std::string_view text) {
  std::string s = "E=" + std::to_string(error) + " R=" + (retry ? "1" : "0");
  if (!challenge.empty()) s += " C=" + to_upper_hex(challenge);
  s += " V=" + std::to_string(version);
  if (!text.empty()) s += " M=" + std::string(text);
  return s;
}

const char* mschap_error_name(unsigned error) {
  // RFC 2433 8 and RFC 2759 6.
  switch (error) {
    case 646:
      return "ERROR_RESTRICTED_LOGON_HOURS";
    case 647:
      return "ERROR_ACCT_DISABLED";
    case 648:
      return "ERROR_PASSWD_EXPIRED";
    case 649:
      return "ERROR_NO_DIALIN_PERMISSION";
    case 691:
      return "ERROR_AUTHENTICATION_FAILURE";
    case 709:
      return "ERROR_CHANGING_PASSWORD";
    default:
      return nullptr;
  }
}

std::string describe(const MsChapFailure& f) {
  std::string s = "MS-CHAP error ";
  if (f.error) {
    s += std::to_string(*f.error);
    if (const char* name = mschap_error_name(*f.error)) s += std::string(" ") + name;
  } else {
    s += "(no E= code)";
  }
  if (f.retry) s += *f.retry ? ", retry allowed" : ", retry not allowed";
  if (!f.text.empty()) s += ": " + f.text;
  return s;
}

std::optional<MsChapV2Success> parse_mschap2_success(std::string_view message) {
  if (message.substr(0, 2) != "S=") return std::nullopt;
  MsChapV2Success s;
  const std::size_t end = std::min(message.find(' '), message.size());
  s.authenticator_response = std::string(message.substr(0, end));
  const std::size_t m = message.find("M=", end);
  if (m != std::string_view::npos) s.text = std::string(message.substr(m + 2));
  return s;
}

}  // namespace l2tp::ppp::auth
