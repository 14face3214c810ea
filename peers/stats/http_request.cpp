#include "peers/stats/http_request.hpp"

#include <algorithm>
#include <cctype>

namespace l2tp::peers::http {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX and '+' (a space, in a query) decoded; nullopt for a broken %.
std::optional<std::string> decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      const int hi = i + 1 < s.size() ? hex_digit(s[i + 1]) : -1;
      const int lo = i + 2 < s.size() ? hex_digit(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> Request::param(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return v;
  return std::nullopt;
}

Result<Request, ParseError> parse_request(std::string_view in) {
  const auto head_end = in.find("\r\n\r\n");
  if (head_end == std::string_view::npos)
    return unexpected(in.size() >= kMaxRequest ? ParseError::TooLarge : ParseError::NeedMore);
  const std::string_view head = in.substr(0, head_end);
  const auto line_end = head.find("\r\n");
  const std::string_view line = head.substr(0, line_end);

  // Request line: METHOD SP request-target SP HTTP-version (RFC 9112 3).
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return unexpected(ParseError::Malformed);
  const std::string_view method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1),
                         version = line.substr(sp2 + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return unexpected(ParseError::Malformed);
  if (target.empty() || target.front() != '/') return unexpected(ParseError::Malformed);
  Request r;
  if (method == "GET")
    r.method = Method::Get;
  else if (method == "POST")
    r.method = Method::Post;
  else if (method.empty() ||
           !std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
    return unexpected(ParseError::Malformed);
  else
    return unexpected(ParseError::BadMethod);

  // Headers: only the body's framing matters here.
  std::size_t body_length = 0;
  std::size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    const auto end = std::min(head.find("\r\n", pos), head.size());
    const std::string_view field = head.substr(pos, end - pos);
    pos = end + 2;
    const auto colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0) return unexpected(ParseError::Malformed);
    const std::string name = lower(field.substr(0, colon));
    const std::string_view value = trim(field.substr(colon + 1));
    if (name == "transfer-encoding") return unexpected(ParseError::Unsupported);
    if (name == "content-length") {
      if (value.empty() || value.size() > 6 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return unexpected(ParseError::Malformed);
      body_length = std::stoul(std::string(value));
    }
  }
  const std::size_t whole = head_end + 4 + body_length;
  if (whole > kMaxRequest) return unexpected(ParseError::TooLarge);
  if (in.size() < whole) return unexpected(ParseError::NeedMore);

  const auto q = target.find('?');
  const auto path = decode(target.substr(0, q));
  if (!path) return unexpected(ParseError::Malformed);
  r.path = *path;
  if (q != std::string_view::npos) {
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
      const auto amp = std::min(rest.find('&'), rest.size());
      const std::string_view item = rest.substr(0, amp);
      rest.remove_prefix(std::min(amp + 1, rest.size()));
      if (item.empty()) continue;
      const auto eq = item.find('=');
      const auto k = decode(item.substr(0, eq));
      const auto v = decode(eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1));
      if (!k || !v) return unexpected(ParseError::Malformed);
      r.query.emplace_back(*k, *v);
    }
  }
  return r;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

std::string response(int status, std::string_view content_type, std::string_view body,
                     const std::vector<std::string>& extra_headers) {
  std::string r = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase(status)) + "\r\n";
  r += "Content-Type: " + std::string(content_type) + "\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  r += "Cache-Control: no-store\r\n";
  for (const auto& h : extra_headers) r += h + "\r\n";
  r += "Connection: close\r\n\r\n";
  r += body;
  return r;
}

std::string text_response(int status, std::string_view text, const std::vector<std::string>& extra_headers) {
  return response(status, "text/plain; charset=utf-8", std::string(text) + "\n", extra_headers);
}

}  // namespace l2tp::peers::http
