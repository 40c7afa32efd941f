#include "domain/image.hpp"

#include <rto/crypto.hpp>
#include <rto/errors.hpp>

namespace vehicle_service {

std::string_view image_extension(std::string_view type) noexcept {
  if (type == "image/jpeg") return "jpg";
  if (type == "image/png") return "png";
  if (type == "image/webp") return "webp";
  return "bin";
}

Image accept_upload(const std::string& vehicle_id, std::string_view content_type, std::string_view body,
                    std::size_t max_bytes, TimePoint created_at) {
  Image img;
  img.content_type = check_upload(content_type, body, max_bytes);
  img.id = rto::crypto::uuid_v4();
  img.vehicle_id = vehicle_id;
  img.size_bytes = static_cast<std::int64_t>(body.size());
  img.sha256 = rto::crypto::sha256_hex(body);
  img.storage_key = img.id + "." + std::string(image_extension(img.content_type));
  img.created_at = created_at;
  return img;
}

std::string etag_of(std::string_view sha256_hex) { return "\"" + std::string(sha256_hex) + "\""; }

bool etag_matches(std::string_view inm, std::string_view etag) noexcept {
  std::string_view opaque = etag;  // with quotes
  while (!inm.empty()) {
    auto comma = inm.find(',');
    auto item = inm.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == "*") return true;
    if (item.substr(0, 2) == "W/") item.remove_prefix(2);  // If-None-Match compares weakly
    if (item == opaque) return true;
    if (comma == std::string_view::npos) break;
    inm.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace vehicle_service
