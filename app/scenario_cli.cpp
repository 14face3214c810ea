// What l2tpsim check, run and conform share. See scenario_cli.hpp.
#include "app/scenario_cli.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "app/peer_options.hpp"
#include "peers/agent_id.hpp"

namespace l2tpsim::app {

volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_sigint(int) {
  g_interrupted = 1;
}

// Built-in variables a scenario may use without defining them.
sc::Vars builtin_vars(const std::string& target, const std::string& secret, const std::string& user,
                      const std::string& password, const std::string& trigger) {
  return {
      {"target", target}, {"secret", secret}, {"user", user}, {"password", password}, {"trigger", trigger}};
}

sc::Vars parse_vars(const std::vector<std::string>& list, sc::Vars vars) {
  for (const auto& v : list) {
    const auto eq = v.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError("--var " + v + ": expected NAME=VALUE");
    vars[v.substr(0, eq)] = v.substr(eq + 1);
  }
  return vars;
}

// --shard I/N: the selected cases (in ID order) at positions I-1, I-1+N, ... Round robin rather
// than a block, so the slow cases (neighbours in ID order, e.g. the retransmission ones) spread
// over the shards.
std::vector<sc::Scenario> take_shard(std::vector<sc::Scenario> selected, const std::string& text) {
  std::string error;
  const auto id = l2tp::peers::parse_agent(text, error);
  if (!id) throw UsageError("--shard: " + error);
  std::vector<sc::Scenario> mine;
  for (std::size_t k = id->index - 1; k < selected.size(); k += id->count)
    mine.push_back(std::move(selected[k]));
  return mine;
}

std::string now_iso() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

// The tester's role: the one the scenario plays against the peer (a self-test's LAC).
sc::Role tester_role(const sc::Scenario& s) {
  if (s.case_info) return s.case_info->dut == sc::Role::Lns ? sc::Role::Lac : sc::Role::Lns;
  return s.lac ? sc::Role::Lac : sc::Role::Lns;
}

int write_reports(const l2tp::reports::SuiteResult& suite, const Outputs& out) {
  int status = 0;
  auto write = [&](const std::string& path, const std::string& text, const char* what) {
    if (path.empty()) return;
    std::ofstream f(path);
    f << text;
    if (!f) {
      std::cerr << "l2tpsim: cannot write the " << what << " report to " << path << "\n";
      status = 2;
    } else {
      std::cout << what << " report: " << path << "\n";
    }
  };
  write(out.json, l2tp::reports::to_json(suite).dump(2) + "\n", "JSON");
  write(out.junit, l2tp::reports::to_junit(suite), "JUnit");
  write(out.html, l2tp::reports::to_html(suite), "HTML");
  return status;
}

std::shared_ptr<l2tp::capture::PcapWriter> open_pcap(const std::string& path) {
  if (path.empty()) return nullptr;
  auto w = l2tp::capture::PcapWriter::open(path);
  if (!w) throw UsageError("--pcap: " + w.error());
  return std::make_shared<l2tp::capture::PcapWriter>(std::move(*w));
}

Device::Device(const std::vector<std::string>& args, const std::string& log) {
  pid_ = ::fork();
  if (pid_ == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    std::vector<std::string> words = {"l2tpsim"};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    ::execv("/proc/self/exe", argv.data());
    ::_exit(127);
  }
}

int Device::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return 137;
}

bool Device::running() const {
  return pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0;
}

bool Device::wait_listening(const std::string& log, std::chrono::seconds limit) const {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (running() && std::chrono::steady_clock::now() < until) {
    std::ifstream f(log);
    std::stringstream text;
    text << f.rdbuf();
    if (text.str().find("listening on") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return running();
}

void print_case_line(std::size_t i, std::size_t n, const l2tp::reports::CaseResult& r) {
  const std::string v = l2tp::reports::verdict_label(r.verdict);
  std::cout << "[" << i << "/" << n << "] " << r.id << "  " << v << "  ("
            << static_cast<int>(r.duration_s * 10) / 10.0 << " s)  " << r.title << "\n";
  if (r.verdict != l2tp::reports::Verdict::Pass && !r.reason.empty())
    std::cout << "        " << r.reason << "\n";
  std::cout << std::flush;
}

}  // namespace l2tpsim::app
