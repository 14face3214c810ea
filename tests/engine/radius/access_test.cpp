// Access-Request building per method (RFC 2865 5.2, 5.3, 5.40; RFC 2548 2.1-2.3) and reading
// the server's answer into a verdict.
#include "engine/radius/access.hpp"

#include <gtest/gtest.h>

#include "engine/radius/authenticators.hpp"

namespace l2tp::radius {
namespace L2TPSIM_FILE_ID {

using ppp::auth::Credentials;
using ppp::auth::Method;

Buffer from_hex(std::string_view hex) {
  Buffer out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

RequestContext nas() {
  RequestContext ctx;
  ctx.nas_ip = net::IpAddress::v4(192, 0, 2, 1);
  ctx.nas_identifier = "l2tpsim";
  ctx.nas_port = 42;
  ctx.calling_station_id = "198.51.100.7";
  ctx.called_station_id = "192.0.2.1";
  return ctx;
}

Packet build(const Credentials& c, std::string_view secret = "s3cret") {
  SeededRng rng(1);
  auto p = build_access_request(c, nas(), 9, secret, rng);
  EXPECT_TRUE(p) << (p ? "" : p.error());
  return p ? *p : Packet{};
}

TEST(RadiusAccessRequest, PapCarriesHiddenPasswordAndNasAttributes) {
  Credentials c;
  c.method = Method::Pap;
  c.user = "alice";
  c.password = "correct horse";
  const Packet p = build(c);
  EXPECT_EQ(p.code, Code::AccessRequest);
  EXPECT_EQ(p.identifier, 9);
  EXPECT_NE(p.authenticator, Authenticator{});
  EXPECT_EQ(as_text(*p.find(AttrType::UserName)), "alice");
  const Attribute* pw = p.find(AttrType::UserPassword);
  ASSERT_TRUE(pw);
  EXPECT_EQ(pw->value.size(), 16u);
  EXPECT_EQ(*unhide_password(pw->value, "s3cret", p.authenticator), "correct horse");
  EXPECT_EQ(as_ipv4(*p.find(AttrType::NasIpAddress))->to_string(), "192.0.2.1");
  EXPECT_EQ(as_text(*p.find(AttrType::NasIdentifier)), "l2tpsim");
  EXPECT_EQ(as_u32(*p.find(AttrType::NasPort)), 42u);
  EXPECT_EQ(as_u32(*p.find(AttrType::ServiceType)), 2u);
  EXPECT_EQ(as_u32(*p.find(AttrType::FramedProtocol)), 1u);
  EXPECT_EQ(as_u32(*p.find(AttrType::NasPortType)), 5u);
  EXPECT_EQ(as_text(*p.find(AttrType::CallingStationId)), "198.51.100.7");
  EXPECT_EQ(as_text(*p.find(AttrType::CalledStationId)), "192.0.2.1");
  EXPECT_FALSE(p.find(AttrType::ChapPassword));
  // Signed, it passes a server's Message-Authenticator check (RFC 3579 3.2).
  ASSERT_TRUE(p.find(AttrType::MessageAuthenticator));
  auto wire = encode(p);
  ASSERT_TRUE(wire);
  ASSERT_TRUE(sign_request(*wire, "s3cret"));
  EXPECT_TRUE(verify_request(*wire, "s3cret"));
  EXPECT_FALSE(verify_request(*wire, "other"));
}

TEST(RadiusAccessRequest, RequestAuthenticatorsDifferPerRequest) {
  Credentials c;
  c.user = "alice";
  SeededRng rng(7);
  auto a = build_access_request(c, nas(), 1, "s", rng);
  auto b = build_access_request(c, nas(), 2, "s", rng);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->authenticator, b->authenticator);
}

TEST(RadiusAccessRequest, ChapAsInRfc2865Example) {
  // RFC 2865 7.2: CHAP ID 0x16, response e975..., the 16-octet challenge 2aee...
  Credentials c;
  c.method = Method::ChapMd5;
  c.user = "flopsy";
  c.chap_id = 0x16;
  c.response = from_hex("e97557c316185895f293ff6344077275");
  c.challenge = from_hex("2aee86f08d0d55969ca5978e0d3367a2");
  const Packet p = build(c);
  EXPECT_EQ(to_hex(p.find(AttrType::ChapPassword)->value), "16e97557c316185895f293ff6344077275");
  EXPECT_EQ(to_hex(p.find(AttrType::ChapChallenge)->value), "2aee86f08d0d55969ca5978e0d3367a2");
  EXPECT_FALSE(p.find(AttrType::UserPassword));
}

TEST(RadiusAccessRequest, MsChapV1MovesFlagsToTheFront) {
  Credentials c;
  c.method = Method::MsChapV1;
  c.user = "bob";
  c.chap_id = 0x21;
  c.challenge = Buffer(8, 0xcc);
  c.response = Buffer(24, 0x11);                  // LM-Response
  c.response.insert(c.response.end(), 24, 0x22);  // NT-Response
  c.response.push_back(0x01);                     // use the NT-Response
  const Packet p = build(c);
  auto resp = p.find_vendor(kVendorMicrosoft, static_cast<std::uint8_t>(MsAttr::ChapResponse));
  ASSERT_TRUE(resp);
  ASSERT_EQ(resp->size(), 50u);  // RFC 2548 2.1.3
  EXPECT_EQ((*resp)[0], 0x21);   // Ident
  EXPECT_EQ((*resp)[1], 0x01);   // Flags
  EXPECT_EQ((*resp)[2], 0x11);
  EXPECT_EQ((*resp)[26], 0x22);
  EXPECT_EQ((*resp)[49], 0x22);
  EXPECT_EQ(*p.find_vendor(kVendorMicrosoft, static_cast<std::uint8_t>(MsAttr::ChapChallenge)),
            Buffer(8, 0xcc));
}

TEST(RadiusAccessRequest, MsChapV2Layout) {
  Credentials c;
  c.method = Method::MsChapV2;
  c.user = "DOMAIN\\carol";
  c.chap_id = 0x33;
  c.challenge = Buffer(16, 0xaa);
  c.response = Buffer(16, 0x55);                  // Peer-Challenge
  c.response.insert(c.response.end(), 8, 0x00);   // Reserved
  c.response.insert(c.response.end(), 24, 0x77);  // NT-Response
  c.response.push_back(0x00);                     // Flags
  const Packet p = build(c);
  auto resp = p.find_vendor(kVendorMicrosoft, static_cast<std::uint8_t>(MsAttr::Chap2Response));
  ASSERT_TRUE(resp);
  Buffer want{0x33, 0x00};
  want.insert(want.end(), 16, 0x55);
  want.insert(want.end(), 8, 0x00);
  want.insert(want.end(), 24, 0x77);
  EXPECT_EQ(*resp, want);  // RFC 2548 2.3.2: Ident, Flags, Peer-Challenge, Reserved, Response
  EXPECT_EQ(*p.find_vendor(kVendorMicrosoft, static_cast<std::uint8_t>(MsAttr::ChapChallenge)),
            Buffer(16, 0xaa));
  EXPECT_EQ(as_text(*p.find(AttrType::UserName)), "DOMAIN\\carol");
}

TEST(RadiusAccessRequest, RefusesWhatCannotBeSent) {
  SeededRng rng(1);
  Credentials chap;
  chap.method = Method::ChapMd5;
  chap.user = "u";
  chap.challenge = Buffer(16, 1);
  chap.response = Buffer(15, 1);
  EXPECT_FALSE(build_access_request(chap, nas(), 1, "s", rng));
  chap.response = Buffer(16, 1);
  chap.challenge.clear();
  EXPECT_FALSE(build_access_request(chap, nas(), 1, "s", rng));

  Credentials v2;
  v2.method = Method::MsChapV2;
  v2.challenge = Buffer(8, 1);  // a v1-sized challenge
  v2.response = Buffer(49, 1);
  auto e = build_access_request(v2, nas(), 1, "s", rng);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("challenge"), std::string::npos) << e.error();

