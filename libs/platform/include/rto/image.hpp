#pragma once
// Image uploads, checked the same way wherever the platform takes one (listing pictures, ticket
// attachments): the declared Content-Type and the body's magic bytes must agree on JPEG, PNG or
// WebP, within a size limit.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rto::image {

// "image/jpeg", "image/png" or "image/webp" from the first bytes; nullopt otherwise.
std::optional<std::string> sniff_type(std::string_view bytes) noexcept;
// The media type of a Content-Type value, lower case, without parameters: "Image/PNG; x=y" → "image/png".
std::string media_type(std::string_view content_type);
// The image's type when the upload is acceptable; otherwise throws rto::Error naming the field:
// 415 (a type other than JPEG/PNG/WebP, or bytes that are not what Content-Type says), 400 (empty
// body), 413 (over max_bytes).
std::string check_upload(std::string_view content_type, std::string_view body, std::size_t max_bytes);

}  // namespace rto::image
