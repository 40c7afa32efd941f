// The HTTP client over https: a throwaway CA made with the openssl command line, a small
// in-process TLS server (plain OpenSSL, one thread per connection) and a listener that never
// answers. No network beyond loopback.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "rto/errors.hpp"
#include "rto/http_client.hpp"

using namespace rto;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

void sh(const std::string& cmd) {
  if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("command failed: " + cmd);
}

// A CA valid for two days and server certificates it signs, in a temporary directory.
class Pki {
 public:
  Pki() : dir_(fs::temp_directory_path() / ("rto-tls-test-" + std::to_string(::getpid()))) {
    fs::create_directories(dir_);
    sh("openssl req -x509 " + new_key("ca") + " -out " + path("ca.pem") + " -days 2 -subj /CN=rto-test-ca");
  }
  ~Pki() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  Pki(const Pki&) = delete;
  Pki& operator=(const Pki&) = delete;

  // Issues <name>.pem and <name>.key for the subjectAltName given, e.g. "DNS:localhost".
  void issue(const std::string& name, const std::string& san) {
    std::ofstream(path(name + ".ext")) << "subjectAltName=" << san << "\nbasicConstraints=CA:FALSE\n";
    sh("openssl req " + new_key(name) + " -out " + path(name + ".csr") + " -subj /CN=" + name);
    sh("openssl x509 -req -in " + path(name + ".csr") + " -CA " + path("ca.pem") + " -CAkey " + path("ca.key") +
       " -CAcreateserial -days 2 -extfile " + path(name + ".ext") + " -out " + path(name + ".pem"));
  }
  std::string path(const std::string& file) const { return (dir_ / file).string(); }

 private:
  // EC keys: generating them takes milliseconds, RSA keys can take seconds.
  std::string new_key(const std::string& name) const {
    return "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + path(name + ".key");
  }
  fs::path dir_;
};

// A listening socket on 127.0.0.1 with a port the kernel picks.
int listen_on_loopback(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), len) != 0 || ::listen(fd, 16) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("cannot listen on 127.0.0.1");
  port = ntohs(a.sin_port);
  return fd;
}

// Accepts TCP connections (the kernel does, from the backlog) but never says a word.
class SilentListener {
 public:
  SilentListener() : fd_(listen_on_loopback(port_)) {}
  ~SilentListener() { ::close(fd_); }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  int port() const { return port_; }

 private:
  int port_ = 0;
  int fd_;
};

// Answers each request on a kept-alive connection with 200 and the request line as the body.
// Counts TCP connections so that a test can tell reuse from reconnecting.
class TlsServer {
 public:
  TlsServer(const std::string& cert, const std::string& key) : ctx_(SSL_CTX_new(TLS_server_method())) {
    if (!ctx_ || SSL_CTX_use_certificate_chain_file(ctx_, cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx_, key.c_str(), SSL_FILETYPE_PEM) != 1)
      throw std::runtime_error("cannot load the server certificate " + cert);
    listener_ = listen_on_loopback(port_);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~TlsServer() {
    ::shutdown(listener_, SHUT_RDWR);  // wakes accept()
    acceptor_.join();
    for (int fd : conns_) ::shutdown(fd, SHUT_RDWR);  // wakes sessions waiting for a request
    for (auto& t : sessions_) t.join();
    for (int fd : conns_) ::close(fd);
    ::close(listener_);
    SSL_CTX_free(ctx_);
  }
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  int port() const { return port_; }
  int connections() const { return connections_; }

 private:
  // Sockets are closed only in the destructor, so the shutdown there never hits a reused fd.
  void accept_loop() {
    for (int fd; (fd = ::accept(listener_, nullptr, nullptr)) >= 0;) {
      ++connections_;
      conns_.push_back(fd);
      sessions_.emplace_back([this, fd] { serve(fd); });
    }
  }

  void serve(int fd) {
    SSL* ssl = SSL_new(ctx_);
    SSL_set_fd(ssl, fd);
    std::string pending, line;
    if (SSL_accept(ssl) == 1)
      while (next_request_line(ssl, pending, line)) {
        auto res = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(line.size()) +
                   "\r\n\r\n" + line;
        if (SSL_write(ssl, res.data(), static_cast<int>(res.size())) <= 0) break;
      }
    SSL_free(ssl);
  }

  // Reads up to the end of the next request head (the client's GETs carry no body).
  static bool next_request_line(SSL* ssl, std::string& pending, std::string& line) {
    std::size_t end;
    while ((end = pending.find("\r\n\r\n")) == std::string::npos) {
      char buf[4096];
      int n = SSL_read(ssl, buf, sizeof buf);
      if (n <= 0) return false;
      pending.append(buf, static_cast<std::size_t>(n));
    }
    line = pending.substr(0, pending.find("\r\n"));
    pending.erase(0, end + 4);
    return true;
  }

  SSL_CTX* ctx_;
  int port_ = 0;
  int listener_ = -1;
  std::atomic<int> connections_{0};
  std::vector<int> conns_;              // touched by the acceptor thread until it is joined
  std::vector<std::thread> sessions_;   // likewise
  std::thread acceptor_;
};

class HttpsClient : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::signal(SIGPIPE, SIG_IGN);  // the server writes to sockets the client may have closed
    pki = new Pki();
    pki->issue("good", "DNS:localhost,IP:127.0.0.1");
    pki->issue("other", "DNS:other.example");
  }
  static void TearDownTestSuite() {
    delete pki;
    pki = nullptr;
  }

  static http::ClientOptions trusting_test_ca() {
    http::ClientOptions o;
    o.connect_timeout = 2s;
    o.request_timeout = 2s;
    o.ca_file = pki->path("ca.pem");
    return o;
  }
  static std::string url(const std::string& host, int port) { return "https://" + host + ":" + std::to_string(port); }

  // The error of a GET expected to fail.
  static http::UpstreamError failure(http::Client& c) {
    try {
      auto res = c.get("/greeting");
      ADD_FAILURE() << "the request succeeded with status " << res.status;
    } catch (const http::UpstreamError& e) {
      return e;
    }
    return http::UpstreamError(http::UpstreamError::Kind::Protocol, "");
  }

  static Pki* pki;
};
Pki* HttpsClient::pki = nullptr;