  Credentials pap;
  pap.password = std::string(129, 'x');
  EXPECT_FALSE(build_access_request(pap, nas(), 1, "s", rng));
  pap.password = "ok";
  auto no_nas = build_access_request(pap, RequestContext{}, 1, "s", rng);
  ASSERT_FALSE(no_nas);
  EXPECT_NE(no_nas.error().find("NAS-IP-Address or NAS-Identifier"), std::string::npos);
}

TEST(RadiusAccessRequest, Ipv6NasAddress) {
  Credentials c;
  RequestContext ctx;
  ASSERT_TRUE(net::IpAddress::parse("2001:db8::1", ctx.nas_ip.emplace()));
  SeededRng rng(1);
  auto p = build_access_request(c, ctx, 1, "s", rng);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->find(AttrType::NasIpAddress));
  EXPECT_EQ(to_hex(p->find(AttrType::NasIpv6Address)->value), "20010db8000000000000000000000001");
}

Packet reply(Code code) {
  Packet p;
  p.code = code;
  return p;
}

TEST(RadiusAccessResponse, AcceptCarriesSessionParameters) {
  Packet p = reply(Code::AccessAccept);
  p.add_address(AttrType::FramedIpAddress, net::IpAddress::v4(10, 1, 2, 3));
  p.add_address(AttrType::FramedIpNetmask, net::IpAddress::v4(255, 255, 255, 255));
  p.add_u32(AttrType::SessionTimeout, 3600);
  p.add_u32(AttrType::IdleTimeout, 600);
  p.add_u32(AttrType::AcctInterimInterval, 300);
  p.add_string(AttrType::Class, "gold");
  p.add_string(AttrType::ReplyMessage, "Welcome, ");
  p.add_string(AttrType::ReplyMessage, "alice");
  const AuthResult r = interpret_access_response(p, Method::Pap);
  EXPECT_EQ(r.status, AuthStatus::Accepted);
  EXPECT_TRUE(r.verdict.accepted);
  EXPECT_EQ(r.verdict.message, "Welcome, alice");
  EXPECT_EQ(r.framed_ip->to_string(), "10.1.2.3");
  EXPECT_EQ(r.framed_netmask->to_string(), "255.255.255.255");
  EXPECT_EQ(r.session_timeout, std::chrono::seconds(3600));
  EXPECT_EQ(r.idle_timeout, std::chrono::seconds(600));
  EXPECT_EQ(r.interim_interval, std::chrono::seconds(300));
  ASSERT_EQ(r.classes.size(), 1u);
  EXPECT_EQ(as_string_view(r.classes[0]), "gold");
}

