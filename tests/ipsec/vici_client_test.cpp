// The VICI client against a stand-in charon on a Unix socket: a thread that reads what the
// client sends and answers as charon does (EVENT_CONFIRM, EVENTs while the command runs, then
// CMD_RESPONSE), so the streaming and the framing are checked without charon.
#include "ipsec/vici_client.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <thread>

#include "tests/support/child_process.hpp"

namespace l2tp::ipsec {
namespace L2TPSIM_FILE_ID {

class FakeCharon {
 public:
  FakeCharon() {
    dir_ = testing::make_temp_dir("l2tpsim-vici");
    path_ = dir_ + "/charon.vici";
    fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, path_.c_str(), path_.size() + 1);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    EXPECT_EQ(::listen(fd_, 1), 0);
  }
  ~FakeCharon() {
    if (server_.joinable()) server_.join();
    ::close(fd_);
    std::filesystem::remove_all(dir_);
  }
  const std::string& path() const { return path_; }

  // Serves one connection with `script`, which reads and writes packets through the helpers.
  template <typename F>
  void serve(F script) {
    server_ = std::thread([this, script] {
      const int c = ::accept(fd_, nullptr, nullptr);
      script(c);
      ::close(c);
    });
  }
  static ViciPacket read_packet(int c) {
    std::uint8_t head[4];
    EXPECT_EQ(::recv(c, head, 4, MSG_WAITALL), 4);
    const std::size_t n = (std::size_t{head[0]} << 24) | (head[1] << 16) | (head[2] << 8) | head[3];
    Buffer body(n);
    EXPECT_EQ(::recv(c, body.data(), n, MSG_WAITALL), static_cast<ssize_t>(n));
    auto p = decode_packet(body);
    EXPECT_TRUE(p.has_value());
    return p ? *p : ViciPacket{};
  }
  static void write_packet(int c, const ViciPacket& p) {
    auto seg = encode_segment(p);
    ASSERT_TRUE(seg.has_value());
    ASSERT_EQ(::send(c, seg->data(), seg->size(), MSG_NOSIGNAL), static_cast<ssize_t>(seg->size()));
  }

 private:
  std::string dir_, path_;
  int fd_ = -1;
  std::thread server_;
};

TEST(ViciClient, StreamsEventsUntilTheResponse) {
  FakeCharon charon;
  charon.serve([](int c) {
    auto reg = FakeCharon::read_packet(c);
    EXPECT_EQ(reg.type, ViciPacketType::EventRegister);
    EXPECT_EQ(reg.name, "control-log");
    FakeCharon::write_packet(c, ViciPacket{ViciPacketType::EventConfirm, "", {}});
    auto cmd = FakeCharon::read_packet(c);
    EXPECT_EQ(cmd.type, ViciPacketType::CmdRequest);
    EXPECT_EQ(cmd.name, "initiate");
    EXPECT_EQ(cmd.message.value_or("ike", ""), "l2tpsim-0");
    for (const char* msg : {"unable to add SAD entry with SPI c1 (FAILED)", "second"}) {
      ViciPacket ev{ViciPacketType::Event, "control-log", {}};
      ev.message.add("msg", msg);
      FakeCharon::write_packet(c, ev);
    }
    ViciPacket resp{ViciPacketType::CmdResponse, "", {}};
    resp.message.add("success", "no").add("errmsg", "establishing CHILD_SA 'l2tp' failed");
    FakeCharon::write_packet(c, resp);
    EXPECT_EQ(FakeCharon::read_packet(c).type, ViciPacketType::EventUnregister);
    FakeCharon::write_packet(c, ViciPacket{ViciPacketType::EventConfirm, "", {}});
  });
  auto client = ViciClient::connect(charon.path());
  ASSERT_TRUE(client.has_value()) << client.error();
  ViciSection req;
  req.add("ike", "l2tpsim-0");
  std::vector<std::string> log;
  auto r = (*client)->call_streamed(
      "initiate", req, "control-log",
      [&](const ViciPacket& ev) { log.push_back(ev.message.value_or("msg", "")); },
      std::chrono::milliseconds(5000));
  ASSERT_TRUE(r.has_value()) << r.error();
  EXPECT_EQ(failure_of(*r), "establishing CHILD_SA 'l2tp' failed");
  EXPECT_EQ(log, (std::vector<std::string>{"unable to add SAD entry with SPI c1 (FAILED)", "second"}));
}

TEST(ViciClient, UnknownCommandAndSilenceAreErrors) {
  FakeCharon charon;
  charon.serve([](int c) {
    FakeCharon::read_packet(c);
    FakeCharon::write_packet(c, ViciPacket{ViciPacketType::CmdUnknown, "", {}});
    FakeCharon::read_packet(c);  // then say nothing: the client's deadline ends it
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  });
  auto client = ViciClient::connect(charon.path());
  ASSERT_TRUE(client.has_value());
  auto unknown = (*client)->call("no-such-command", {}, std::chrono::milliseconds(2000));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().find("does not know command no-such-command"), std::string::npos);
  auto silent = (*client)->call("version", {}, std::chrono::milliseconds(100));
  ASSERT_FALSE(silent.has_value());
  EXPECT_NE(silent.error().find("timed out"), std::string::npos) << silent.error();
}

TEST(ViciClient, NoSocketIsAnError) {
  auto c = ViciClient::connect("/nonexistent/charon.vici");
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().find("connect to /nonexistent/charon.vici"), std::string::npos);
  EXPECT_EQ(failure_of(ViciSection{}), "");  // no success key: nothing failed
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ipsec
