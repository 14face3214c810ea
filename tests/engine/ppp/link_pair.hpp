// Two ppp::Links, client and server, wired back to back with a fake clock (link_test,
// proxy_test): frames cross until nothing moves, the server's NeedVerdict is answered with a
// local password check, and time jumps to the next timeout. LCP packets are counted by code
// and direction so tests can say what was (not) negotiated on the wire.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "engine/ppp/auth/verify.hpp"
#include "engine/ppp/frame.hpp"
#include "engine/ppp/link.hpp"
#include "engine/ppp/protocol.hpp"

namespace l2tp::ppp::testing {

using namespace std::chrono_literals;

inline net::IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return net::IpAddress::v4(a, b, c, d);
}

struct Pair {
  Pair(LinkConfig client_cfg, LinkConfig server_cfg, std::string server_password = "secret")
      : rng_c(1), rng_s(2), password(std::move(server_password)) {
    client_cfg.role = Role::Client;
    server_cfg.role = Role::Server;
    client.emplace(client_cfg, rng_c, now);
    server.emplace(server_cfg, rng_s, now);
  }

  // Moves frames both ways and answers the server's NeedVerdict with a local password check,
  // until nothing moves; then advances time to the next timeout, up to `limit`.
  void run(Duration limit) {
    const Time end = now + limit;
    for (;;) {
      pump();
      std::optional<Time> next;
      for (Link* l : {&*client, &*server})
        if (auto t = l->poll_timeout(); t && (!next || *t < *next)) next = t;
      if (!next || *next > end) break;
      now = std::max(now, *next);
      client->handle_timeout(now);
      server->handle_timeout(now);
    }
    now = std::max(now, end);
  }

  void pump() {
    for (bool moved = true; moved;) {
      moved = false;
      Buffer f;
      while (client->poll_transmit(f)) {
        moved = true;
        ++client_frames;
        count_lcp(f, client_lcp);
        if (!drop_client_to_server && !(drop && drop(true, f))) server->handle_frame(f, now);
      }
      while (server->poll_transmit(f)) {
        moved = true;
        count_lcp(f, server_lcp);
        if (!drop_server_to_client && !(drop && drop(false, f))) client->handle_frame(f, now);
      }
      while (auto e = client->poll_event()) {
        moved = true;
        client_events.push_back(std::move(*e));
      }
      while (auto e = server->poll_event()) {
        moved = true;
        if (auto* need = std::get_if<NeedVerdict>(&*e)) {
          auth::Verdict v{true, {}, {}, {}};
          if (need->credentials) v = auth::verify_with_password(*need->credentials, password);
          IpcpConfig ipcp;
          ipcp.local = v4(10, 0, 0, 1);
          ipcp.peer = v4(10, 0, 0, 50);
          ipcp.dns1 = v4(10, 0, 0, 53);
          server->authorize(v, ipcp, now);
        }
        server_events.push_back(std::move(*e));
      }
    }
  }

  // LCP packets in `frame`, counted by code.
  static void count_lcp(Bytes frame, std::map<Code, int>& counts) {
    auto f = parse_frame(frame);
    if (!f || f->protocol != proto::kLcp) return;
    if (auto pkt = parse_packet(f->payload)) ++counts[pkt->code];
  }

  template <typename T>
  static const T* find(const std::vector<LinkEvent>& events) {
    for (const auto& e : events)
      if (auto* p = std::get_if<T>(&e)) return p;
    return nullptr;
  }

  Time now = time_from_ns(1'000'000'000);
  SeededRng rng_c, rng_s;
  std::string password;
  std::optional<Link> client, server;
  std::vector<LinkEvent> client_events, server_events;
  bool drop_client_to_server = false, drop_server_to_client = false;
  // Drops single frames: `to_server` says the direction (see the frame_is helper below).
  std::function<bool(bool to_server, Bytes frame)> drop;
  std::size_t client_frames = 0;
  std::map<Code, int> client_lcp, server_lcp;  // LCP packets sent, by code
};

// `frame` carries `protocol` (and, when given, a packet with that Code).
inline bool frame_is(Bytes frame, std::uint16_t protocol, std::optional<std::uint8_t> code = std::nullopt) {
  auto f = parse_frame(frame);
  if (!f || f->protocol != protocol) return false;
  if (!code) return true;
  return !f->payload.empty() && f->payload[0] == *code;
}

inline LinkConfig client_config(std::vector<auth::Method> allow, std::string password = "secret") {
  LinkConfig c;
  c.methods = std::move(allow);
  c.user = "alice";
  c.password = std::move(password);
  c.ipcp.request_dns = true;
  c.keepalive.idle = 30s;
  return c;
}

inline LinkConfig server_config(std::vector<auth::Method> demand) {
  LinkConfig c;
  c.methods = std::move(demand);
  c.keepalive.idle = 30s;
  return c;
}

}  // namespace l2tp::ppp::testing
