// One PPP link over one L2TP session, either role: the phases of RFC 1661 section 3 (Establish,
// Authenticate, Network, Terminate) driving LCP, one authentication protocol and the NCPs,
// plus LCP echo keepalives and Protocol-Reject of anything unsupported. Sans-I/O like the rest
// of the engine: feed it PPP frames and time, drain poll_transmit() and poll_event().
//
// The server side does not judge credentials itself: it reports NeedVerdict and waits for
// authorize(), so the driver can check a secrets file or ask RADIUS, and assign addresses.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/net/address.hpp"
#include "engine/ppp/auth/authenticator.hpp"
#include "engine/ppp/auth/client.hpp"
#include "engine/ppp/auth/repeat_answer.hpp"
#include "engine/ppp/bcp.hpp"
#include "engine/ppp/ipcp.hpp"
#include "engine/ppp/ipv6cp.hpp"
#include "engine/ppp/lcp.hpp"
#include "engine/session/proxy_ppp.hpp"
#include "engine/util/fifo.hpp"
#include "engine/util/rng.hpp"
#include "engine/wire/avp_value.hpp"

namespace l2tp::ppp {

enum class Role : std::uint8_t { Client, Server };
enum class Phase : std::uint8_t { Dead, Establish, Authenticate, Network, Terminate };
const char* to_string(Phase);

// Echo-Request keepalives. RouterOS servers: after `keepalive-timeout` with nothing from the
// peer, an echo every second, five unanswered ones end the link.
struct KeepaliveConfig {
  bool enabled = true;
  Duration idle = std::chrono::seconds(60);  // silence before the first echo
  Duration interval = std::chrono::seconds(1);
  unsigned max_missed = 5;
};

// What a server does with a LAC's proxy LCP and authentication (RFC 2661 4.4.5, 9.5): take
// them over, or ignore them and negotiate LCP and authenticate afresh (R116, R353).
enum class ProxyMode : std::uint8_t { Accept, Renegotiate };
const char* to_string(ProxyMode);

struct LinkConfig {
  Role role = Role::Client;
  LcpConfig lcp;
  AutomatonConfig fsm;
  auth::AuthConfig auth;
  // Client: the methods it allows, most preferred first (RouterOS `allow`).
  // Server: the methods it demands, most preferred first (RouterOS `authentication`); empty: none.
  std::vector<auth::Method> methods;
  std::string user, password;    // client
  std::string name = "l2tpsim";  // server: the CHAP Name
  IpcpConfig ipcp;               // client: what to ask for; server: completed by authorize()
  bool ipcp_enabled = true;
  Ipv6cpConfig ipv6cp;
  bool ipv6cp_enabled = false;
  BcpConfig bcp;
  bool bcp_enabled = false;
  KeepaliveConfig keepalive;
  // Server: what start_with_proxy does with proxy information.
  ProxyMode proxy = ProxyMode::Accept;
  // Client (LAC): each call proxies LCP and authentication in ICCN (make_proxy_ppp in
  // engine/ppp/proxy.hpp) and its link starts with start_proxied.
  bool proxy_auth = false;
};

// A LinkConfig made ready once (LCP's authentication lists derived from `methods`) and shared
// by every link built from it, instead of a copy of some 500 octets (and its vectors) per link.
class LinkProfile {
 public:
  static std::shared_ptr<const LinkProfile> make(LinkConfig cfg);
  const LinkConfig& config() const { return cfg_; }

