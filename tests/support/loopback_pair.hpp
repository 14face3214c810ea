// `l2tpsim lns` and `l2tpsim lac` as child processes on loopback for interop tests: a private
// directory for logs, JSON summaries and pcaps, a free random port on 127.0.0.3, and helpers to
// start, signal and read both sides. Only the children's own PIDs are ever signalled.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"

namespace l2tp::testing {

inline constexpr const char* kLoopbackLns = "127.0.0.3";

// A random UDP port in 20000-32999 that is free on `address` (an IPv4 literal, 127.0.0.3 unless
// given) now (0 if none was found): below the ephemeral range and the traceroute ports tshark
// flags with an expert note.
int random_lns_port(const char* address = kLoopbackLns);

// The JSON file's object, or an empty object (and a test failure) when it is missing or broken.
nlohmann::json read_json(const std::string& path);

class LoopbackPair {
 public:
  explicit LoopbackPair(const std::string& prefix);
  ~LoopbackPair();  // removes the directory unless the test failed

  bool ok() const { return port_ != 0; }
  std::string file(const std::string& name) const { return dir_ + "/" + name; }
  std::string lns_endpoint() const;
  int port() const { return port_; }

  // Starts the LNS (--json lns.json --pcap lns.pcap plus `extra`, --duration 60 unless `extra`
  // sets it) and waits
  // until it listens.
  std::optional<ChildProcess> start_lns(const std::vector<std::string>& extra = {});
  // argv for a LAC to the LNS from 127.0.0.4 (fixed port), --json lac.json --pcap lac.pcap.
  std::vector<std::string> lac_argv(const std::vector<std::string>& extra) const;
  // Runs the LAC to completion (bounded) and returns its exit status (-1 on timeout).
  int run_lac(const std::vector<std::string>& extra, std::chrono::seconds limit = std::chrono::seconds(60));
  // SIGTERM (graceful teardown) and the exit status.
  static int stop(ChildProcess& p);
  std::string logs() const;

 private:
  std::string dir_;
  int port_ = 0;
};

}  // namespace l2tp::testing
