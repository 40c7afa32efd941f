#pragma once
// Uploaded images: the declared type, the type the bytes really are (magic numbers), and the
// size limit. Pure: no I/O.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "domain/time.hpp"
#include <rto/image.hpp>

#include "domain/vehicle.hpp"

namespace vehicle_service {

inline constexpr std::size_t kDefaultImageMaxBytes = 5 * 1024 * 1024;
inline constexpr int kMaxImagesPerVehicle = 20;

// "image/jpeg", "image/png" or "image/webp" from the first bytes; nullopt for anything else.
inline std::optional<std::string> sniff_image_type(std::string_view bytes) noexcept {
  return rto::image::sniff_type(bytes);
}

// The media type of a Content-Type header value, lower case and without parameters
// ("Image/PNG; foo=bar" -> "image/png").
using rto::image::media_type;

// File extension for a supported type ("jpg", "png", "webp").
std::string_view image_extension(std::string_view type) noexcept;

// Checks an upload and returns its type. Throws rto::Error: 400 for an empty body, 413 over
// `max_bytes`, 415 when the Content-Type is not JPEG/PNG/WebP or the bytes are not what it says.
using rto::image::check_upload;

// An upload that passes check_upload, described as the service records it: a new id, the type
// the bytes are, their size and SHA-256, and the storage key "<id>.<extension>". Every image
// is stored this way: a dealer's upload and the demo catalogue's pictures.
Image accept_upload(const std::string& vehicle_id, std::string_view content_type, std::string_view body,
                    std::size_t max_bytes, TimePoint created_at);

// A strong ETag from the content's SHA-256 (hex): "\"<sha256>\"".
std::string etag_of(std::string_view sha256_hex);
// True when an If-None-Match header value matches the ETag ("*", a list, or W/ forms).
bool etag_matches(std::string_view if_none_match, std::string_view etag) noexcept;

}  // namespace vehicle_service
