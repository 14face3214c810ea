// Secrets files in RouterOS vocabulary: every line form the parser accepts, and every error
// with its exact file:line:column.
#include <gtest/gtest.h>

#include "peers/users/user_db.hpp"

namespace l2tp::peers {
namespace L2TPSIM_FILE_ID {

UserDb parse_ok(std::string_view text) {
  auto r = UserDb::parse(text, "users.rsc");
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error());
  return r ? std::move(*r) : UserDb{};
}

std::string parse_error(std::string_view text) {
  auto r = UserDb::parse(text, "users.rsc");
  EXPECT_FALSE(r.has_value());
  return r ? "" : r.error();
}

TEST(SecretsParser, TheExampleFromTheBrief) {
  const auto db = parse_ok(R"(# comment
/ppp secret add name=MT-User password=StrongPass local-address=10.0.0.2 remote-address=10.0.0.1 service=l2tp profile=default
name=user2 password="with space" profile=pool-users
/ppp profile add name=pool-users local-address=10.1.0.1 remote-address=POOL1 dns-server=8.8.8.8,1.1.1.1
/ip pool add name=POOL1 ranges=10.1.0.10-10.1.0.250,10.2.0.0/30
/ppp secret
add name=x password=y
)");
  ASSERT_EQ(db.secrets().size(), 3u);
  const PppSecret* mt = db.secret("MT-User");
  ASSERT_NE(mt, nullptr);
  EXPECT_EQ(mt->password, "StrongPass");
  EXPECT_EQ(mt->service, "l2tp");
  EXPECT_EQ(mt->profile, "default");
  ASSERT_TRUE(mt->local_address.address);
  EXPECT_EQ(mt->local_address.address->to_string(), "10.0.0.2");
  ASSERT_TRUE(mt->remote_address.address);
  EXPECT_EQ(mt->remote_address.address->to_string(), "10.0.0.1");
  EXPECT_EQ(mt->origin, "users.rsc:2");

  const PppSecret* u2 = db.secret("user2");
  ASSERT_NE(u2, nullptr);
  EXPECT_EQ(u2->password, "with space");
  EXPECT_EQ(u2->service, "any");
  EXPECT_EQ(u2->profile, "pool-users");

  const PppSecret* x = db.secret("x");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->password, "y");

  const PppProfile* p = db.profile("pool-users");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->local_address.address->to_string(), "10.1.0.1");
  EXPECT_EQ(p->remote_address.pool, "POOL1");
  ASSERT_EQ(p->dns_servers.size(), 2u);
  EXPECT_EQ(p->dns_servers[0].to_string(), "8.8.8.8");
  EXPECT_EQ(p->dns_servers[1].to_string(), "1.1.1.1");

  const IpPool* pool = db.pool("POOL1");
  ASSERT_NE(pool, nullptr);
  ASSERT_EQ(pool->ranges.size(), 2u);
  EXPECT_EQ(pool->ranges[0].size() + pool->ranges[1].size(), 241u + 2u);
  EXPECT_TRUE(pool->next_pool.empty());
}

TEST(SecretsParser, BuiltInProfilesExist) {
  const UserDb db = parse_ok("");
  ASSERT_NE(db.profile("default"), nullptr);
  ASSERT_NE(db.profile("default-encryption"), nullptr);
  EXPECT_TRUE(db.profile("default")->origin.empty());
  EXPECT_TRUE(db.secrets().empty());
}

TEST(SecretsParser, BuiltInProfileMayBeRedefinedOnceByAdd) {
  const auto db = parse_ok("/ppp profile add name=default local-address=10.9.0.1\n");
  ASSERT_NE(db.profile("default"), nullptr);
  EXPECT_EQ(db.profile("default")->local_address.address->to_string(), "10.9.0.1");
  EXPECT_EQ(db.profiles().size(), 2u);
  EXPECT_EQ(parse_error("/ppp profile add name=default\n/ppp profile add name=default\n"),
            "users.rsc:2:14: name: profile \"default\" is already defined at users.rsc:1");
}

TEST(SecretsParser, SetChangesBuiltInProfilesTheWayExportsDo) {
  const auto db = parse_ok(R"(/ppp profile
set *0 dns-server=9.9.9.9 only-one=yes
set *FFFFFFFE local-address=10.7.0.1
add name=gold
set [ find name=gold ] session-timeout=1h
set gold idle-timeout=5m
/ppp/profile/set [ find where name=default ] remote-address=10.7.0.9
)");
  EXPECT_EQ(db.profile("default")->dns_servers.at(0).to_string(), "9.9.9.9");
  EXPECT_EQ(db.profile("default")->only_one, true);
  EXPECT_EQ(db.profile("default")->remote_address.address->to_string(), "10.7.0.9");
  EXPECT_EQ(db.profile("default-encryption")->local_address.address->to_string(), "10.7.0.1");
  EXPECT_EQ(db.profile("gold")->session_timeout, std::chrono::hours(1));
  EXPECT_EQ(db.profile("gold")->idle_timeout, std::chrono::minutes(5));
}

