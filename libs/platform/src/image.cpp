#include "rto/image.hpp"

#include "rto/errors.hpp"

namespace rto::image {

std::optional<std::string> sniff_type(std::string_view b) noexcept {
  if (b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xFF && static_cast<unsigned char>(b[1]) == 0xD8 &&
      static_cast<unsigned char>(b[2]) == 0xFF)
    return "image/jpeg";
  static constexpr char kPng[] = {'\x89', 'P', 'N', 'G', '\r', '\n', '\x1A', '\n'};
  if (b.size() >= 8 && b.substr(0, 8) == std::string_view(kPng, 8)) return "image/png";
  if (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") return "image/webp";
  return std::nullopt;
}

std::string media_type(std::string_view ct) {
  if (auto semi = ct.find(';'); semi != std::string_view::npos) ct = ct.substr(0, semi);
  while (!ct.empty() && (ct.front() == ' ' || ct.front() == '\t')) ct.remove_prefix(1);
  while (!ct.empty() && (ct.back() == ' ' || ct.back() == '\t')) ct.remove_suffix(1);
  std::string out(ct);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string check_upload(std::string_view content_type, std::string_view body, std::size_t max_bytes) {
  auto declared = media_type(content_type);
  if (declared != "image/jpeg" && declared != "image/png" && declared != "image/webp")
    throw rto::Error(rto::ErrorKind::UnsupportedMediaType,
                     "send the image as the raw body with Content-Type image/jpeg, image/png or image/webp",
                     {{"Content-Type", "must be image/jpeg, image/png or image/webp"}});
  if (body.empty()) throw rto::BadRequest("the request body is empty; send the image bytes", {{"body", "required"}});
  if (body.size() > max_bytes)
    throw rto::Error(rto::ErrorKind::PayloadTooLarge, "the image is larger than " + std::to_string(max_bytes) + " bytes",
                     {{"body", "must be at most " + std::to_string(max_bytes) + " bytes"}});
  auto actual = sniff_type(body);
  if (!actual)
    throw rto::Error(rto::ErrorKind::UnsupportedMediaType, "the body is not a JPEG, PNG or WebP image",
                     {{"body", "is not a JPEG, PNG or WebP image"}});
  if (*actual != declared)
    throw rto::Error(rto::ErrorKind::UnsupportedMediaType, "the body is " + *actual + " but Content-Type says " + declared,
                     {{"Content-Type", "does not match the image (" + *actual + ")"}});
  return *actual;
}

}  // namespace rto::image
