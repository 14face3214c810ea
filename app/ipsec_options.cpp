#include "app/ipsec_options.hpp"

#include <iostream>
#include <sstream>

#include "app/peer_options.hpp"
#include "capture/live_capture.hpp"
#include "ipsec/lac_ipsec.hpp"
#include "ipsec/lns_ipsec.hpp"

namespace po = boost::program_options;

namespace l2tpsim::app {

namespace {

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

l2tp::net::IpAddress parse_address(const std::string& option, const std::string& text) {
  l2tp::net::IpAddress a;
  if (!l2tp::net::IpAddress::parse(text, a))
    throw UsageError("--" + option + ": '" + text + "' is not an IP address");
  return a;
}

}  // namespace

void IpsecOptions::add_to(po::options_description& opts, const std::string& role) {
  role_ = role;
  const std::string what =
      role == "lac"
          ? "brings one IKE SA and one\n"
            "CHILD SA per --local-address up before its first SCCRQ (a source whose SA fails: its tunnels\n"
            "fail in phase ipsec, with charon's reason), deletes them at the end and stops charon"
          : "answers IKE from any peer,\n"
            "and stops charon at the end";
  po::options_description group(
      "L2TP over IPsec (RFC 3193; RouterOS use-ipsec, ipsec-secret). l2tpsim starts its own strongSwan\n"
      "charon (private configuration, run directory and VICI socket; needs root), " +
      what + ".\nDefaults: IKEv1 main mode with a pre-shared key, what Windows and RouterOS clients accept");
  auto add = group.add_options();
  if (role == "lac")
    add("use-ipsec", po::value(&use_)->implicit_value("yes")->value_name("yes|no"),
        "protect the L2TP with IPsec (default no)");
  else
    add("use-ipsec", po::value(&use_)->value_name("no|yes|required"),
        "yes: answer IKE so LACs may use IPsec; required: also refuse L2TP that did not come through an "
        "IPsec SA (dropped, counted, said on stderr and in the JSON), as RouterOS does (default no)");
  add("ipsec-secret", po::value(&secret_)->value_name("S"),
      "the IKE pre-shared key (required with --use-ipsec)");
  add("ipsec-mode", po::value(&mode_)->value_name("transport|tunnel"),
      "transport (default): ESP between the L2TP addresses, what real clients do; needs ESP in the kernel. "
      "tunnel: the L2TP addresses inside an ESP tunnel between the IKE peers, run in userspace by charon's "
      "kernel-libipsec (ESP in UDP 4500), for hosts without kernel ESP");
  add("ipsec-proposals", po::value(&proposals_)->value_name("LIST"),
      (std::string("IKE proposals, strongSwan syntax, comma-separated (default ") +
       l2tp::ipsec::kDefaultIkeProposals + ": AES-256/AES-128/3DES, SHA-256/SHA-1, MODP2048/1024)")
          .c_str());
  add("ipsec-esp-proposals", po::value(&esp_proposals_)->value_name("LIST"),
      (std::string("ESP proposals (default ") + l2tp::ipsec::kDefaultEspProposals + ", no PFS)").c_str());
  add("pcap-outer", po::value(&pcap_outer_)->value_name("FILE"),
      role == "lac"
          ? "also write what went over the wire outside the L2TP to FILE: IKE (UDP 500, 4500) and ESP (IP "
            "protocol 50 or in UDP 4500) to and from the IKE peer, captured on every interface from before "
            "the "
            "first IKE packet to the last DELETE (needs root). --pcap records the L2TP inside, as l2tpsim "
            "sent and "
            "received it; `decode FILE --esp-sa ...` opens the ESP"
          : "also write IKE (UDP 500, 4500) and ESP (IP protocol 50 or in UDP 4500) from and to any peer, as "
            "they "
            "went over the wire, to FILE (captured on every interface while the LNS runs; needs root)");
  if (role == "lac") {
    add("ipsec-peer", po::value(&peer_)->value_name("ADDR"),
        "the IKE peer, when it is not the --connect-to address (tunnel mode: the LNS's outer address)");
    add("ipsec-local", po::value(&local_)->value_name("ADDR"),
        "tunnel mode: the local IKE address (default: what the kernel routes to --ipsec-peer from)");
  }
  opts.add(group);
}

void IpsecOptions::apply(l2tp::peers::RunnerConfig& cfg) const {
  auto& s = cfg.ipsec.settings;
  if (use_ == "no")
    s.use = l2tp::ipsec::UseIpsec::No;
  else if (use_ == "yes")
    s.use = l2tp::ipsec::UseIpsec::Yes;
  else if (use_ == "required" && role_ == "lns")
    s.use = l2tp::ipsec::UseIpsec::Required;
  else
    throw UsageError("--use-ipsec: '" + use_ + "' is not one of " +
                     (role_ == "lac" ? "yes, no" : "no, yes, required"));
  if (mode_ == "transport")
    s.mode = l2tp::ipsec::IpsecMode::Transport;
  else if (mode_ == "tunnel")
    s.mode = l2tp::ipsec::IpsecMode::Tunnel;
  else
    throw UsageError("--ipsec-mode: '" + mode_ + "' is not one of transport, tunnel");
  if (!proposals_.empty()) s.ike_proposals = split_commas(proposals_);
  if (!esp_proposals_.empty()) s.esp_proposals = split_commas(esp_proposals_);
  if (!peer_.empty()) s.peer = parse_address("ipsec-peer", peer_);
  if (!local_.empty()) s.local = parse_address("ipsec-local", local_);
  s.secret = secret_;
  s.pcap_outer = pcap_outer_;
  if (!s.enabled()) {
    if (!pcap_outer_.empty()) throw UsageError("--pcap-outer: there is no IKE or ESP without --use-ipsec");
    return;
  }
  if (s.secret.empty()) throw UsageError("--use-ipsec needs --ipsec-secret (the IKE pre-shared key)");
  if (cfg.connect_to.addr.v6 || (!cfg.local.empty() && cfg.local.front().addr.v6))
    throw UsageError("--use-ipsec: IPv4 only for now");
  if (role_ == "lns" && s.use == l2tp::ipsec::UseIpsec::Required) {
    // One filter asks charon; the shards' JSON would each have their own counts.
    if (cfg.threads > 1) std::cerr << "l2tpsim lns: note: --use-ipsec required runs on one thread\n";
    cfg.threads = 1;
  }
}

int run_with_ipsec(l2tp::peers::RunnerConfig& cfg, const std::string& role,
                   const std::function<int(const l2tp::peers::RunnerConfig&)>& run,
                   std::string* phase_error) {
  const auto& s = cfg.ipsec.settings;
  if (!s.enabled()) return run(cfg);
  const std::string prefix = "l2tpsim " + role + ": ";
  auto fail = [&](const std::string& why) {
    std::cerr << prefix << why << "\n";
    if (phase_error) *phase_error = why;
    return 2;
  };
  // Started before charon, so the first IKE packet is in it; stopped after the last DELETE.
  std::unique_ptr<l2tp::capture::LiveCapture> outer;
  if (!s.pcap_outer.empty()) {
    const std::string ike_esp = "udp port 500 or udp port 4500 or ip proto 50";
    const std::string filter =
        role == "lac"
            ? "host " + (s.peer ? *s.peer : cfg.connect_to.addr).to_string() + " and (" + ike_esp + ")"
            : ike_esp;
    auto started = l2tp::capture::LiveCapture::start(s.pcap_outer, filter);
    if (!started) return fail("--pcap-outer: " + started.error());
    outer = std::move(*started);
  }
  auto close_outer = [&] {
    if (!outer) return;
    const auto st = outer->stop();
    std::cerr << prefix << "--pcap-outer: " << st.written << " IKE/ESP packet(s) written to " << s.pcap_outer;
    if (st.dropped) std::cerr << " (" << st.dropped << " dropped by the kernel: the capture is incomplete)";
    std::cerr << "\n";
  };
  if (role == "lac") {
    auto ipsec = l2tp::ipsec::LacIpsec::establish(s, cfg.local, cfg.connect_to, std::cerr);
    if (!ipsec) return fail("--use-ipsec: " + ipsec.error());
    cfg.ipsec.failed = (*ipsec)->failures();
    cfg.ipsec.report = (*ipsec)->report();
    for (const auto& o : (*ipsec)->outcomes())
      if (o.up) cfg.ipsec.setup_latency.record_ms(o.setup_ms);
    const int status = run(cfg);
    (*ipsec)->close(std::cerr);
    close_outer();
    return status;
  }
  auto ipsec = l2tp::ipsec::LnsIpsec::start(s, cfg.local, std::cerr);
  if (!ipsec) return fail("--use-ipsec: " + ipsec.error());
  l2tp::ipsec::LnsIpsec* lns = ipsec->get();
  cfg.ipsec.report = {{"use_ipsec", std::string(to_string(s.use))}, {"mode", std::string(to_string(s.mode))}};
  if (s.use == l2tp::ipsec::UseIpsec::Required)
    cfg.ipsec.admits = [lns](const l2tp::net::IpAddress& a) { return lns->admits(a); };
  const int status = run(cfg);
  (*ipsec)->close(std::cerr);
  close_outer();
  return status;
}

}  // namespace l2tpsim::app