TEST(SecretsParser, SlashPathsAndSectionHeaders) {
  const auto db = parse_ok(R"(/ip/pool/add name=P ranges=10.0.0.2
/ppp secret
add name=a password=1
/ppp profile
add name=prof remote-address=P
/ppp/secret/add name=b password=2
/ip pool
add name=Q ranges=10.0.1.0/24
/ppp secret add name=c password=3
)");
  EXPECT_NE(db.secret("a"), nullptr);
  EXPECT_NE(db.secret("b"), nullptr);
  EXPECT_NE(db.secret("c"), nullptr);
  EXPECT_NE(db.profile("prof"), nullptr);
  EXPECT_NE(db.pool("P"), nullptr);
  EXPECT_NE(db.pool("Q"), nullptr);
}

TEST(SecretsParser, ASingleLineCommandDoesNotChangeTheContext) {
  // After "/ip pool add ...", a bare "add" still belongs to the last header (/ppp secret).
  const auto db = parse_ok("/ppp secret\n/ip pool add name=P ranges=10.0.0.2\nadd name=a password=1\n");
  EXPECT_NE(db.secret("a"), nullptr);
}

TEST(SecretsParser, BareAddWithoutHeaderIsASecret) {
  const auto db = parse_ok("add name=a password=1\n");
  EXPECT_NE(db.secret("a"), nullptr);
}

TEST(SecretsParser, ExportLineWrapping) {
  const auto db = parse_ok(
      "/ppp secret\n"
      "add caller-id=\"\" comment=\"a comment that RouterOS wrapped because it was \\\n"
      "    long\" local-address=10.0.0.2 name=wrapped password=\"p w\" \\\n"
      "    remote-address=10.0.0.1 service=l2tp\n");
  const PppSecret* s = db.secret("wrapped");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->comment, "a comment that RouterOS wrapped because it was long");
  EXPECT_EQ(s->password, "p w");
  EXPECT_EQ(s->remote_address.address->to_string(), "10.0.0.1");
}

TEST(SecretsParser, EveryKnownSecretKey) {
  const auto db = parse_ok(
      "name=a password=b service=pptp profile=default-encryption local-address=10.0.0.1 "
      "remote-address=10.0.0.2 caller-id=192.0.2.7 disabled=yes comment=c routes=\"10.5.0.0/24 10.0.0.2 1\" "
      "limit-bytes-in=1000 limit-bytes-out=2000 ipv6-routes=\"\" remote-ipv6-prefix=::/64\n");
  const PppSecret* s = db.secret("a");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->service, "pptp");
  EXPECT_EQ(s->profile, "default-encryption");
  EXPECT_EQ(s->caller_id, "192.0.2.7");
  EXPECT_TRUE(s->disabled);
  EXPECT_EQ(s->comment, "c");
  EXPECT_EQ(s->routes, "10.5.0.0/24 10.0.0.2 1");
  EXPECT_EQ(s->limit_bytes_in, 1000u);
  EXPECT_EQ(s->limit_bytes_out, 2000u);
  EXPECT_EQ(s->other.at("remote-ipv6-prefix"), "::/64");
  // Kept, but not for L2TP logins.
  EXPECT_FALSE(s->usable_for_l2tp());
  EXPECT_EQ(db.find("a"), nullptr);
}

TEST(SecretsParser, EveryKnownProfileAndPoolKey) {
  const auto db = parse_ok(
      "/ip pool add name=A ranges=10.0.0.0/30 next-pool=B comment=first\n"
      "/ip pool add name=B ranges=10.0.1.1-10.0.1.2 next-pool=none\n"
      "/ppp profile add name=p local-address=A remote-address=B dns-server=1.1.1.1 only-one=no "
      "session-timeout=1d idle-timeout=00:10:00 comment=hi change-tcp-mss=yes use-encryption=yes\n"
      "/ppp profile add name=q only-one=default\n");
  EXPECT_EQ(db.pool("A")->next_pool, "B");
  EXPECT_EQ(db.pool("A")->comment, "first");
  EXPECT_TRUE(db.pool("B")->next_pool.empty());
  const PppProfile* p = db.profile("p");
  EXPECT_EQ(p->local_address.pool, "A");
  EXPECT_EQ(p->remote_address.pool, "B");
  EXPECT_EQ(p->only_one, false);
  EXPECT_EQ(p->session_timeout, std::chrono::hours(24));
  EXPECT_EQ(p->idle_timeout, std::chrono::minutes(10));
  EXPECT_EQ(p->comment, "hi");
  EXPECT_EQ(p->other.at("change-tcp-mss"), "yes");
  EXPECT_FALSE(db.profile("q")->only_one.has_value());
}

