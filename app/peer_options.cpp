#include "app/peer_options.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cctype>
#include <cmath>
#include <iostream>
#include <random>

#include "engine/wire/avp_spec.hpp"
#include "peers/udp_transport.hpp"
#include "reports/load_html.hpp"

namespace po = boost::program_options;

namespace l2tpsim::app {

int usage_error(const char* command, const std::string& why) {
  std::cerr << "l2tpsim " << command << ": " << why << "\n(see 'l2tpsim " << command << " --help')\n";
  return 2;
}

namespace {

std::string in_quotes(const std::string& s) {
  return "'" + s + "'";
}

// "Assigned Tunnel ID" -> "assigned-tunnel-id".
std::string cli_name(std::string_view rfc_name) {
  std::string out;
  for (char c : rfc_name)
    out += c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

l2tp::Duration seconds(double s) {
  return std::chrono::duration_cast<l2tp::Duration>(std::chrono::duration<double>(s));
}

}  // namespace

l2tp::net::Endpoint parse_endpoint(const std::string& option, const std::string& text,
                                   std::uint16_t default_port) {
  const std::string bad =
      "--" + option + ": " + in_quotes(text) + " is not ADDR, ADDR:PORT, [IPv6] or [IPv6]:PORT";
  std::string addr = text, port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos) throw UsageError(bad + " (missing ']')");
    addr = text.substr(1, close - 1);
    const std::string rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') throw UsageError(bad);
      port = rest.substr(1);
      if (port.empty()) throw UsageError(bad + " (no port after ':')");
    }
    if (addr.find(':') == std::string::npos) throw UsageError(bad + " (brackets are for IPv6 addresses)");
  } else if (text.find(':') != std::string::npos && std::count(text.begin(), text.end(), ':') > 1) {
    // "::1:1701" is a valid IPv6 address and also looks like ::1 port 1701: brackets decide.
    throw UsageError("--" + option + ": write IPv6 addresses in brackets, [ADDR] or [ADDR]:PORT (got " +
                     in_quotes(text) + ")");
  } else if (text.find(':') != std::string::npos) {
    const auto colon = text.find(':');
    addr = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (port.empty()) throw UsageError(bad + " (no port after ':')");
  }
  l2tp::net::Endpoint ep;
  if (!l2tp::net::IpAddress::parse(addr, ep.addr))
    throw UsageError("--" + option + ": " + in_quotes(addr) + " is not an IPv4 or IPv6 address");
  ep.port =
      port.empty() ? default_port : static_cast<std::uint16_t>(parse_uint(option + " port", port, 0, 65535));
  return ep;
}

