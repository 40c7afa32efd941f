#include "rto/national_id.hpp"

namespace rto {

std::optional<std::string> normalize_national_id(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return std::nullopt;
    out += c;
  }
  if (out.size() < 5 || out.size() > 20) return std::nullopt;
  return out;
}

std::string mask_national_id(std::string_view id) {
  if (id.size() <= 4) return std::string(id.size(), '*');
  return std::string(id.size() - 4, '*') + std::string(id.substr(id.size() - 4));
}

}  // namespace rto
