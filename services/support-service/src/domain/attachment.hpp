#pragma once
// Ticket attachments: photos of a breakdown, an accident, a receipt. The same checks as a
// vehicle listing's images (declared type, the type the bytes really are by their magic
// numbers, a size limit), written again here rather than shared with the vehicle service.
// Pure: no I/O.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace support_service {

inline constexpr int kMaxAttachmentsPerTicket = 5;
inline constexpr std::size_t kDefaultAttachmentMaxBytes = 5 * 1024 * 1024;

// "image/jpeg", "image/png" or "image/webp" from the first bytes; nullopt for anything else.
std::optional<std::string> sniff_image_type(std::string_view bytes) noexcept;

// Checks an upload (the raw body and its Content-Type) and returns its type. Throws rto::Error:
// 400 for an empty body, 413 over `max_bytes`, 415 when the Content-Type is not JPEG, PNG or
// WebP or the bytes are not what it says.
std::string check_image_upload(std::string_view content_type, std::string_view body, std::size_t max_bytes);

}  // namespace support_service
