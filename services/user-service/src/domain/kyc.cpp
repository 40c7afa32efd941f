#include "domain/kyc.hpp"

#include <charconv>
#include <rto/clock.hpp>
#include <rto/json.hpp>
#include <rto/phone.hpp>
#include <stdexcept>

namespace user_service {
namespace js = boost::json;

js::object to_json(const NextOfKin& n) {
  return {{"name", n.name}, {"phone", n.phone}, {"relationship", n.relationship}};
}

NextOfKin next_of_kin_from_json(std::string_view text) {
  auto v = js::parse(text);
  const auto& o = v.as_object();
  return {std::string(o.at("name").as_string()), std::string(o.at("phone").as_string()),
          std::string(o.at("relationship").as_string())};
}

KycInput parse_kyc(const js::object& body, std::string_view default_region, TimePoint now) {
  rto::json::Reader r(body);
  r.reject_unknown({"national_id", "date_of_birth", "address", "next_of_kin"});
  KycInput in;

  if (auto raw = r.string("national_id", true, 1, 40)) {
    if (auto id = normalize_national_id(*raw))
      in.national_id = *id;
    else
      r.fail("national_id", "must be 5 to 20 letters and digits");
  }

  if (auto dob = r.string("date_of_birth", true, 1, 10)) {
    auto ymd = parse_date(*dob);
    auto today = std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now)};
    if (!ymd)
      r.fail("date_of_birth", "must be a real date written YYYY-MM-DD");
    else if (*ymd > today)
      r.fail("date_of_birth", "must not be in the future");
    else if (ymd->year() < std::chrono::year(1900))
      r.fail("date_of_birth", "must be after 1900-01-01");
    else
      in.date_of_birth = *dob;
  }

  if (auto a = r.string("address", true, 5, 300)) in.address = *a;

  if (const auto* nk = r.object("next_of_kin", true)) {
    rto::json::Reader k(*nk, "next_of_kin");
    k.reject_unknown({"name", "phone", "relationship"});
    if (auto n = k.string("name", true, 2, 100)) in.next_of_kin.name = *n;
    if (auto p = k.string("phone", true, 1, 32)) {
      if (auto e164 = rto::phone::normalize(*p, default_region))
        in.next_of_kin.phone = *e164;
      else
        k.fail("phone", "must be a valid phone number");
    }
    if (auto rel = k.string("relationship", true, 2, 50)) in.next_of_kin.relationship = *rel;
    r.merge(k);
  }
  r.finish();
  return in;
}

std::string_view to_string(KycStatus s) noexcept {
  switch (s) {
    case KycStatus::Pending: return "pending";
    case KycStatus::Verified: return "verified";
    case KycStatus::Rejected: return "rejected";
  }
  return "pending";
}

std::optional<KycStatus> kyc_status_from(std::string_view s) noexcept {
  if (s == "pending") return KycStatus::Pending;
  if (s == "verified") return KycStatus::Verified;
  if (s == "rejected") return KycStatus::Rejected;
  return std::nullopt;
}

bool review_changes(KycStatus current, KycStatus decided) noexcept { return current != decided; }

js::object to_json(const KycView& k) {
  js::object o;
  o["user_id"] = k.user_id;
  o["national_id_masked"] = k.national_id_masked;
  o["date_of_birth"] = k.date_of_birth;
  o["address"] = k.address;
  o["next_of_kin"] = to_json(k.next_of_kin);
  o["status"] = k.status;
  o["rejection_reason"] = k.rejection_reason ? js::value(*k.rejection_reason) : js::value(nullptr);
  o["reviewed_at"] = k.reviewed_at ? js::value(rto::to_rfc3339(*k.reviewed_at)) : js::value(nullptr);
  o["submitted_at"] = rto::to_rfc3339(k.submitted_at);
  o["updated_at"] = rto::to_rfc3339(k.updated_at);
  return o;
}

}  // namespace user_service
