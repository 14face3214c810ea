// The little HTTP/1.1 that --stats-listen speaks: a request's head (and a short body, which it
// reads and ignores) parsed from what has arrived so far, and a whole response with
// `Connection: close`. Pure: the server (stats_server.hpp) moves the bytes. One request per
// connection, GET and POST only, no chunked bodies; everything past kMaxRequest is refused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/util/result.hpp"

namespace l2tp::peers::http {

// Request line, headers and body together: a scrape or a control needs a few hundred octets.
inline constexpr std::size_t kMaxRequest = 8192;

enum class Method : std::uint8_t { Get, Post };

struct Request {
  Method method = Method::Get;
  std::string path;                                        // without the query
  std::vector<std::pair<std::string, std::string>> query;  // in order, %XX decoded
  // The value of query parameter `name`, if given.
  std::optional<std::string> param(std::string_view name) const;
};

enum class ParseError : std::uint8_t {
  NeedMore,     // not the whole request yet
  TooLarge,     // more than kMaxRequest: 413
  Malformed,    // not an HTTP/1.x request: 400
  BadMethod,    // neither GET nor POST: 405
  Unsupported,  // a chunked body: 501
};

// The request in `received` (every octet the connection has read so far).
Result<Request, ParseError> parse_request(std::string_view received);

// A whole response: status line, Content-Type, Content-Length, Connection: close, the body.
// `extra_headers` are whole lines without their CRLF ("Allow: GET, POST").
std::string response(int status, std::string_view content_type, std::string_view body,
                     const std::vector<std::string>& extra_headers = {});
// A plain-text response whose body is `text` and a line feed.
std::string text_response(int status, std::string_view text,
                          const std::vector<std::string>& extra_headers = {});
// The status's reason phrase ("Not Found").
std::string_view reason_phrase(int status);

}  // namespace l2tp::peers::http
