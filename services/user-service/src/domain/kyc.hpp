#pragma once
// KYC profile: input validation, national-id normalisation and masking, the review state
// machine, and the JSON view. Encryption happens in the service layer; nothing here does I/O.
#include <rto/national_id.hpp>
#include <rto/time.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "domain/time.hpp"

namespace user_service {

struct NextOfKin {
  std::string name;
  std::string phone;  // E.164
  std::string relationship;
  bool operator==(const NextOfKin&) const = default;
};
boost::json::object to_json(const NextOfKin& n);
// Reads the stored (decrypted) JSON form back; throws std::runtime_error when it is not ours.
NextOfKin next_of_kin_from_json(std::string_view text);

struct KycInput {
  std::string national_id;    // normalised: upper case, no spaces or dashes
  std::string date_of_birth;  // YYYY-MM-DD
  std::string address;
  NextOfKin next_of_kin;
  bool operator==(const KycInput&) const = default;
};

// Validates PUT /users/me/kyc. `now` decides what "in the future" means (UTC date).
KycInput parse_kyc(const boost::json::object& body, std::string_view default_region, TimePoint now);

// National ids and dates as the platform reads them (rto/national_id.hpp, rto/time.hpp).
using rto::mask_national_id;
using rto::normalize_national_id;
using rto::parse_date;

enum class KycStatus { Pending, Verified, Rejected };
std::string_view to_string(KycStatus s) noexcept;
std::optional<KycStatus> kyc_status_from(std::string_view s) noexcept;

// Whether a reviewer's decision changes anything. Verified may be revoked (rejected) and a
// rejection may be overturned; deciding the state a profile is already in changes nothing
// (and so emits no event).
bool review_changes(KycStatus current, KycStatus decided) noexcept;

// The profile as shown to its owner and to reviewers (national id masked).
struct KycView {
  std::string user_id;
  std::string national_id_masked;
  std::string date_of_birth;
  std::string address;
  NextOfKin next_of_kin;
  std::string status;
  std::optional<std::string> rejection_reason;
  std::optional<TimePoint> reviewed_at;
  TimePoint submitted_at{};
  TimePoint updated_at{};
};
boost::json::object to_json(const KycView& k);

}  // namespace user_service