TEST(RadiusAccessResponse, AcceptWithoutOptionalAttributes) {
  Packet p = reply(Code::AccessAccept);
  p.add(AttrType::FramedIpAddress, Buffer{10, 0, 0});  // wrong size: ignored, not misread
  const AuthResult r = interpret_access_response(p, Method::ChapMd5);
  EXPECT_EQ(r.status, AuthStatus::Accepted);
  EXPECT_FALSE(r.framed_ip);
  EXPECT_FALSE(r.session_timeout);
  EXPECT_TRUE(r.verdict.message.empty());
}

TEST(RadiusAccessResponse, MsChapV2SuccessGivesAuthenticatorResponse) {
  const std::string s = "S=407A5589115FD0D6209F510FE9C04566932CDA56";  // RFC 2759 9.2's value
  Packet p = reply(Code::AccessAccept);
  p.add_vendor(kVendorMicrosoft, static_cast<std::uint8_t>(MsAttr::Chap2Success), as_bytes("\x33" + s));
  AuthResult r = interpret_access_response(p, Method::MsChapV2);
  EXPECT_EQ(r.status, AuthStatus::Accepted);
  EXPECT_EQ(r.verdict.authenticator_response, s);
  EXPECT_TRUE(r.verdict.message.empty());

  Packet m = reply(Code::AccessAccept);
  m.add_vendor(kVendorMicrosoft, static_cast<std::uint8_t>(MsAttr::Chap2Success),
               as_bytes("\x33" + s + " M=Hi"));
  r = interpret_access_response(m, Method::MsChapV2);
  EXPECT_EQ(r.verdict.authenticator_response, s);
  EXPECT_EQ(r.verdict.message, "Hi");
}

TEST(RadiusAccessResponse, MsChapV2AcceptWithoutSuccessIsFailed) {
  const AuthResult r = interpret_access_response(reply(Code::AccessAccept), Method::MsChapV2);
  EXPECT_EQ(r.status, AuthStatus::Failed);
  EXPECT_FALSE(r.verdict.accepted);
  EXPECT_NE(r.verdict.reason.find("MS-CHAP2-Success"), std::string::npos);
}

TEST(RadiusAccessResponse, RejectMessages) {
  Packet p = reply(Code::AccessReject);
  p.add_string(AttrType::ReplyMessage, "Authentication failed");
  p.add_vendor(kVendorMicrosoft, static_cast<std::uint8_t>(MsAttr::ChapError),
               as_bytes(std::string("\x00", 1) + "E=691 R=1 C=0123456789ABCDEF V=2"));
  AuthResult ms = interpret_access_response(p, Method::MsChapV1);
  EXPECT_EQ(ms.status, AuthStatus::Rejected);
  EXPECT_FALSE(ms.verdict.accepted);
  EXPECT_EQ(ms.verdict.message, "E=691 R=1 C=0123456789ABCDEF V=2");
  EXPECT_EQ(ms.reply_message, "Authentication failed");
  AuthResult pap = interpret_access_response(p, Method::Pap);
  EXPECT_EQ(pap.verdict.message, "Authentication failed");
  EXPECT_NE(pap.verdict.reason.find("Access-Reject"), std::string::npos);
  // MS-CHAP without MS-CHAP-Error: no free text where the peer expects "E=...".
  AuthResult bare = interpret_access_response(reply(Code::AccessReject), Method::MsChapV2);
  EXPECT_EQ(bare.status, AuthStatus::Rejected);
  EXPECT_TRUE(bare.verdict.message.empty());
}

TEST(RadiusAccessResponse, ChallengeAndStrangeCodesAreNotAccepted) {
  EXPECT_EQ(interpret_access_response(reply(Code::AccessChallenge), Method::Pap).status,
            AuthStatus::Challenged);
  const AuthResult r = interpret_access_response(reply(Code::AccountingResponse), Method::Pap);
  EXPECT_EQ(r.status, AuthStatus::Failed);
  EXPECT_FALSE(r.verdict.accepted);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::radius
