// What l2tpsim check, run and conform share: built-in variables, --var, --shard, the report
// files, the suite pcap, the device child of a self-test and the SIGINT flag.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "capture/pcap_writer.hpp"
#include "reports/conformance_report.hpp"
#include "scenarios/parser.hpp"
#include "scenarios/scenario.hpp"

namespace l2tpsim::app {

namespace sc = l2tp::scenario;

// Set by on_sigint (installed by conform): the running case ends and the reports are written.
extern volatile std::sig_atomic_t g_interrupted;
extern "C" void on_sigint(int);

// Built-in variables a scenario may use without defining them.
sc::Vars builtin_vars(const std::string& target, const std::string& secret, const std::string& user,
                      const std::string& password, const std::string& trigger);
// --var NAME=VALUE, over `vars`.
sc::Vars parse_vars(const std::vector<std::string>& list, sc::Vars vars);
// --shard I/N: the selected cases (in ID order) at positions I-1, I-1+N, ...
std::vector<sc::Scenario> take_shard(std::vector<sc::Scenario> selected, const std::string& text);
std::string now_iso();
// The tester's role: the one the scenario plays against the peer (a self-test's LAC).
sc::Role tester_role(const sc::Scenario& s);

struct Outputs {
  std::string json, junit, html, pcap;
};
// The suite's JSON, JUnit and HTML reports where asked; 2 when one could not be written.
int write_reports(const l2tp::reports::SuiteResult& suite, const Outputs& out);
std::shared_ptr<l2tp::capture::PcapWriter> open_pcap(const std::string& path);
void print_case_line(std::size_t i, std::size_t n, const l2tp::reports::CaseResult& r);

// A child `l2tpsim lns|lac` (the device side of a self-test), stopped with SIGTERM.
class Device {
 public:
  Device(const std::vector<std::string>& args, const std::string& log);
  ~Device() { stop(); }
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;
  int stop();
  bool running() const;
  // Until its log says it listens (an LNS with use-ipsec starts its charon first), at most
  // `limit`; false when it ended meanwhile.
  bool wait_listening(const std::string& log, std::chrono::seconds limit) const;

 private:
  pid_t pid_ = -1;
};

}  // namespace l2tpsim::app
