#pragma once
#include <rto/paging.hpp>
// The admin user list: query-string parsing, LIKE-pattern escaping and opaque keyset cursors.
// Pages are ordered newest first by (created_at, id); the cursor carries the last row's key.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace user_service {

using PageCursor = rto::paging::TimeCursor;

// base64url of a small JSON object; opaque to clients.
inline std::string encode_cursor(const PageCursor& c) { return rto::paging::encode(c); }
inline std::optional<PageCursor> decode_cursor(std::string_view text) { return rto::paging::decode(text); }

inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 100;

struct UserListQuery {
  std::optional<std::string> status;         // active | disabled
  std::optional<std::string> role;           // a known role
  std::optional<std::string> text_pattern;   // ILIKE pattern on full_name and email
  std::optional<std::string> phone_pattern;  // LIKE pattern on the E.164 phone (digits of q)
  std::optional<std::string> kyc_status;     // not_submitted | pending | verified | rejected
  int limit = kDefaultPageSize;
  std::optional<PageCursor> after;
};

// q, role, status, limit, cursor. Throws rto::Error (400) naming each bad parameter.
UserListQuery parse_user_list_query(const std::vector<std::pair<std::string, std::string>>& query);

// Escapes %, _ and \ so user text matches literally, wrapped in % for "contains".
std::string contains_pattern(std::string_view text);

}  // namespace user_service