std::uint64_t parse_uint(const std::string& option, const std::string& text, std::uint64_t min,
                         std::uint64_t max) {
  const std::string t = trim(text);
  const std::string range =
      " (a whole number from " + std::to_string(min) + " to " + std::to_string(max) + ")";
  if (t.empty() ||
      !std::all_of(t.begin(), t.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    throw UsageError("--" + option + ": " + in_quotes(text) + " is not a whole number" + range);
  // 20 digits still fit (a random --seed is printed with up to 20): stoull says when they do not.
  std::uint64_t v = 0;
  try {
    if (t.size() > 20) throw std::out_of_range("");
    v = std::stoull(t);
  } catch (const std::out_of_range&) {
    throw UsageError("--" + option + ": " + in_quotes(text) + " is too large" + range);
  }
  if (v < min || v > max)
    throw UsageError("--" + option + ": " + in_quotes(text) + " is out of range" + range);
  return v;
}

double parse_number(const std::string& option, const std::string& text, double min, double max) {
  const std::string t = trim(text);
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(t, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  char range[96];
  std::snprintf(range, sizeof range, " (a number from %g to %g)", min, max);
  if (t.empty() || used != t.size() || !std::isfinite(v))
    throw UsageError("--" + option + ": " + in_quotes(text) + " is not a number" + range);
  if (v < min || v > max)
    throw UsageError("--" + option + ": " + in_quotes(text) + " is out of range" + range);
  return v;
}

std::string hideable_avp_names() {
  std::string out;
  for (const auto& spec : l2tp::all_avp_specs())
    if (spec.may_hide) out += (out.empty() ? "" : ", ") + cli_name(spec.name);
  return out;
}

std::vector<l2tp::AvpType> parse_hidden(const std::vector<std::string>& lists) {
  std::vector<l2tp::AvpType> out;
  auto add = [&](l2tp::AvpType t) {
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  };
  for (const auto& list : lists) {
    std::size_t start = 0;
    while (start <= list.size()) {
      const auto comma = std::min(list.find(',', start), list.size());
      std::string name = cli_name(trim(list.substr(start, comma - start)));
      std::replace(name.begin(), name.end(), '_', '-');
      start = comma + 1;
      if (name.empty()) continue;
      if (name == "all") {
        for (const auto& spec : l2tp::all_avp_specs())
          if (spec.may_hide) add(spec.type);
        continue;
      }
      const auto& specs = l2tp::all_avp_specs();
      const auto it = std::find_if(specs.begin(), specs.end(),
                                   [&](const l2tp::AvpSpec& s) { return cli_name(s.name) == name; });
      if (it == specs.end())
        throw UsageError("--hidden: unknown AVP " + in_quotes(name) + "; hideable AVPs: all, " +
                         hideable_avp_names());
      if (!it->may_hide)
        throw UsageError("--hidden: " + std::string(it->name) + " must never be hidden (RFC 2661 4.4)");
      add(it->type);
    }
  }
  return out;
}

l2tp::net::IpAddress default_source_for(const l2tp::net::Endpoint& peer) {
  boost::asio::io_context io;
  boost::asio::ip::udp::socket s(io);
  boost::system::error_code ec;
  const boost::asio::ip::udp::endpoint to(l2tp::peers::to_asio(peer.addr), peer.port);
  s.open(to.protocol(), ec);
  if (!ec) s.connect(to, ec);  // UDP connect only picks the route; nothing is sent
  if (ec) throw UsageError("--connect-to " + peer.to_string() + ": no route (" + ec.message() + ")");
  return l2tp::peers::from_asio(s.local_endpoint().address());
}

void CommonOptions::add_to(po::options_description& opts, const std::string& role) {
  role_ = role;
  const bool lac = role == "lac";
  opts.add_options()("secret", po::value(&secret_)->value_name("S"),
                     "tunnel secret: authenticates the tunnel with Challenge/Challenge Response (RFC 2661 "
                     "5.1.1) and encrypts hidden AVPs (4.3); the peer must use the same")(
      "hidden", po::value(&hidden_)->composing()->value_name("AVPLIST"),
      "AVPs to send hidden, comma-separated lower-case RFC names (e.g. "
      "assigned-tunnel-id,assigned-session-id,call-serial-number) or 'all' for every hideable AVP; "
      "needs --secret; repeatable")(
      "hidden-padding", po::value(&hidden_padding_)->value_name("N"),
      "random octets appended to each hidden value to obscure its length (RFC 2661 4.3; 0-255, "
      "default 0; some peers, l2tpns among them, refuse a hidden value shorter than 8 octets)")(
      "keepalive-timeout", po::value(&keepalive_)->value_name("SECONDS"),
      "RouterOS keepalive-timeout: after this much silence a tunnel sends HELLO (RFC 2661 6.5) and a PPP "
      "link starts LCP Echo-Requests (see --echo-interval, --echo-failures); 0 disables both (default 60)")(
      "window", po::value(&window_)->value_name("N"),
      "Receive Window Size we advertise: control messages the peer may have unacknowledged, and our "
      "reorder queue depth (1-65535, default 8)")(
      "retransmit-initial", po::value(&rto_initial_)->value_name("MS"),
      "first control retransmission timeout in milliseconds (RFC 2661 5.8; default 1000)")(
      "retransmit-cap", po::value(&rto_cap_)->value_name("SECONDS"),
      "longest retransmission timeout after exponential backoff (default 8)")(
      "max-retries", po::value(&max_retries_)->value_name("N"),
      "retransmissions of one control message before the tunnel is cleared (default 5)")(
      "host-name", po::value(&host_name_)->value_name("NAME"),
      lac ? "Host Name AVP we send (default l2tpsim-lac)" : "Host Name AVP we send (default l2tpsim-lns)")(
      "vendor-name", po::value(&vendor_name_)->value_name("TEXT"),
      "Vendor Name AVP we send (default l2tpsim; empty: none)")(
      "firmware-revision", po::value(&firmware_)->value_name("N"),
      "Firmware Revision AVP we send (0-65535, default 256)")(
      "framing-capabilities", po::value(&framing_caps_)->value_name("sync|async|both|none"),
      "Framing Capabilities we advertise (RFC 2661 4.4.3; default both)")(
      "bearer-capabilities", po::value(&bearer_caps_)->value_name("analog|digital|both|none|omit"),
      "Bearer Capabilities we advertise; omit leaves the AVP out (default both)")(
      "data-sequencing", po::bool_switch(&data_sequencing_),
      lac ? "ask the LNS to number data messages (Sequencing Required in ICCN, RFC 2661 5.4)"
          : "number data messages (Ns/Nr) on every session (RFC 2661 5.4)")(
      "duration", po::value(&duration_)->value_name("SECONDS"),
      lac ? "run this long after setup starts, then tear everything down (CDN, StopCCN) and exit; "
            "default: until SIGINT/SIGTERM or until every tunnel is gone"
          : "run this long, then tear everything down (CDN, StopCCN) and exit; default: until "
            "SIGINT/SIGTERM")(
      "teardown-timeout", po::value(&teardown_)->value_name("SECONDS"),
      "how long the teardown may wait for the peer to acknowledge the StopCCNs (default 10); also "
      "the longest wait to re-acknowledge a StopCCN from the peer (else a full retransmission cycle, 31 s)")(
      "teardown-rate", po::value(&teardown_rate_)->value_name("N"),
      lac ? "calls cleared per second at the teardown (CDN), tunnel by tunnel, each tunnel's StopCCN "
            "after its last CDN (default: the --setup-rate; 0: all at once); --teardown-timeout "
            "counts from the last StopCCN"
          : "calls cleared per second at the teardown (CDN), tunnel by tunnel, each tunnel's StopCCN "
            "after its last CDN (default 0: all at once); --teardown-timeout counts from the last "
            "StopCCN")("json", po::value(&json_)->value_name("FILE"),
                       "write a JSON summary of the run to FILE")(
      "html", po::value(&html_)->value_name("FILE"),
      "write the load report to FILE: one self-contained page (inline SVG, nothing fetched) with sessions "
      "and tunnels up, setup and teardown rates, latency histograms and percentiles per phase, failures by "
      "phase and Result/Error Code over time, retransmissions, the options and the peer's Host Name, "
      "Vendor Name and Firmware Revision; e.g. --html load.html")(
      "pcap", po::value(&pcap_)->value_name("FILE"),
      "record every datagram sent and received to FILE (pcap, raw IP, real addresses and ports)")(
      "stats-listen", po::value(&stats_listen_)->value_name("ADDR:PORT"),
      lac ? "serve the run live over HTTP on ADDR:PORT ([IPv6]:PORT too; port 0: any free one, printed): "
            "GET /metrics (Prometheus text format), GET /json (the --json summary as it stands); POST "
            "/control/stop-setup (no new calls or redials), POST /control/teardown (as SIGINT), POST "
            "/control/rate?setups-per-second=N (the setup rate from now on). Binds what is given: "
            "anyone who reaches it can stop the run"
          : "serve the run live over HTTP on ADDR:PORT ([IPv6]:PORT too; port 0: any free one, printed): "
            "GET /metrics (Prometheus text format), GET /json (the --json summary as it stands); POST "
            "/control/teardown (as SIGINT). Binds what is given: anyone who reaches it can stop the run")(
      "progress", po::bool_switch(&progress_),
      "print a status line every second on stderr even when it is not a terminal")(
      "batch-interval", po::value(&batch_interval_)->value_name("MS"),
      "while busy, wake at most once per MS milliseconds and take everything that arrived and fell due "
      "in between at once (default 1; 0: answer every datagram as it comes). Each wake-up costs a "
      "context switch whatever it carries: batching cuts the CPU per session by a sixth to a half at "
      "a few thousand sessions a second, for up to MS of delay per exchange (latencies include it)")(
      "seed", po::value(&seed_)->value_name("N"),
      "seed for Random Vectors, challenges, tie breakers (default: random; printed in the summary)")(
      "threads", po::value(&threads_)->value_name("N"),
      lac ? "shards: N threads, each with its own socket, tunnels and PPP links; the tunnels and the "
            "setup rate are split over them, and each sends from its own port (the first from the "
            "one asked for). Default: one per core, at most one per tunnel"
          : "shards: N threads, each with its own socket (SO_REUSEPORT on the listen address), tunnels "
            "and PPP links; the kernel keeps each LAC on one. Default: one per core (RADIUS and --tun: 1)");
}

void CommonOptions::apply(l2tp::peers::RunnerConfig& cfg) const {
  auto& t = cfg.node.tunnel;
  t.role = role_ == "lac" ? l2tp::tunnel::Role::Lac : l2tp::tunnel::Role::Lns;
  t.host_name = host_name_.empty() ? "l2tpsim-" + role_ : host_name_;
  if (host_name_.size() > l2tp::kAvpMaxValue)
    throw UsageError("--host-name: longer than one AVP can carry (" + std::to_string(l2tp::kAvpMaxValue) +
                     " octets)");
  if (secret_.size() > l2tp::kAvpMaxValue)
    throw UsageError("--secret: longer than " + std::to_string(l2tp::kAvpMaxValue) + " octets");
  t.secret = secret_;
  t.vendor_name = vendor_name_;
  if (t.vendor_name.size() > l2tp::kAvpMaxValue)
    throw UsageError("--vendor-name: longer than one AVP can carry");
  if (!firmware_.empty())
    t.firmware_revision = static_cast<std::uint16_t>(parse_uint("firmware-revision", firmware_, 0, 65535));
  // Bit A (0x2) async/analog and bit S/D (0x1) sync/digital (RFC 2661 4.4.3).
  auto caps = [](const std::string& option, const std::string& v, const char* low, const char* high) {
    if (v == "both") return 3u;
    if (v == "none") return 0u;
    if (v == low) return 1u;
    if (v == high) return 2u;
    throw UsageError("--" + option + ": '" + v + "' is not one of " + low + ", " + high + ", both, none");
  };
  if (!framing_caps_.empty())
    t.framing_capabilities = caps("framing-capabilities", framing_caps_, "sync", "async");
  if (bearer_caps_ == "omit") {
    t.send_bearer_capabilities = false;
  } else if (!bearer_caps_.empty()) {
    t.bearer_capabilities = caps("bearer-capabilities", bearer_caps_, "digital", "analog");
  }
  t.hidden_avps = parse_hidden(hidden_);
  if (!t.hidden_avps.empty() && t.secret.empty())
    throw UsageError(
        "--hidden needs --secret: hidden AVPs are encrypted with the tunnel secret (RFC 2661 4.3)");
  if (!hidden_padding_.empty())
    t.hidden_padding = static_cast<std::uint16_t>(parse_uint("hidden-padding", hidden_padding_, 0, 255));
  if (!keepalive_.empty())
    t.keepalive_timeout = seconds(parse_number("keepalive-timeout", keepalive_, 0, 3600));
  if (!window_.empty())
    t.reliability.receive_window = static_cast<std::uint16_t>(parse_uint("window", window_, 1, 65535));
  if (!rto_initial_.empty())
    t.reliability.initial_rto =
        std::chrono::milliseconds(parse_uint("retransmit-initial", rto_initial_, 1, 60000));
  if (!rto_cap_.empty())
    t.reliability.max_rto = seconds(parse_number("retransmit-cap", rto_cap_, 0.001, 3600));
  if (t.reliability.max_rto < t.reliability.initial_rto)
    throw UsageError("--retransmit-cap: shorter than --retransmit-initial");
  if (!max_retries_.empty())
    t.reliability.max_retries = static_cast<unsigned>(parse_uint("max-retries", max_retries_, 0, 100));
  t.data_sequencing = data_sequencing_ ? l2tp::tunnel::DataSequencing::On : l2tp::tunnel::DataSequencing::Off;
  if (!duration_.empty()) cfg.duration = seconds(parse_number("duration", duration_, 0.001, 1e7));
  if (!teardown_.empty()) {
    cfg.teardown_limit = seconds(parse_number("teardown-timeout", teardown_, 0, 3600));
    cfg.teardown_limit_given = true;
  }
  if (!teardown_rate_.empty()) cfg.teardown_rate = parse_number("teardown-rate", teardown_rate_, 0, 1e9);
  cfg.json_path = json_;
  cfg.pcap_path = pcap_;
  cfg.html_path = html_;
  if (!html_.empty())
    cfg.render_html = [](const nlohmann::json& summary) {
      return l2tp::reports::load_report_html(summary, L2TPSIM_VERSION);
    };
  if (!batch_interval_.empty())
    cfg.batch_interval = std::chrono::duration_cast<l2tp::Duration>(
        std::chrono::duration<double, std::milli>(parse_number("batch-interval", batch_interval_, 0, 100)));
  cfg.progress = progress_;
  if (!stats_listen_.empty()) {
    // A port is required: there is no well-known one to default to.
    if (stats_listen_.find(':') == std::string::npos || stats_listen_.back() == ']')
      throw UsageError("--stats-listen: '" + stats_listen_ + "' has no port (ADDR:PORT or [IPv6]:PORT)");
    cfg.stats_listen = parse_endpoint("stats-listen", stats_listen_, 0);
  }
  cfg.seed = seed_.empty() ? (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}()
                           : parse_uint("seed", seed_, 0, UINT64_MAX);
  cfg.threads = threads_.empty() ? 0 : static_cast<unsigned>(parse_uint("threads", threads_, 1, 64));
}

po::variables_map parse_command_line(int argc, char** argv, const po::options_description& opts) {
  po::variables_map vm;
  try {
    // No abbreviations: a scenario's misspelt option must not quietly become another one.
    po::store(po::command_line_parser(argc, argv)
                  .options(opts)
                  .style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

}  // namespace l2tpsim::app
