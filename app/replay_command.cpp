// l2tpsim replay: the conversations of a capture (issue 11). `--list` shows every tunnel and
// session and whether it can be replayed; `--play` plays one side against a live peer (replay/).
#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/file_command_line.hpp"
#include "app/peer_options.hpp"
#include "app/replay_play.hpp"
#include "app/replay_sim.hpp"
#include "capture/conversation.hpp"
#include "capture/conversation_report.hpp"
#include "replay/scenario_emitter.hpp"
#include "replay/session_clones.hpp"

namespace po = boost::program_options;

namespace l2tpsim::app {
namespace {

constexpr const char* kReplayHelp =
    "usage: l2tpsim replay FILE --list [--json OUT] [--port N]... [--capture-secret S]\n"
    "       l2tpsim replay FILE --play lac --target ADDR[:PORT] [--tunnel N|all] [options]\n"
    "       l2tpsim replay FILE --play lns --listen ADDR[:PORT] [options]\n"
    "       l2tpsim replay FILE --play lac|lns --sim [--sim-options 'OPTIONS'] [--seed N] [options]\n"
    "       l2tpsim replay FILE --emit-scenario OUT.yaml [--play lac|lns] [--tunnel N] [--timing T]\n"
    "\n"
    "Reads a pcap or pcapng file (anything 'l2tpsim decode' reads) and finds its L2TPv2\n"
    "conversations: the tunnels (both directions paired through their Assigned Tunnel IDs, also\n"
    "when the SCCRP comes from another address or port, RFC 2661 8.1), their sessions, who is\n"
    "the LAC and who the LNS, and each side's control messages (retransmissions and ZLBs told\n"
    "apart) and PPP frames.\n"
    "\n"
    "--list prints every tunnel and session: the Tunnel and Session IDs of both sides, their\n"
    "addresses, roles, host and vendor names, message counts per side (control, retransmitted,\n"
    "ZLB, data), the control messages in order, the time span, how it ended (StopCCN and CDN\n"
    "result and error codes with their RFC 2661 meaning, and who sent them), the PAP or CHAP\n"
    "user, whether it can be replayed and why not (a capture that starts mid-tunnel, misses a\n"
    "direction or was cut short), and notes on everything missing or guessed.\n"
    "\n"
    "--play lac|lns plays that side of one tunnel against a live peer. Every control message the\n"
    "side sent goes out again with the captured AVPs (order, M and H bits, vendor and unknown\n"
    "AVPs, values), except what must be live: our Assigned Tunnel and Session IDs, the header\n"
    "IDs and Ns/Nr (the engine's reliable delivery), Challenge (fresh) and Challenge Response\n"
    "(computed with --secret), a fresh Random Vector, hidden AVPs (revealed with\n"
    "--capture-secret, hidden again with --secret). Answers go when the live peer's message\n"
    "arrives; the side's own acts (SCCRQ, ICRQ, WEN, SLI, CDN, StopCCN with the captured result codes)\n"
    "at their captured offsets (--timing). PPP is negotiated live, seeded from the capture: the\n"
    "LCP options the side asked for, the same authentication method and user, the same IPCP\n"
    "requests, LCP Terminate before the CDN where the side sent one; what it sent and the replay\n"
    "does not make (LCP Identification, CCP, IP packets) is named in a note per call.\n"
    "Then the live peer is compared with the captured one, exchange by exchange:\n"
    "messages missing or extra, AVPs (type, M/H bits, values; IDs, Random Vector, Challenge,\n"
    "Challenge Response, Tie Breaker and Call Serial Number ignored), result codes, PPP\n"
    "authentication method and verdict, addresses, LCP options, Protocol-Rejects. HELLOs are\n"
    "not compared (they follow idle time). The peer's response time per exchange (from our\n"
    "message to its answer: SCCRP, ICRP, Configure-Ack, Authenticate-Ack, ...) is shown live\n"
    "against the capture; times are not differences, but an answer over 1 s and more than 10x\n"
    "slower than captured gets a note. --tunnel all plays every playable tunnel at once from\n"
    "one socket, each at its captured offset from the first; the reports then cover them all.\n"
    "Reports: the console summary, --json, --junit (one testsuite per tunnel, one testcase per\n"
    "exchange), --html (the captured and live ladders side by side, differences marked).\n"
    "The passive checker judges every message of the live peer against RFC 2661, as in every\n"
    "run: its violations (requirement ID, level, live frame) are in every report, apart from the\n"
    "differences (JUnit: a testcase per requirement, failed at MUST level, warned below).\n"
    "A Windows LAC's tunnel with PAP user markw:\n"
    "  l2tpsim replay win.pcap --play lac --target 192.0.2.1 --secret s --json diff.json\n"
    "\n"
    "--sim plays against l2tpsim's own LNS (--play lac) or LAC (--play lns) instead of a live\n"
    "peer: both run in this process on a simulated network in virtual time (1 ms each way, no\n"
    "sockets), as in conform --sim, so a capture of minutes replays in a moment. The peer is\n"
    "configured as 'l2tpsim lns' or 'l2tpsim lac' would be from --sim-options, and where those do\n"
    "not say otherwise from what the replay knows: --secret (else --capture-secret), the captured\n"
    "PPP user and password (PAP, or --password), the method the captured LNS demanded, no PPP when\n"
    "none was captured; our LAC opens the captured calls on one tunnel (--tunnel all: one per\n"
    "tunnel) and hangs up when the captured tunnel ended. --sim replaces --target and --listen.\n"
    "The reports say the run was simulated; --pcap has virtual timestamps, and the same --seed\n"
    "gives the same pcap, byte for byte. The Windows LAC against our LNS, demanding CHAP instead:\n"
    "  l2tpsim replay win.pcap --play lac --sim --sim-options '--authentication chap' --seed 7\n"
    "\n"
    "Exit status: --list 0; --play 0 when the live peer matched the capture, 1 when it differed\n"
    "or the tunnel did not come up (or, with --fail-on-violation, broke a MUST-level requirement);\n"
    "2 bad usage or a capture that cannot be read.\n"
    "\n"
    "options";

int usage(const std::string& why);

struct PlayArgs {
  std::string play, target, listen, tunnel, secret, capture_secret, password, timing, pcap, json;
  std::vector<std::string> ignore;
  bool send_concealed = false;
  double max_duration = 0;
  std::uint64_t seed = 1;
  std::string junit, html;
  unsigned sessions = 1;
  std::string user;
  double ppp_wait = 30;
  bool fail_on_violation = false;
  bool sim = false;
  std::string sim_options;
};

// The script of tunnel `index`, refused when it holds hidden AVPs it cannot reveal (unless
// --send-concealed): the usage error's exit status, or nullopt when it can be played.
std::optional<int> check_concealed(const l2tp::replay::ReplayScript& script, const PlayArgs& a) {
  if (script.concealed.empty() || a.send_concealed) return std::nullopt;
  std::cerr << "l2tpsim replay: hidden AVPs the capture secret cannot reveal (RFC 2661 4.3):\n";
  for (const auto& c : script.concealed)
    std::cerr << "  tunnel " << script.tunnel + 1 << " frame " << c.frame << " " << c.message << ": "
              << l2tp::avp_display_name(c.vendor, c.type) << "\n";
  return usage(
      "give --capture-secret (or --secret) to reveal them, or --send-concealed to send them as captured");
}

int usage(const std::string& why) {
  std::cerr << "l2tpsim replay: " << why << "\n";
  return 2;
}

int play_capture(const std::string& file, const l2tp::capture::Conversations& conv, const PlayArgs& a) {
  using namespace l2tp;
  PlayRun run;
  run.capture = file;
  run.conversations = &conv;
  run.pcap = a.pcap;
  run.json = a.json;
  run.junit = a.junit;
  run.html = a.html;
  run.seed = a.seed;
  run.fail_on_violation = a.fail_on_violation;
  capture::PeerRole role{};
  if (a.play == "lac")
    role = capture::PeerRole::Lac;
  else if (a.play == "lns")
    role = capture::PeerRole::Lns;
  else
    return usage("--play " + a.play + ": expected lac or lns");
  run.sim = a.sim;
  run.sim_options = a.sim_options;
  try {
    if (a.sim) {
      // The simulated peer's addresses are the run's own (replay_sim.cpp).
      if (!a.target.empty() || !a.listen.empty())
        return usage("--sim replaces --target and --listen (the peer is simulated): give one or the other");
    } else if (role == capture::PeerRole::Lac) {
      if (a.target.empty()) return usage("--play lac needs --target ADDR[:PORT] (the live LNS)");
      run.config.target = parse_endpoint("target", a.target, 1701);
      run.config.local = net::Endpoint{default_source_for(run.config.target), 0};
    } else {
      if (a.listen.empty()) return usage("--play lns needs --listen ADDR[:PORT]");
      run.config.local = parse_endpoint("listen", a.listen, 1701);
    }
  } catch (const UsageError& e) {
    return usage(e.what());
  }
  auto timing = replay::parse_timing(a.timing);
  if (!timing) return usage(timing.error());
  run.config.timing = *timing;
  if (!(a.ppp_wait >= 0 && a.ppp_wait <= 3600))
    return usage("--ppp-wait " + std::to_string(a.ppp_wait) + ": expected 0-3600 seconds");
  run.config.timing.ppp_wait =
      std::chrono::duration_cast<Duration>(std::chrono::duration<double>(a.ppp_wait));
  run.config.secret = a.secret;
  // Our own simulated peer can be given the captured secret: the tunnel authenticates as captured.
  if (a.sim && a.secret.empty()) run.config.secret = a.capture_secret;
  run.config.password = a.password;
  run.config.send_concealed = a.send_concealed;
  if (a.sessions == 0 || a.sessions > 10000)
    return usage("--sessions " + std::to_string(a.sessions) +
                 ": expected 1-10000 clones of each captured call");
  if (a.sessions > 1 && !a.user.empty() && a.user.find("{n}") == std::string::npos)
    return usage("--user " + a.user + ": with --sessions, the pattern needs {n} (a user per call)");
  run.config.sessions = a.sessions;
  run.config.user = a.user;
  for (const std::string& i : a.ignore) {
    auto key = replay::parse_avp_key(i);
    if (!key) return usage("--ignore: " + key.error());
    run.diff.ignore.insert(*key);
  }
  const replay::ScriptOptions script_options{a.capture_secret.empty() ? a.secret : a.capture_secret};
  if (a.tunnel == "all") {
    // Every tunnel whose side can be played, each at its captured offset from the first.
    std::vector<replay::ReplayScript> scripts;
    std::int64_t first_ns = 0, last_ns = 0;
    for (std::size_t i = 0; i < conv.tunnels.size(); ++i) {
      auto s = replay::make_script(conv, i, role, script_options);
      if (!s) continue;
      if (const auto refused = check_concealed(*s, a)) return *refused;
      if (scripts.empty() || s->start_ns < first_ns) first_ns = s->start_ns;
      last_ns = std::max(last_ns, conv.tunnels[i].last_ns);
      scripts.push_back(replay::clone_sessions(*s, a.sessions));
    }
    if (scripts.empty())
      return usage("no tunnel of " + file + " has a " + a.play + " side that can be played (see --list)");
    const double span = static_cast<double>(last_ns - first_ns) / 1e9;
    const double limit = a.max_duration > 0 ? a.max_duration : (timing->fast ? 0 : span * timing->scale) + 60;
    run.limit = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(limit));
    run.all = true;
    for (const auto& s : scripts) run.scripts.push_back(&s);
    return a.sim ? play_in_sim(run) : play_on_sockets(run);
  }
  std::optional<std::size_t> index;
  if (a.tunnel == "first") {
    index = replay::first_playable(conv, role);
    if (!index)
      return usage("no tunnel of " + file + " has a " + a.play + " side that can be played (see --list)");
  } else {
    const auto n = std::strtoul(a.tunnel.c_str(), nullptr, 10);
    if (n == 0 || n > conv.tunnels.size())
      return usage("--tunnel " + a.tunnel + ": the capture has tunnels 1-" +
                   std::to_string(conv.tunnels.size()) + ", or all");
    index = n - 1;
  }
  auto script = replay::make_script(conv, *index, role, script_options);
  if (!script) return usage(script.error());
  if (const auto refused = check_concealed(*script, a)) return *refused;
  *script = replay::clone_sessions(*script, a.sessions);
  const capture::Tunnel& t = conv.tunnels[*index];
  const double span = static_cast<double>(t.last_ns - script->start_ns) / 1e9;
  const double limit = a.max_duration > 0 ? a.max_duration : (timing->fast ? 0 : span * timing->scale) + 60;
  run.limit = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(limit));
  run.scripts = {&*script};
  return a.sim ? play_in_sim(run) : play_on_sockets(run);
}

