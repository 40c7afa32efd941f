#pragma once
#include <string>
#include <string_view>

namespace trackersim::testing {

inline std::string unhex(std::string_view h) {
  std::string out;
  auto v = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<char>(v(h[i]) << 4 | v(h[i + 1])));
  return out;
}

inline std::string hex(std::string_view b) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : b) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

inline unsigned long long be(std::string_view s, std::size_t at, std::size_t n) {
  unsigned long long v = 0;
  for (std::size_t i = 0; i < n; ++i) v = v << 8 | static_cast<unsigned char>(s[at + i]);
  return v;
}

}  // namespace trackersim::testing
