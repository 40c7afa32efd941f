#pragma once
// What the end-to-end load benchmarks share: `--flag value` parsing, the secrets and settings of
// the in-process services they start, latency percentiles and how they are printed, and main()
// (usage on bad flags: exit 2; a failure: exit 1).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <rto/auth.hpp>
#include <rto/config.hpp>
#include <rto/testing/service.hpp>
#include <rto/crypto.hpp>

namespace bench {

struct Flags {
  std::map<std::string, int*> ints;
  std::map<std::string, std::int64_t*> int64s;
  std::map<std::string, std::string*> strings;
};

// Fills the targets named by `f` from `--name value` pairs; false on an unknown flag, a missing
// value or a number that does not parse.
inline bool parse_flags(int argc, char** argv, const Flags& f) {
  try {
    for (int i = 1; i < argc; i += 2) {
      const std::string k = argv[i];
      if (i + 1 >= argc) return false;
      const std::string v = argv[i + 1];
      std::size_t used = 0;
      if (auto it = f.ints.find(k); it != f.ints.end()) {
        *it->second = std::stoi(v, &used);
      } else if (auto l = f.int64s.find(k); l != f.int64s.end()) {
        *l->second = std::stoll(v, &used);
      } else if (auto s = f.strings.find(k); s != f.strings.end()) {
        *s->second = v;
        used = v.size();
      } else {
        return false;
      }
      if (used != v.size()) return false;
    }
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

// Token keys shared by a bench's service under test and its stub neighbours (which check the
// service tokens they are sent): the test ES256 key pair of access tokens, a fresh service secret.
struct Secrets {
  std::string jwt_private = rto::testing::kJwtPrivateKey;
  std::string jwt_public = rto::testing::kJwtPublicKeys;
  std::string service = "bench-service-" + rto::crypto::uuid_v4();
  rto::auth::AccessKeys access() const { return rto::auth::AccessKeys::parse(jwt_private, jwt_public); }
};

// An in-process service on 127.0.0.1, an ephemeral port; http_workers 0 keeps the default.
inline rto::config::Common local_service(const std::string& name, const Secrets& s, const std::string& log_level,
                                         int http_workers = 0) {
  rto::config::Common c;
  c.service = name;
  c.host = "127.0.0.1";
  c.port = 0;
  if (http_workers > 0) c.http_workers = http_workers;
  c.jwt_private_key = s.jwt_private;
  c.jwt_public_keys = s.jwt_public;
  c.service_token_secret = s.service;
  c.log_level = log_level;
  return c;
}

struct Percentiles {
  double p50 = 0, p95 = 0, p99 = 0, max = 0;
  std::size_t n = 0;
};

inline Percentiles percentiles(std::vector<double> v) {
  Percentiles p;
  p.n = v.size();
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5))];
  };
  p.p50 = at(0.50);
  p.p95 = at(0.95);
  p.p99 = at(0.99);
  p.max = v.back();
  return p;
}

// Milliseconds with one decimal, as a JSON object of numbers (boost.json would write 4.604E2).
inline std::string to_json(const Percentiles& p) {
  char buf[160];
  std::snprintf(buf, sizeof buf, R"({"p50":%.1f,"p95":%.1f,"p99":%.1f,"max":%.1f,"n":%zu})", p.p50, p.p95, p.p99,
                p.max, p.n);
  return buf;
}

inline void print_percentiles(const char* what, const Percentiles& p) {
  std::printf("  %-34s p50 %7.1f  p95 %7.1f  p99 %7.1f  max %7.1f ms  (%zu)\n", what, p.p50, p.p95, p.p99, p.max, p.n);
}

// main() of a benchmark: parse (nullopt → usage, exit 2), then run; an exception exits 1.
template <class Options, class Run>
int main_of(const char* name, int argc, char** argv, std::optional<Options> (*parse)(int, char**), void (*usage)(),
            Run run) {
  auto o = parse(argc, argv);
  if (!o) {
    usage();
    return 2;
  }
  try {
    return run(*o);
  } catch (const std::exception& e) {
    std::cerr << name << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace bench
