// rto::tcp::Server over real sockets (plain POSIX clients): framing through the byte callback,
// replies, writes by key, the unconsumed-input cap, the idle timeout and the close callback.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <rto/tcp_server.hpp>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;

class Client {
 public:
  explicit Client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect failed");
  }
  ~Client() { ::close(fd_); }
  void write(const std::string& s) { ASSERT_EQ(::send(fd_, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size())); }
  // Reads until `n` bytes arrived or `timeout`; returns what arrived.
  std::string read(std::size_t n, std::chrono::milliseconds timeout = 2000ms) {
    std::string out;
    auto until = std::chrono::steady_clock::now() + timeout;
    while (out.size() < n && std::chrono::steady_clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buf[512];
      auto got = ::recv(fd_, buf, sizeof buf, 0);
      if (got <= 0) break;
      out.append(buf, static_cast<std::size_t>(got));
    }
    return out;
  }
  // True when the server closed the connection within `timeout`.
  bool closed_by_peer(std::chrono::milliseconds timeout = 2000ms) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buf[512];
      auto got = ::recv(fd_, buf, sizeof buf, 0);
      if (got == 0) return true;
      if (got < 0) return true;
    }
    return false;
  }

 private:
  int fd_ = -1;
};

// A line protocol: "KEY name\n" registers the connection, other lines are echoed upper-cased.
rto::tcp::Callbacks line_protocol(std::atomic<int>& closes) {
  rto::tcp::Callbacks cb;
  cb.on_data = [](rto::tcp::Connection& c, std::string_view in) {
    std::size_t used = 0;
    for (;;) {
      auto nl = in.find('\n', used);
      if (nl == std::string_view::npos) break;
      std::string line(in.substr(used, nl - used));
      used = nl + 1;
      if (line.rfind("KEY ", 0) == 0) {
        c.set_key(line.substr(4));
        c.send("OK\n");
      } else if (line == "BYE") {
        c.send("BYE\n");
        c.close();
      } else {
        for (auto& ch : line) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        c.send(line + "\n");
      }
    }
    return used;
  };
  cb.on_close = [&closes](rto::tcp::Connection&) { closes.fetch_add(1); };
  return cb;
}

rto::tcp::Options options() {
  rto::tcp::Options o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.max_buffered = 64;
  o.idle_timeout = 2000ms;
  return o;
}

TEST(TcpServer, FramesAcrossReadsAndReplies) {
  std::atomic<int> closes{0};
  rto::tcp::Server server(options(), line_protocol(closes));
  auto port = server.start();
  Client c(port);
  c.write("hel");
  std::this_thread::sleep_for(50ms);
  c.write("lo\nwor");
  EXPECT_EQ(c.read(6), "HELLO\n");
  c.write("ld\n");
  EXPECT_EQ(c.read(6), "WORLD\n");
}

TEST(TcpServer, SendsToAConnectionByKeyAndForgetsItWhenItCloses) {
  std::atomic<int> closes{0};
  rto::tcp::Server server(options(), line_protocol(closes));
  auto port = server.start();
  EXPECT_FALSE(server.send_to("dev1", "x"));
  {
    Client c(port);
    c.write("KEY dev1\n");
    EXPECT_EQ(c.read(3), "OK\n");
    EXPECT_TRUE(server.connected("dev1"));
    EXPECT_TRUE(server.send_to("dev1", "COMMAND\n"));
    EXPECT_EQ(c.read(8), "COMMAND\n");
    c.write("BYE\n");
    EXPECT_EQ(c.read(4), "BYE\n");
    EXPECT_TRUE(c.closed_by_peer());
  }
  // The key is forgotten before the close callback runs: wait for both.
  for (int i = 0; i < 200 && (server.connected("dev1") || closes.load() == 0); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(server.connected("dev1"));
  EXPECT_FALSE(server.send_to("dev1", "x"));
  EXPECT_GE(closes.load(), 1);
}

TEST(TcpServer, AReconnectTakesOverTheKey) {
  std::atomic<int> closes{0};
  rto::tcp::Server server(options(), line_protocol(closes));
  auto port = server.start();
  Client first(port), second(port);
  first.write("KEY dev2\n");
  EXPECT_EQ(first.read(3), "OK\n");
  second.write("KEY dev2\n");
  EXPECT_EQ(second.read(3), "OK\n");
  EXPECT_TRUE(server.send_to("dev2", "HI\n"));
  EXPECT_EQ(second.read(3), "HI\n");
  EXPECT_EQ(first.read(1, 200ms), "");
}

TEST(TcpServer, ClosesAPeerThatNeverCompletesAFrameAndKeepsServingOthers) {
  std::atomic<int> closes{0};
  rto::tcp::Server server(options(), line_protocol(closes));
  auto port = server.start();
  Client flooder(port), good(port);
  flooder.write(std::string(200, 'a'));  // no newline, over max_buffered (64)
  EXPECT_TRUE(flooder.closed_by_peer());
  good.write("still here\n");
  EXPECT_EQ(good.read(11), "STILL HERE\n");
}

TEST(TcpServer, ClosesAnIdleConnection) {
  std::atomic<int> closes{0};
  auto o = options();
  o.idle_timeout = 200ms;
  rto::tcp::Server server(o, line_protocol(closes));
  auto port = server.start();
  Client c(port);
  EXPECT_TRUE(c.closed_by_peer(2000ms));
  for (int i = 0; i < 100 && server.connections() > 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server.connections(), 0u);
  EXPECT_EQ(closes.load(), 1);
}

TEST(TcpServer, RefusesConnectionsOverTheCap) {
  std::atomic<int> closes{0};
  auto o = options();
  o.max_connections = 1;
  rto::tcp::Server server(o, line_protocol(closes));
  auto port = server.start();
  Client a(port);
  a.write("x\n");
  EXPECT_EQ(a.read(2), "X\n");
  Client b(port);
  EXPECT_TRUE(b.closed_by_peer());
  a.write("y\n");
  EXPECT_EQ(a.read(2), "Y\n");
}

}  // namespace