TEST(SecretsParser, PoolsMayBeUsedBeforeTheyAreDefined) {
  const auto db =
      parse_ok("name=a password=b remote-address=LATER\n/ip pool add name=LATER ranges=10.0.0.5\n");
  EXPECT_EQ(db.secret("a")->remote_address.pool, "LATER");
}

// ---- errors: each names file, line, column (of the key or value) and key ----

TEST(SecretsParser, ErrorBadRemoteAddress) {
  EXPECT_EQ(parse_error("\n\n\n\n\n\n/ppp secret add name=x password=y remote-address=10.0.0\n"),
            "users.rsc:7:50: remote-address: expected an IPv4 address or a pool name, got \"10.0.0\"");
}

TEST(SecretsParser, ErrorUnknownKeySuggestsTheClosestOne) {
  EXPECT_EQ(
      parse_error("name=a pasword=b\n"),
      "users.rsc:1:8: pasword: not a /ppp secret property; did you mean password? (known: name, password, "
      "service, profile, local-address, remote-address, caller-id, disabled, comment, routes, "
      "limit-bytes-in, limit-bytes-out)");
  const std::string profile = parse_error("/ppp profile add name=p rate-limt=1M\n");
  EXPECT_EQ(profile.substr(0, profile.find(" (known")),
            "users.rsc:1:25: rate-limt: not a /ppp profile property");
  EXPECT_EQ(
      parse_error("/ip pool add name=p ranges=10.0.0.1 nextpool=q\n"),
      "users.rsc:1:37: nextpool: not a /ip pool property; did you mean next-pool? (known: name, ranges, "
      "next-pool, comment)");
}

TEST(SecretsParser, ErrorValueProblems) {
  EXPECT_EQ(parse_error("name=a service=ssh\n"),
            "users.rsc:1:16: service: expected one of any, async, isdn, l2tp, ovpn, pppoe, pptp, sstp, got "
            "\"ssh\"");
  EXPECT_EQ(parse_error("name=a disabled=true\n"),
            "users.rsc:1:17: disabled: expected yes or no, got \"true\"");
  EXPECT_EQ(parse_error("name=a limit-bytes-in=-5\n"),
            "users.rsc:1:23: limit-bytes-in: expected a non-negative whole number, got \"-5\"");
  EXPECT_EQ(parse_error("name=\"\"\n"), "users.rsc:1:6: name: expected a non-empty name");
  EXPECT_EQ(parse_error("/ppp profile add name=p only-one=maybe\n"),
            "users.rsc:1:34: only-one: expected yes, no or default, got \"maybe\"");
  EXPECT_EQ(
      parse_error("/ppp profile add name=p session-timeout=1y\n"),
      "users.rsc:1:41: session-timeout: expected a time such as 30s, 1h30m, 1d or 00:30:00, got \"1y\"");
  // List errors point at the offending item, not the start of the value.
  EXPECT_EQ(parse_error("/ppp profile add name=p dns-server=8.8.8.8,8.8.4\n"),
            "users.rsc:1:44: dns-server: expected an IPv4 address, got \"8.8.4\"");
  EXPECT_EQ(parse_error("/ip pool add name=P ranges=10.0.0.1-10.0.0.9,10.0.0.5\n"),
            "users.rsc:1:46: ranges: \"10.0.0.5\" overlaps \"10.0.0.1-10.0.0.9\" in the same pool");
  // In a quoted value the column counts the quote.
  EXPECT_EQ(parse_error("/ip pool add name=P ranges=\"10.0.0.1,10.0.0.300\"\n"),
            "users.rsc:1:38: ranges: expected a range (10.1.0.10-10.1.0.250), an address or a CIDR prefix "
            "(10.2.0.0/30), got \"10.0.0.300\"");
}

TEST(SecretsParser, ErrorOnAContinuationLineNamesThePhysicalLine) {
  EXPECT_EQ(parse_error("add name=a \\\n    disabled=perhaps\n"),
            "users.rsc:2:14: disabled: expected yes or no, got \"perhaps\"");
}

