#include "domain/image.hpp"

#include <rto/crypto.hpp>
#include <rto/errors.hpp>

namespace vehicle_service {

std::optional<std::string> sniff_image_type(std::string_view b) noexcept {
  if (b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xFF && static_cast<unsigned char>(b[1]) == 0xD8 &&
      static_cast<unsigned char>(b[2]) == 0xFF)
    return "image/jpeg";
  static constexpr char kPng[] = {'\x89', 'P', 'N', 'G', '\r', '\n', '\x1A', '\n'};
  if (b.size() >= 8 && b.substr(0, 8) == std::string_view(kPng, 8)) return "image/png";
  if (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") return "image/webp";
  return std::nullopt;
}

std::string media_type(std::string_view ct) {
  auto semi = ct.find(';');
  if (semi != std::string_view::npos) ct = ct.substr(0, semi);
  while (!ct.empty() && (ct.front() == ' ' || ct.front() == '\t')) ct.remove_prefix(1);
  while (!ct.empty() && (ct.back() == ' ' || ct.back() == '\t')) ct.remove_suffix(1);
  std::string out(ct);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view image_extension(std::string_view type) noexcept {
  if (type == "image/jpeg") return "jpg";
  if (type == "image/png") return "png";
  if (type == "image/webp") return "webp";
  return "bin";
}

std::string check_upload(std::string_view content_type, std::string_view body, std::size_t max_bytes) {
  auto declared = media_type(content_type);
  if (declared != "image/jpeg" && declared != "image/png" && declared != "image/webp")
    throw rto::Error(rto::ErrorKind::UnsupportedMediaType,
                     "send the image as the raw body with Content-Type image/jpeg, image/png or image/webp",
                     {{"Content-Type", "must be image/jpeg, image/png or image/webp"}});
  if (body.empty()) throw rto::BadRequest("the request body is empty; send the image bytes", {{"body", "required"}});
  if (body.size() > max_bytes)
    throw rto::Error(rto::ErrorKind::PayloadTooLarge,
                     "the image is larger than " + std::to_string(max_bytes) + " bytes",
                     {{"body", "must be at most " + std::to_string(max_bytes) + " bytes"}});
  auto actual = sniff_image_type(body);
  if (!actual)
    throw rto::Error(rto::ErrorKind::UnsupportedMediaType, "the body is not a JPEG, PNG or WebP image",
                     {{"body", "is not a JPEG, PNG or WebP image"}});
  if (*actual != declared)
    throw rto::Error(rto::ErrorKind::UnsupportedMediaType,
                     "the body is " + *actual + " but Content-Type says " + declared,
                     {{"Content-Type", "does not match the image (" + *actual + ")"}});
  return *actual;
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
