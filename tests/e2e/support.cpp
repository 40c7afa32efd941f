#include "support.hpp"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>

#include "rto/crypto.hpp"
#include "rto/testing.hpp"

namespace e2e {
namespace js = boost::json;

static std::string env_or(const char* name, const char* def) {
  const char* v = std::getenv(name);
  return v && *v ? v : def;
}

std::string gateway_url() { return env_or("E2E_GATEWAY_URL", "http://127.0.0.1:18080"); }
std::string user_url() { return env_or("E2E_USER_URL", "http://127.0.0.1:18081"); }

const std::map<std::string, std::string>& secrets() {
  static const std::map<std::string, std::string> values = [] {
    std::map<std::string, std::string> out;
    std::ifstream in(env_or("E2E_SECRETS_FILE", ".data/test/secrets.env"));
    if (!in) throw std::runtime_error("E2E_SECRETS_FILE not readable");
    std::string line;
    while (std::getline(in, line)) {
      auto eq = line.find('=');
      if (eq == std::string::npos || line.starts_with('#')) continue;
      std::string v = line.substr(eq + 1);
      if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
      out[line.substr(0, eq)] = v;
    }
    return out;
  }();
  return values;
}

static std::mt19937_64& rng() {
  static thread_local std::mt19937_64 r{std::random_device{}()};
  return r;
}

std::string unique_phone() { return rto::testing::unique_phone(); }

std::string unique_ip() {
  auto r = rng()();
  return "10." + std::to_string((r >> 8) % 250 + 1) + "." + std::to_string((r >> 16) % 250 + 1) + "." +
         std::to_string((r >> 24) % 250 + 1);
}

std::string Reply::content_type() const {
  auto v = headers.get("Content-Type");
  return v ? std::string(*v) : std::string();
}

Api::Api(std::string base_url) : ip(unique_ip()), client_(base_url) {}

Reply Api::call(rto::http::Method m, std::string_view target, std::string_view body, rto::http::Headers headers) {
  if (!body.empty() && !headers.contains("Content-Type")) headers.set("Content-Type", "application/json");
  if (!ip.empty() && !headers.contains("X-Forwarded-For")) headers.set("X-Forwarded-For", ip);
  auto r = client_.send(m, target, headers, body);
  Reply out{r.status, std::move(r.headers), std::move(r.body), nullptr};
  boost::system::error_code ec;
  auto v = js::parse(out.body, ec);
  if (!ec) out.json = std::move(v);
  return out;
}

static rto::http::Headers bearer(const std::string& token) {
  rto::http::Headers h;
  if (!token.empty()) h.set("Authorization", "Bearer " + token);
  return h;
}

Reply Api::get(std::string_view target, const std::string& token) { return call(rto::http::Method::Get, target, {}, bearer(token)); }
Reply Api::post(std::string_view target, const js::value& body, const std::string& token) {
  return call(rto::http::Method::Post, target, js::serialize(body), bearer(token));
}
Reply Api::patch(std::string_view target, const js::value& body, const std::string& token) {
  return call(rto::http::Method::Patch, target, js::serialize(body), bearer(token));
}
Reply Api::put(std::string_view target, const js::value& body, const std::string& token) {
  return call(rto::http::Method::Put, target, js::serialize(body), bearer(token));
}

Account register_customer(Api& api) {
  Account a;
  a.phone = unique_phone();
  a.password = "Rider-" + rto::crypto::random_token(9);
  auto r = api.post("/api/v1/auth/register", {{"phone", a.phone}, {"password", a.password}, {"full_name", "Test Rider"}});
  if (r.status != 201) throw std::runtime_error("register failed: " + std::to_string(r.status) + " " + r.body);
  const auto& o = r.json.as_object();
  a.id = std::string(o.at("user").as_object().at("id").as_string());
  a.access_token = std::string(o.at("tokens").as_object().at("access_token").as_string());
  a.refresh_token = std::string(o.at("tokens").as_object().at("refresh_token").as_string());
  return a;
}

}  // namespace e2e