 private:
  explicit LinkProfile(LinkConfig cfg);
  LinkConfig cfg_;
};

// Server: credentials to judge (nullopt when no authentication was negotiated; the driver still
// answers, with the addresses to give).
struct NeedVerdict {
  std::optional<auth::Credentials> credentials;
};

struct LinkUp {
  Duration lcp_time{}, auth_time{}, ncp_time{};  // per phase
  std::optional<auth::Method> method;
  std::string user;  // server: who authenticated; client: who we are
  net::IpAddress local_ip, peer_ip;
  std::optional<net::IpAddress> dns1, dns2;
  bool ipv4 = false, ipv6 = false, bridging = false;
  std::uint16_t mtu = 1500;
};

struct LinkDown {
  Phase phase = Phase::Dead;  // where it failed or was ended
  std::string reason;
  avp::DisconnectCause cause;  // RFC 3145, for the CDN
  bool auth_failed = false;
  std::string peer_message;  // the peer's failure text, if it sent one
};

struct IpPacket {
  Buffer packet;  // an IPv4 datagram received over the link
};

// What renegotiates in place, the call kept: LCP (and after it authentication and the NCPs,
// RFC 1661 3.3, 4.4: LCP's This-Layer-Down takes the upper layers down) or IPCP alone.
enum class Renegotiation : std::uint8_t { Lcp, Ipcp };
const char* to_string(Renegotiation);  // "lcp", "ipcp"

// After LinkUp: LCP or IPCP left Opened for a new negotiation, ours (restart_lcp, restart_ipcp)
// or the peer's (its Configure-Request in Opened, RFC 1661 4.1: tld, scr, sca/scn). No IPv4 is
// carried until LinkReopened; a renegotiation that fails ends the link with LinkDown (phase
// where it failed), as a first negotiation does. Another one during it (the peer renegotiates
// LCP while IPCP restarts) is part of it: one LinkReopened answers one LinkRenegotiating.
struct LinkRenegotiating {
  Renegotiation what = Renegotiation::Lcp;
  bool by_peer = false;
};

// The NCPs are open again after LinkRenegotiating: `took` from going down to now; `up` as
// LinkUp would say it now (the addresses IPCP negotiated again; its phase times those of this
// renegotiation).
struct LinkReopened {
  Renegotiation what = Renegotiation::Lcp;
  Duration took{};
  LinkUp up;
};

using LinkEvent = std::variant<NeedVerdict, LinkUp, LinkDown, IpPacket, LinkRenegotiating, LinkReopened>;

// Per link, so 32-bit (one per session of a load run; 4 billion frames on one link is weeks at
// a thousand a second); sums over links are 64-bit.
struct LinkStats {
  std::uint32_t frames_in = 0, frames_out = 0, malformed = 0, discarded = 0;
  std::uint32_t protocol_rejects_sent = 0;
  std::uint32_t echo_sent = 0, echo_replies = 0;
  std::uint32_t ip_in = 0, ip_out = 0, ipv6_in = 0, bridged_in = 0;
};

// Why a Configure-Request exchange (LCP or an NCP) ran out of Max-Configure, told from our side:
// which request (ours, the peer's) never got through, what the peer sent, and the RFC 1661
// clauses (LinkDown::reason).
std::string configure_timeout_reason(const Automaton& a, const AutomatonConfig& fsm);

class Link {
 public:
  Link(const LinkConfig& cfg, Rng& rng, Time now);
  // Shares `profile` with other links; `user` is this link's own (client: whom we authenticate
  // as; it replaces the profile's LinkConfig::user).
  Link(std::shared_ptr<const LinkProfile> profile, std::string user, Rng& rng, Time now);
  ~Link();
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  // The L2TP session is established: LCP starts (Configure-Request).
  void start(Time now);
  // Client, instead of start(), when the LAC proxied this call (RFC 2661 4.4.5): `sent` is
  // the ProxyPpp the LAC put in ICCN for us. LCP starts Opened from it (our request: the Last
  // (or Initial) Received CONFREQ, the peer's: the Last Sent one; Lcp::adopt) and the
  // authentication the LAC did counts as ours, so the link goes straight to the NCPs; nothing
  // of LCP or authentication is sent. When `sent` carries no authentication but the LCP
  // demands one, we authenticate as usual. If the LNS renegotiates (an LCP Configure-Request
  // in Opened, RFC 1661) the link goes through LCP and authentication again. A ProxyPpp that
  // cannot be adopted falls back to start() (proxy_note() says why).
  void start_proxied(const session::ProxyPpp& sent, Time now);
  // Server, instead of start(), when the call came with proxy information (SessionUp::proxy).
  // With cfg.proxy == Accept and usable values: LCP starts Opened from them (our request: the
  // Last Sent CONFREQ, which the LAC sent in the server's place; the peer's: the Last (or
  // Initial) Received one), then NeedVerdict carries the Credentials of the proxy
  // authentication AVPs (proxied_credentials; authorize() answers it, a refusal ends the link
  // with auth_failed and RFC 3145 cause 16), or, without them, our authenticator challenges
  // the peer as after a negotiation (R120). Nothing of LCP is sent. With Renegotiate, or
  // values we would not have agreed to (an authentication we do not demand, a CHAP response
  // of the wrong size...), it is start(): full LCP and authentication (R116, R353), and
  // proxy_note() says why.
  void start_with_proxy(const session::ProxyPpp& proxy, Time now);
  // One PPP frame from the session.
  void handle_frame(Bytes frame, Time now);
  // Server: the answer to NeedVerdict. `ipcp` holds the addresses to negotiate.
  void authorize(const auth::Verdict& verdict, const IpcpConfig& ipcp, Time now);
  // Ends the link: LCP Terminate-Request, then LinkDown once it is acknowledged or times out.
  void close(Time now, std::string reason);
  // The session is gone: LinkDown at once, nothing more is sent.
  void lower_down(Time now, std::string reason);
  // An IPv4 datagram to send; false when IPCP is not opened or it exceeds the MTU.
  bool send_ip(Bytes packet);
  // An LCP Echo-Request now (RFC 1661 5.8; replay: the echoes a captured side sent), `data` after
  // our Magic-Number; its Reply is counted as a keepalive's. False unless LCP is opened.
  bool send_echo(Bytes data);
  // Renegotiation in place, the call kept, once the link is up (LinkUp) and not renegotiating
  // already: LCP or IPCP sends a new Configure-Request (Automaton::restart, RFC 1661 4.3 Open
  // option), LinkRenegotiating follows at once and LinkReopened when the NCPs are open again.
  // After restart_lcp the peer must negotiate LCP again and authentication runs again (RFC 1661
  // 3.3, 3.4), then the NCPs; after restart_ipcp only IPCP. False when nothing was done.
  bool restart_lcp(Time now);
  bool restart_ipcp(Time now);