TEST(HttpEndpoint, HttpsOnlyWhenAskedFor) {
  using S = http::Endpoint::Schemes;
  EXPECT_THROW(http::Endpoint::parse("https://pay.example"), ConfigError);  // service URLs stay plain http
  EXPECT_THROW(http::Endpoint::parse("ftp://pay.example", S::HttpOrHttps), ConfigError);
  EXPECT_THROW(http::Endpoint::parse("https://", S::HttpOrHttps), ConfigError);

  auto e = http::Endpoint::parse("https://pay.example", S::HttpOrHttps);
  EXPECT_EQ(e.host, "pay.example");
  EXPECT_EQ(e.port, "443");
  EXPECT_TRUE(e.tls);
  EXPECT_EQ(http::Endpoint::parse("https://pay.example:8443", S::HttpOrHttps).port, "8443");

  auto p = http::Endpoint::parse("http://user-service", S::HttpOrHttps);
  EXPECT_EQ(p.port, "80");
  EXPECT_FALSE(p.tls);
  EXPECT_FALSE(http::Endpoint::parse("http://user-service:8081").tls);
}

TEST_F(HttpsClient, GetWithTheTestCaTrustedReturnsTheBody) {
  TlsServer server(pki->path("good.pem"), pki->path("good.key"));
  for (const std::string host : {"localhost", "127.0.0.1"}) {
    http::Client client(url(host, server.port()), trusting_test_ca());
    EXPECT_TRUE(client.endpoint().tls);
    auto res = client.get("/greeting?x=1");
    EXPECT_EQ(res.status, 200) << host;
    EXPECT_EQ(res.body, "GET /greeting?x=1 HTTP/1.1") << host;
  }
}

TEST_F(HttpsClient, KeepAliveReusesTheTlsConnection) {
  TlsServer server(pki->path("good.pem"), pki->path("good.key"));
  http::Client client(url("localhost", server.port()), trusting_test_ca());
  EXPECT_EQ(client.get("/one").body, "GET /one HTTP/1.1");
  EXPECT_EQ(client.get("/two").body, "GET /two HTTP/1.1");
  EXPECT_EQ(server.connections(), 1);
}

TEST_F(HttpsClient, SystemStoreDoesNotTrustTheTestCa) {
  TlsServer server(pki->path("good.pem"), pki->path("good.key"));
  http::ClientOptions o;
  o.connect_timeout = 2s;
  http::Client client(url("localhost", server.port()), o);
  auto e = failure(client);
  EXPECT_EQ(e.kind, http::UpstreamError::Kind::Connect);
  EXPECT_NE(std::string(e.what()).find("TLS certificate of localhost:"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("issuer certificate"), std::string::npos) << e.what();
}

TEST_F(HttpsClient, CertificateForAnotherHostIsRejected) {
  TlsServer server(pki->path("other.pem"), pki->path("other.key"));
  http::Client by_name(url("localhost", server.port()), trusting_test_ca());
  auto e = failure(by_name);
  EXPECT_EQ(e.kind, http::UpstreamError::Kind::Connect);
  EXPECT_NE(std::string(e.what()).find("hostname mismatch"), std::string::npos) << e.what();

  http::Client by_address(url("127.0.0.1", server.port()), trusting_test_ca());
  e = failure(by_address);
  EXPECT_EQ(e.kind, http::UpstreamError::Kind::Connect);
  EXPECT_NE(std::string(e.what()).find("IP address mismatch"), std::string::npos) << e.what();
}

TEST_F(HttpsClient, HandshakeIsBoundedByTheConnectTimeout) {
  SilentListener silent;
  auto o = trusting_test_ca();
  o.connect_timeout = 300ms;
  o.request_timeout = 10s;
  http::Client client(url("127.0.0.1", silent.port()), o);
  auto started = std::chrono::steady_clock::now();
  auto e = failure(client);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_EQ(e.kind, http::UpstreamError::Kind::Connect);
  EXPECT_NE(std::string(e.what()).find("TLS handshake with 127.0.0.1:"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
}

TEST_F(HttpsClient, UnreadableCaFileIsAConfigError) {
  http::ClientOptions o;
  o.ca_file = pki->path("no-such-ca.pem");
  EXPECT_THROW(http::Client(url("localhost", 1), o), ConfigError);
}

}  // namespace
