// The --stats-listen request parser: whole requests, requests arriving in pieces (every split
// point gives NeedMore until the last octet), and what it refuses.
#include <gtest/gtest.h>

#include "peers/stats/http_request.hpp"

namespace l2tp::peers::http {
namespace L2TPSIM_FILE_ID {

TEST(StatsHttpRequest, GetWithQueryDecoded) {
  const auto r = parse_request("GET /control/rate?setups-per-second=2%2e5&x=a+b HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method, Method::Get);
  EXPECT_EQ(r->path, "/control/rate");
  EXPECT_EQ(r->param("setups-per-second"), "2.5");
  EXPECT_EQ(r->param("x"), "a b");
  EXPECT_FALSE(r->param("y"));
}

TEST(StatsHttpRequest, EveryPrefixNeedsMoreUntilTheBodyIsIn) {
  const std::string req =
      "POST /control/teardown HTTP/1.1\r\nContent-Length: 5\r\ncontent-type: x\r\n\r\nhello";
  for (std::size_t n = 0; n < req.size(); ++n) {
    const auto r = parse_request(std::string_view(req).substr(0, n));
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error(), ParseError::NeedMore) << n;
  }
  const auto r = parse_request(req);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method, Method::Post);
  EXPECT_EQ(r->path, "/control/teardown");
}

TEST(StatsHttpRequest, Refusals) {
  const auto error = [](std::string_view in) {
    const auto r = parse_request(in);
    return r ? std::optional<ParseError>() : std::optional<ParseError>(r.error());
  };
  EXPECT_EQ(error("DELETE / HTTP/1.1\r\n\r\n"), ParseError::BadMethod);
  EXPECT_EQ(error("GET / HTTP/2\r\n\r\n"), ParseError::Malformed);
  EXPECT_EQ(error("GET  / HTTP/1.1\r\n\r\n"), ParseError::Malformed);
  EXPECT_EQ(error("GET metrics HTTP/1.1\r\n\r\n"), ParseError::Malformed);
  EXPECT_EQ(error("get / HTTP/1.1\r\n\r\n"), ParseError::Malformed);
  EXPECT_EQ(error("GET / HTTP/1.1\r\nno colon\r\n\r\n"), ParseError::Malformed);
  EXPECT_EQ(error("GET /%zz HTTP/1.1\r\n\r\n"), ParseError::Malformed);
  EXPECT_EQ(error("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), ParseError::Malformed);
  EXPECT_EQ(error("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"), ParseError::Unsupported);
  EXPECT_EQ(error("POST / HTTP/1.1\r\nContent-Length: 9000\r\n\r\n"), ParseError::TooLarge);
  EXPECT_EQ(error("GET / HTTP/1.1\r\nX: " + std::string(kMaxRequest, 'a')), ParseError::TooLarge);
}

TEST(StatsHttpRequest, ResponseIsWholeAndCloses) {
  const std::string r = text_response(405, "use POST", {"Allow: POST"});
  EXPECT_EQ(
      r,
      "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 9\r\n"
      "Cache-Control: no-store\r\nAllow: POST\r\nConnection: close\r\n\r\nuse POST\n");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers::http