// --emit-scenario: one side of one tunnel as a scenario file (replay/scenario_emitter.hpp);
// `play` names the side (--play, default lac).
int write_scenario(const std::string& file, const l2tp::capture::Conversations& conv,
                   const std::string& out_path, const std::string& tunnel, const std::string& capture_secret,
                   const std::string& timing_text, const std::string& play) {
  using namespace l2tp;
  const auto timing = replay::parse_timing(timing_text);
  if (!timing) return usage(timing.error());
  if (play != "lac" && play != "lns") return usage("--play " + play + ": expected lac or lns");
  const capture::PeerRole role = play == "lns" ? capture::PeerRole::Lns : capture::PeerRole::Lac;
  const std::string side = play == "lns" ? "LNS" : "LAC";
  std::optional<std::size_t> index;
  if (tunnel == "first") {
    index = replay::first_playable(conv, role);
    if (!index)
      return usage("no tunnel of " + file + " has a " + side + " side that can be played (see --list)");
  } else {
    const auto n = std::strtoul(tunnel.c_str(), nullptr, 10);
    if (n == 0 || n > conv.tunnels.size())
      return usage("--tunnel " + tunnel + ": the capture has tunnels 1-" +
                   std::to_string(conv.tunnels.size()));
    index = n - 1;
  }
  auto script = replay::make_script(conv, *index, role, replay::ScriptOptions{capture_secret});
  if (!script) return usage(script.error());
  const std::string name = std::filesystem::path(file).filename().string();
  auto yaml =
      replay::emit_scenario(conv, *script, replay::EmitOptions{name, timing->fast ? 0 : timing->scale});
  if (!yaml) return usage("--emit-scenario: " + yaml.error());
  std::ofstream out(out_path, std::ios::trunc);
  if (!(out << *yaml) || !out.flush()) {
    std::cerr << "l2tpsim replay: cannot write " << out_path << "\n";
    return 2;
  }
  std::cout << "wrote " << out_path << ": the " << side << " side of tunnel " << *index + 1 << " of " << file
            << "\n";
  return 0;
}

}  // namespace

