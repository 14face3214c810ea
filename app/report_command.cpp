// l2tpsim report merge: the JSON summaries of the agents of one run (--agent I/N on many
// machines) merged into one summary and one load report (peers/run_merge.hpp).
#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/peer_options.hpp"
#include "peers/run_merge.hpp"
#include "reports/load_html.hpp"

namespace po = boost::program_options;

namespace l2tpsim::app {
namespace {

constexpr const char* kReportHelp =
    "usage: l2tpsim report merge A.json B.json ... [--json OUT] [--html OUT]\n"
    "\n"
    "Merges the JSON summaries (--json) of several l2tpsim lac runs, usually the agents of one run on\n"
    "many machines (--agent 1/N ... N/N), into one summary, as if one run had done all of it: the\n"
    "counters add, the latency histograms merge bucket by bucket (percentiles are read from the merged\n"
    "histograms, never averaged), the timelines merge on absolute time (each summary's origin_unix_ms;\n"
    "an agent's second goes to the merged second nearest it). `agents` lists each input with its\n"
    "options. The summaries must be of one role and written by the same l2tpsim version.\n"
    "  l2tpsim report merge agent-*.json --json run.json --html run.html\n"
    "\n"
    "Exit status: 0 merged; 2 bad usage, a file that cannot be read or is not an l2tpsim summary,\n"
    "summaries of different roles or versions, or an output that cannot be written.\n"
    "\n"
    "options";

std::optional<l2tp::peers::NamedSummary> read_summary(const std::string& path, std::string& error) {
  std::ifstream f(path);
  if (!f) {
    error = "cannot read " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::stringstream text;
  text << f.rdbuf();
  try {
    return l2tp::peers::NamedSummary{path, nlohmann::json::parse(text.str())};
  } catch (const nlohmann::json::parse_error& e) {
    error = path + ": not JSON (" + e.what() + ")";
    return std::nullopt;
  }
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
  return static_cast<bool>(f);
}

int run_merge(int argc, char** argv) {
  std::vector<std::string> files;
  std::string json_out, html_out;
  po::options_description opts(kReportHelp);
  opts.add_options()("help,h", "show this help")("json", po::value(&json_out)->value_name("OUT"),
                                                 "write the merged JSON summary here")(
      "html", po::value(&html_out)->value_name("OUT"),
      "write the merged load report here (the page l2tpsim lac --html draws, for the whole run)");
  po::options_description hidden;
  hidden.add_options()("file", po::value(&files)->composing());
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("file", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error("report merge", e.what());
  }
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  if (files.empty()) {
    std::cerr << "l2tpsim report merge: no summaries given (A.json B.json ...)\n(see 'l2tpsim report merge "
                 "--help')\n";
    return 2;
  }
  std::vector<l2tp::peers::NamedSummary> inputs;
  std::string error;
  for (const auto& f : files) {
    auto s = read_summary(f, error);
    if (!s) {
      std::cerr << "l2tpsim report merge: " << error << "\n";
      return 2;
    }
    inputs.push_back(std::move(*s));
  }
  std::vector<std::string> warnings;
  const auto merged = l2tp::peers::merge_summaries(inputs, error, warnings);
  if (!merged) {
    std::cerr << "l2tpsim report merge: " << error << "\n";
    return 2;
  }
  for (const auto& w : warnings) std::cerr << "l2tpsim report merge: warning: " << w << "\n";
  const auto& m = *merged;
  const auto lat = m.value("setup_latency_ms", nlohmann::json::object());
  std::cout << "merged " << inputs.size() << " " << m.value("role", "")
            << " summaries: " << m.value("tunnels_established", 0) << " tunnels, "
            << m.value("sessions_established", 0) << " calls up (" << m.value("sessions_failed", 0)
            << " failed)";
  if (m.contains("sessions_ppp_up")) std::cout << ", " << m.value("sessions_ppp_up", 0) << " PPP up";
  std::cout << "; call setup p50 " << lat.value("p50", 0.0) << " ms, p99 " << lat.value("p99", 0.0)
            << " ms; timeline " << m["timeline"].size() << " s\n";
  if (!json_out.empty() && !write_file(json_out, m.dump(2) + "\n")) {
    std::cerr << "l2tpsim report merge: --json: cannot write " << json_out << "\n";
    return 2;
  }
  if (!html_out.empty() && !write_file(html_out, l2tp::reports::load_report_html(m, L2TPSIM_VERSION))) {
    std::cerr << "l2tpsim report merge: --html: cannot write " << html_out << "\n";
    return 2;
  }
  return 0;
}

}  // namespace

int run_report(int argc, char** argv) {
  const std::string sub = argc >= 2 ? argv[1] : "";
  if (sub == "merge") return run_merge(argc - 1, argv + 1);
  if (sub == "-h" || sub == "--help" || sub == "help") {
    std::cout
        << "usage: l2tpsim report merge A.json B.json ... [--json OUT] [--html OUT]\n"
           "  merge the JSON summaries of several runs (agents) into one ('l2tpsim report merge --help')\n";
    return 0;
  }
  std::cerr << "l2tpsim report: " << (sub.empty() ? "no subcommand" : "unknown subcommand '" + sub + "'")
            << "; the one there is: merge A.json B.json ... [--json OUT] [--html OUT]\n";
  return 2;
}

}  // namespace l2tpsim::app
