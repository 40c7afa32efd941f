#pragma once
// Ticket attachments: photos of a breakdown, an accident, a receipt, checked as a vehicle
// listing's images are (rto::image: the declared type, the type the bytes really are by their
// magic numbers, a size limit). Pure: no I/O.
#include <cstddef>
#include <rto/image.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace support_service {

inline constexpr int kMaxAttachmentsPerTicket = 5;
inline constexpr std::size_t kDefaultAttachmentMaxBytes = 5 * 1024 * 1024;

// "image/jpeg", "image/png" or "image/webp" from the first bytes; nullopt for anything else.
inline std::optional<std::string> sniff_image_type(std::string_view bytes) noexcept {
  return rto::image::sniff_type(bytes);
}

// Checks an upload (the raw body and its Content-Type) and returns its type. Throws rto::Error:
// 400 for an empty body, 413 over `max_bytes`, 415 when the Content-Type is not JPEG, PNG or
// WebP or the bytes are not what it says.
inline std::string check_image_upload(std::string_view content_type, std::string_view body, std::size_t max_bytes) {
  return rto::image::check_upload(content_type, body, max_bytes);
}

}  // namespace support_service