  void handle_timeout(Time now);
  std::optional<Time> poll_timeout() const;
  bool poll_transmit(Buffer& frame);
  std::optional<LinkEvent> poll_event();

  Phase phase() const { return phase_; }
  bool is_up() const { return up_reported_; }
  bool finished() const { return down_reported_; }
  // Between LinkRenegotiating and LinkReopened (or LinkDown).
  bool renegotiating() const { return renegotiation_.has_value(); }
  const LinkStats& stats() const { return stats_; }
  const Lcp& lcp() const { return *lcp_; }
  // The authentication negotiated in LCP (either direction), once LCP has opened.
  std::optional<auth::Method> method() const { return method_; }
  // LCP was taken over from proxy information (start_proxied / start_with_proxy).
  bool proxied() const { return proxied_; }
  // Why proxy information was not used (empty when it was, or when there was none).
  const std::string& proxy_note() const;
  // The link's user: a client's own name (whom it authenticates as); a server's, the name the
  // peer authenticated with (empty until it tried).
  const std::string& user_name() const { return cfg().role == Role::Client ? user_ : auth_user_; }

 private:
  const LinkConfig& cfg() const { return profile_->config(); }
  void new_lcp();
  void after_input(Time now);
  void adopted(Time now);
  void on_lcp_opened(Time now);
  void enter_network(Time now);
  void check_network(Time now);
  void check_auth(Time now);
  bool can_restart() const;
  void begin_renegotiation(Renegotiation what, bool by_peer, Time now);
  void auth_over();
  LinkUp link_up(Time lcp_from, Time now) const;
  void keepalive(Time now);
  void fail(Time now, Phase phase, std::string reason, avp::DisconnectCause cause, bool auth_failed = false,
            std::string peer_message = {});
  void report_down(Time now, Phase phase, std::string reason, avp::DisconnectCause cause, bool auth_failed,
                   std::string peer_message);
  void reject_protocol(std::uint16_t protocol, Bytes frame_payload);
  void flush_auth();
  void drain(Automaton& a, std::uint16_t protocol, bool lcp_format);
  void queue_frame(std::uint16_t protocol, Bytes payload, bool lcp_format);
  // The same with a packet a component handed over: framed in its own buffer, not copied.
  void queue_packet(std::uint16_t protocol, Buffer&& packet, bool lcp_format);
  void down_ncps(Time now);
  // The NCPs in use (at most three), without an allocation: asked for on every input.
  struct NcpList {
    std::array<Automaton*, 3> items{};
    std::size_t count = 0;
    Automaton** begin() { return items.data(); }
    Automaton** end() { return items.data() + count; }
    bool empty() const { return count == 0; }
  };
  NcpList ncps();

  std::shared_ptr<const LinkProfile> profile_;
  std::string user_;
  Rng& rng_;
  // The one-octet fields together, with no padding between them.
  Phase phase_ = Phase::Dead;
  std::optional<auth::Method> method_;
  bool lcp_was_opened_ = false;
  bool proxied_ = false;
  bool verdict_pending_ = false;
  bool authorized_ = false;
  bool up_reported_ = false, down_reported_ = false;
  bool ipcp_was_opened_ = false;  // tells IPCP leaving Opened (a renegotiation) from not opening
  std::optional<Renegotiation> renegotiation_;
  // LCP and IPCP inside the link (every link has LCP, nearly every one IPCP): two allocations
  // and their headers fewer per session than on the heap.
  std::optional<Lcp> lcp_;
  std::unique_ptr<auth::Client> auth_client_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  // Server, once the link is up: the authenticator's reply for a peer that repeats its
  // Response (P075) or Authenticate-Request (P066), in place of the authenticator.
  std::unique_ptr<auth::RepeatAnswer> auth_repeat_;
  std::optional<Ipcp> ipcp_;
  std::unique_ptr<Ipv6cp> ipv6cp_;
  std::unique_ptr<Bcp> bcp_;
  std::string auth_user_;
  std::unique_ptr<std::string> proxy_note_;  // rare: why proxy LCP went unused
  // Server: the addresses authorize() gave, until IPCP starts with them.
  std::unique_ptr<IpcpConfig> authorized_ipcp_;
  // A failure decided while LCP terminates: reported once the Terminate exchange ends.
  std::unique_ptr<LinkDown> pending_down_;
  Time created_, started_{}, lcp_opened_{}, auth_done_{};
  Time renegotiation_since_{};
  Time last_rx_{};
  std::optional<Time> next_echo_;
  std::optional<Time> give_up_at_;  // client refused: when we stop waiting for the authenticator
  unsigned echoes_unanswered_ = 0;
  Fifo<Buffer> out_;
  Fifo<LinkEvent> events_;
  LinkStats stats_;
};

}  // namespace l2tp::ppp