TEST(SecretsParser, ErrorMissingAndDuplicate) {
  EXPECT_EQ(parse_error("password=x\n"), "users.rsc:1:1: name: missing: every secret needs name=");
  EXPECT_EQ(parse_error("/ppp secret\n  add password=x\n"),
            "users.rsc:2:3: name: missing: every secret needs name=");
  EXPECT_EQ(parse_error("/ppp profile add local-address=10.0.0.1\n"),
            "users.rsc:1:14: name: missing: every profile needs name=");
  EXPECT_EQ(parse_error("/ip pool add name=P\n"),
            "users.rsc:1:10: ranges: missing: pool \"P\" needs ranges=");
  EXPECT_EQ(parse_error("/ip pool add ranges=10.0.0.1\n"),
            "users.rsc:1:10: name: missing: every pool needs name=");
  EXPECT_EQ(parse_error("name=a\nname=a\n"),
            "users.rsc:2:1: name: secret \"a\" is already defined at users.rsc:1");
  EXPECT_EQ(parse_error("/ip pool add name=P ranges=10.0.0.1\n/ip pool add name=P ranges=10.0.0.2\n"),
            "users.rsc:2:10: name: pool \"P\" is already defined at users.rsc:1");
  EXPECT_EQ(parse_error("/ppp profile add name=g\n/ppp profile add name=g\n"),
            "users.rsc:2:14: name: profile \"g\" is already defined at users.rsc:1");
  EXPECT_EQ(parse_error("name=a password=b password=c\n"),
            "users.rsc:1:19: password: given twice in one command");
}

TEST(SecretsParser, ErrorReferencesToUndefinedThings) {
  EXPECT_EQ(parse_error("name=a profile=gold\n"),
            "users.rsc:1:16: profile: no profile named \"gold\" is defined (profiles: default, "
            "default-encryption)");
  EXPECT_EQ(
      parse_error("/ip pool add name=P ranges=10.0.0.1\nname=a remote-address=POOL9\n"),
      "users.rsc:2:23: remote-address: \"POOL9\" is neither an IPv4 address nor a defined pool (pools: P)");
  EXPECT_EQ(
      parse_error("/ppp profile add name=p local-address=NOPE\n"),
      "users.rsc:1:39: local-address: \"NOPE\" is neither an IPv4 address nor a defined pool (pools: none)");
  EXPECT_EQ(parse_error("/ip pool add name=P ranges=10.0.0.1 next-pool=Q\n"),
            "users.rsc:1:47: next-pool: no pool named \"Q\" is defined (pools: P)");
}

TEST(SecretsParser, ErrorLineShapes) {
  EXPECT_EQ(parse_error("hello\n"),
            "users.rsc:1:1: expected key=value, add, or a section such as /ppp secret, got \"hello\"");
  EXPECT_EQ(parse_error("name=a password\n"), "users.rsc:1:8: expected key=value, got \"password\"");
  EXPECT_EQ(parse_error("name=a =b\n"), "users.rsc:1:8: expected a key before =");
  EXPECT_EQ(
      parse_error("/interface bridge add name=br0\n"),
      "users.rsc:1:1: \"/interface bridge\" is not a users section; expected /ppp secret, /ppp profile or "
      "/ip pool");
  EXPECT_EQ(parse_error("/ppp secret remove 0\n"),
            "users.rsc:1:13: /ppp secret remove: only add (and set on /ppp profile) can be read from a "
            "secrets file");
  EXPECT_EQ(
      parse_error("/ppp secret\nset 0 password=x\n"),
      "users.rsc:2:1: /ppp secret set: only add (and set on /ppp profile) can be read from a secrets file");
  EXPECT_EQ(parse_error("/ppp secret name=a\n"), "users.rsc:1:13: expected add after /ppp secret");
  EXPECT_EQ(parse_error("/ppp/secret/add/more name=a\n"),
            "users.rsc:1:1: unexpected \"more\" after /ppp secret");
  EXPECT_EQ(parse_error("name=a password=\"open\n"),
            "users.rsc:1:17: unterminated quoted value (a closing \" is missing on this line)");
}

TEST(SecretsParser, ErrorSetProblems) {
  EXPECT_EQ(
      parse_error("/ppp profile set *5 only-one=yes\n"),
      "users.rsc:1:18: profile id *5 is only known on the router; use its name (*0 is default, *FFFFFFFE is "
      "default-encryption)");
  EXPECT_EQ(parse_error("/ppp profile set gold only-one=yes\n"),
            "users.rsc:1:18: no profile named \"gold\" to set (define it with add first)");
  EXPECT_EQ(parse_error("/ppp profile set *0 name=other\n"),
            "users.rsc:1:21: name: set cannot rename a profile");
  EXPECT_EQ(parse_error("/ppp profile set [ find comment=x ] only-one=yes\n"),
            "users.rsc:1:18: expected [ find name=NAME ] to pick the profile");
  EXPECT_EQ(parse_error("/ppp profile set\n"),
            "users.rsc:1:14: set needs the profile to change (*0, a name, or [ find name=... ])");
  EXPECT_EQ(parse_error("/ppp profile set only-one=yes\n"),
            "users.rsc:1:18: set needs the profile to change before \"only-one=...\"");
}

TEST(SecretsParser, LoadNamesTheFileInErrors) {
  auto missing = UserDb::load("/nonexistent/users.rsc");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), "/nonexistent/users.rsc: cannot open the secrets file");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::peers
