#include "tests/support/loopback_pair.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <random>

namespace l2tp::testing {

int random_lns_port(const char* address) {
  in_addr addr{};
  if (::inet_pton(AF_INET, address, &addr) != 1) return 0;
  std::random_device rd;
  for (int tries = 0; tries < 100; ++tries) {
    const int port = 20000 + static_cast<int>(rd() % 13000);
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr = addr;
    const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (free) return port;
  }
  return 0;
}

nlohmann::json read_json(const std::string& path) {
  auto j = nlohmann::json::parse(read_file(path), nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "no JSON summary in " << path;
  return j.is_discarded() ? nlohmann::json::object() : j;
}

LoopbackPair::LoopbackPair(const std::string& prefix)
    : dir_(make_temp_dir(prefix)), port_(random_lns_port()) {}

LoopbackPair::~LoopbackPair() {
  if (!::testing::Test::HasFailure())
    std::filesystem::remove_all(dir_);
  else
    std::cerr << "kept " << dir_ << " for inspection\n";
}

std::string LoopbackPair::lns_endpoint() const {
  return std::string(kLoopbackLns) + ":" + std::to_string(port_);
}

std::optional<ChildProcess> LoopbackPair::start_lns(const std::vector<std::string>& extra) {
  std::vector<std::string> argv{L2TPSIM_BINARY,   "lns",    "--listen",      lns_endpoint(), "--json",
                                file("lns.json"), "--pcap", file("lns.pcap")};
  argv.insert(argv.end(), extra.begin(), extra.end());
  // 60 s unless the test says how long.
  if (std::find(extra.begin(), extra.end(), "--duration") == extra.end())
    argv.insert(argv.end(), {"--duration", "60"});
  auto lns = ChildProcess::start(argv, file("lns.log"));
  if (!lns) return lns;
  EXPECT_TRUE(wait_until([&] { return read_file(file("lns.log")).find("listening on") != std::string::npos; },
                         std::chrono::seconds(10)))
      << read_file(file("lns.log"));
  return lns;
}

std::vector<std::string> LoopbackPair::lac_argv(const std::vector<std::string>& extra) const {
  std::vector<std::string> argv{
      L2TPSIM_BINARY,   "lac",    "--connect-to",   lns_endpoint(),    "--json",
      file("lac.json"), "--pcap", file("lac.pcap"), "--local-address", "127.0.0.4:" + std::to_string(port_)};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

int LoopbackPair::run_lac(const std::vector<std::string>& extra, std::chrono::seconds limit) {
  auto lac = ChildProcess::start(lac_argv(extra), file("lac.log"));
  if (!lac) return -1;
  return lac->wait(limit).value_or(-1);
}

int LoopbackPair::stop(ChildProcess& p) {
  p.signal(SIGTERM);
  return p.wait(std::chrono::seconds(20)).value_or(-1);
}

std::string LoopbackPair::logs() const {
  return "--- lac.log\n" + read_file(file("lac.log")) + "--- lns.log\n" + read_file(file("lns.log"));
}

}  // namespace l2tp::testing
