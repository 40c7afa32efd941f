#include "domain/reference.hpp"

namespace payment_service {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int value_of(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  if (c == 'O') c = '0';
  if (c == 'I' || c == 'L') c = '1';
  auto pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

char check_symbol(const int (&v)[5]) {
  int sum = 0;
  for (int i = 0; i < 5; ++i) sum += (i + 1) * v[i];
  return kAlphabet[static_cast<std::size_t>(sum % 31)];
}

}  // namespace

std::string make_reference(std::uint32_t bits) {
  int v[5];
  for (int i = 4; i >= 0; --i) {
    v[i] = static_cast<int>(bits & 31u);
    bits >>= 5;
  }
  std::string out = "RTO-";
  for (int x : v) out += kAlphabet[static_cast<std::size_t>(x)];
  out += check_symbol(v);
  return out;
}

std::optional<std::string> normalize_reference(std::string_view text) {
  std::string s;
  for (char c : text)
    if (c != ' ' && c != '-' && c != '\t') s += c;
  if (s.size() == 9) {
    std::string head = s.substr(0, 3);
    for (auto& c : head)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (head != "RTO" && head != "RT0") return std::nullopt;
    s = s.substr(3);
  }
  if (s.size() != 6) return std::nullopt;
  int v[5];
  for (int i = 0; i < 5; ++i) {
    v[i] = value_of(s[static_cast<std::size_t>(i)]);
    if (v[i] < 0) return std::nullopt;
  }
  int check = value_of(s[5]);
  if (check < 0 || kAlphabet[static_cast<std::size_t>(check)] != check_symbol(v)) return std::nullopt;
  std::string out = "RTO-";
  for (int x : v) out += kAlphabet[static_cast<std::size_t>(x)];
  out += kAlphabet[static_cast<std::size_t>(check)];
  return out;
}

}  // namespace payment_service