int run_replay(int argc, char** argv) {
  std::string file, json_file, play, target, listen, tunnel = "first", secret, capture_secret, password,
                                                     timing = "original", pcap;
  std::string junit_file, html_file, user_pattern;
  unsigned sessions = 1;
  std::vector<std::string> ignore;
  std::vector<unsigned> ports;
  std::string emit_scenario;
  bool list = false, send_concealed = false, fail_on_violation = false, sim = false;
  std::string sim_options;
  double max_duration = 0, ppp_wait = 30;
  std::uint64_t seed = 1;
  po::options_description opts(kReplayHelp);
  opts.add_options()("help,h", "show this help")("list", po::bool_switch(&list),
                                                 "list the tunnels and sessions of the capture")(
      "json", po::value(&json_file)->value_name("OUT"),
      "--list: also write the list as JSON to OUT; --play: the outcome as JSON (tunnel_up, sessions_up, "
      "ppp_up, matched, differences: exchange, kind, captured, live, frame_captured, frame_live; simulated: "
      "how, with --sim)")("port", po::value(&ports)->composing(),
                          "UDP port carrying L2TP in the capture (repeatable; default 1701)")(
      "play", po::value(&play)->value_name("lac|lns"), "play this side of the tunnel against a live peer")(
      "target", po::value(&target)->value_name("ADDR[:PORT]"),
      "--play lac: the live LNS (port 1701 by default)")(
      "listen", po::value(&listen)->value_name("ADDR[:PORT]"),
      "--play lns: where to wait for the live LAC (port 1701 by default)")(
      "tunnel", po::value(&tunnel)->value_name("N"),
      "the tunnel to play, numbered as --list shows (default: the first whose side can be played); all: "
      "every tunnel whose side can be played, at once, each at its captured offset")(
      "secret", po::value(&secret)->value_name("S"),
      "the live tunnel secret: Challenge Responses and hidden AVPs (RFC 2661 5.1.1, 4.3)")(
      "capture-secret", po::value(&capture_secret)->value_name("S"),
      "the captured tunnel's secret: reveals its hidden AVPs when the conversations are found (a hidden "
      "Assigned Session ID pairs a call only so) and for the replayed messages (default: --secret)")(
      "send-concealed", po::bool_switch(&send_concealed),
      "send hidden AVPs that cannot be revealed as captured (ciphertext) instead of refusing to play")(
      "password", po::value(&password)->value_name("P"),
      "the PPP password (captured CHAP responses cannot be reused; a PAP password is taken from the "
      "capture)")(
      "timing", po::value(&timing)->value_name("original|xF|fast"),
      "when the side's own acts go: at their captured offsets (original), scaled by F (x0.1: ten times "
      "faster), or as soon as the exchange allows (fast)")(
      "ppp-wait", po::value(&ppp_wait)->value_name("SECONDS"),
      "--play: how long a captured hang-up waits for its call's PPP to come up before it goes anyway "
      "(default 30; a peer without PPP, such as xl2tpd with no pppd, never brings it up)")(
      "ignore", po::value(&ignore)->composing()->value_name("AVP"),
      "also ignore this AVP in the comparison: RFC name (host-name), type (7) or VENDOR:TYPE (repeatable)")(
      "sessions", po::value(&sessions)->value_name("N"),
      "--play: play every captured call N times (clones at the call's captured offsets, each held against "
      "the captured call in the comparison): load from a real capture")(
      "user", po::value(&user_pattern)->value_name("PATTERN"),
      "--play lac: the PPP user, {n} the call number (1-based), {tunnel} and {session} our IDs, as for "
      "l2tpsim lac (default: the captured user; with --sessions the captured user followed by {n})")(
      "junit", po::value(&junit_file)->value_name("FILE"),
      "--play: the outcome as JUnit XML (one testsuite per tunnel played, one testcase per exchange; a "
      "difference fails its exchange)")(
      "html", po::value(&html_file)->value_name("FILE"),
      "--play: one self-contained HTML page: the captured and live ladders side by side, the differences "
      "marked and listed, the response times, the summary")("pcap", po::value(&pcap)->value_name("FILE"),
                                                            "--play: write the live run's datagrams to FILE")(
      "max-duration", po::value(&max_duration)->value_name("SECONDS"),
      "--play: stop after this long (default: the captured tunnel's length, scaled, plus 60 s)")(
      "fail-on-violation", po::bool_switch(&fail_on_violation),
      "--play: exit 1 also when the passive checker saw the live peer break a MUST-level requirement "
      "(listed in every report either way; they are not differences from the capture)")(
      "seed", po::value(&seed)->value_name("N"),
      "--play: seed for challenges, Random Vectors, magic numbers (--sim: of the whole run)")(
      "sim", po::bool_switch(&sim),
      "--play: against l2tpsim's own LNS (--play lac) or LAC (--play lns) in virtual time, no sockets, "
      "instead of --target/--listen")(
      "sim-options", po::value(&sim_options)->value_name("'OPTIONS'"),
      "--sim: options of l2tpsim lns (--play lac) or l2tpsim lac (--play lns) for the simulated peer, "
      "e.g. '--authentication chap --hidden all'")(
      "emit-scenario", po::value(&emit_scenario)->value_name("OUT.yaml"),
      "write one side of --tunnel (default: the first playable; --play lns for the LNS side, default lac) as "
      "a scenario for l2tpsim run: its messages as steps, the captured peer's as expectations (the LNS side "
      "starts with a shell: ${trigger} step that makes the LAC under test dial); waits follow --timing "
      "(fast: none)");
  po::variables_map vm;
  if (const auto stop = parse_file_command("replay", opts, argc, argv, file, vm)) return *stop;
  if (!list && play.empty() && emit_scenario.empty()) {
    std::cerr << "l2tpsim replay: say what to do: --list, --play lac|lns or --emit-scenario OUT.yaml\n";
    return 2;
  }
  if (list && !play.empty()) {
    std::cerr << "l2tpsim replay: --list and --play: one at a time\n";
    return 2;
  }
  if ((sim || !sim_options.empty()) && (play.empty() || !emit_scenario.empty()))
    return usage("--sim and --sim-options go with --play lac|lns only");
  if (!sim_options.empty() && !sim) return usage("--sim-options needs --sim");
  l2tp::capture::ConversationOptions options;
  // Hidden AVPs revealed while the conversations are found: a hidden Assigned Session ID must
  // pair the call's two directions. --secret stands in for it, as for the script.
  options.secret = capture_secret.empty() ? secret : capture_secret;
  if (!ports.empty()) options.ports.clear();
  for (unsigned p : ports) {
    if (p == 0 || p > 65535) {
      std::cerr << "l2tpsim replay: --port " << p << " is not a UDP port (1-65535)\n";
      return 2;
    }
    options.ports.insert(static_cast<std::uint16_t>(p));
  }

  auto read = l2tp::capture::read_conversations(file, options);
  if (!read) {
    std::cerr << "l2tpsim replay: " << read.error() << "\n";
    return 2;
  }
  const auto& conv = read->conversations;
  if (!emit_scenario.empty()) {
    // --play names the side the scenario plays; nothing is played live.
    if (list) return usage("--emit-scenario: not with --list");
    return write_scenario(file, conv, emit_scenario, tunnel, capture_secret.empty() ? secret : capture_secret,
                          timing, play.empty() ? "lac" : play);
  }
  if (!play.empty())
    return play_capture(
        file, conv,
        PlayArgs{play,       target,    listen,    tunnel,       secret,         capture_secret,    password,
                 timing,     pcap,      json_file, ignore,       send_concealed, max_duration,      seed,
                 junit_file, html_file, sessions,  user_pattern, ppp_wait,       fail_on_violation, sim,
                 sim_options});
  std::cout << l2tp::capture::conversations_text(conv, file);
  if (!json_file.empty()) {
    std::ofstream out(json_file, std::ios::trunc);
    if (!out) {
      std::cerr << "l2tpsim replay: cannot write " << json_file << "\n";
      return 2;
    }
    auto j = l2tp::capture::conversations_json(conv, file);
    if (!read->read_error.empty()) j["read_error"] = read->read_error;
    // Host names and Result Code messages are the peer's bytes, not always UTF-8.
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    if (!out) {
      std::cerr << "l2tpsim replay: writing " << json_file << " failed\n";
      return 2;
    }
  }
  if (!read->read_error.empty()) {
    std::cerr << "l2tpsim replay: " << file << ": reading stopped early: " << read->read_error << "\n";
    return 2;
  }
  return 0;
}

}  // namespace l2tpsim::app
