// The signed-in user's profile and KYC: mass assignment, encryption, blind-index uniqueness,
// masking, review by staff (and the national-id clashes they see) and its event.
#include <rto/crypto.hpp>

#include "fixture.hpp"

#include <set>

using namespace it;

namespace {

js::object kyc_body(const std::string& national_id, const std::string& address = "Plot 12, Kampala Road, Kampala") {
  return {{"national_id", national_id},
          {"date_of_birth", "1994-03-21"},
          {"address", address},
          {"next_of_kin", {{"name", "Grace Nakato"}, {"phone", "0701234567"}, {"relationship", "sister"}}}};
}

Reply put_kyc(const Account& a, const js::value& body) {
  return call_json(Method::Put, "/api/v1/users/me/kyc", body, a.access_token);
}

int outbox_count(const std::string& subject, const std::string& type) {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  return tx.exec_params1("SELECT count(*) FROM outbox WHERE subject = $1 AND type = $2", subject, type)[0].as<int>();
}

}  // namespace

TEST(Me, ShowsAndEditsTheProfile) {
  auto a = register_account("Amina Nakato");
  auto me = get("/api/v1/users/me", a.access_token);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json.at("full_name"), "Amina Nakato");
  EXPECT_EQ(text(me.json.at("phone")), a.phone);

  auto p = call_json(Method::Patch, "/api/v1/users/me",
                     js::object{{"full_name", "Amina N. Nakato"}, {"email", "amina@example.ug"}, {"language", "sw"}},
                     a.access_token);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.json.at("full_name"), "Amina N. Nakato");
  EXPECT_EQ(p.json.at("email"), "amina@example.ug");
  EXPECT_EQ(p.json.at("language"), "sw");

  auto clear = call_json(Method::Patch, "/api/v1/users/me", js::object{{"email", nullptr}}, a.access_token);
  ASSERT_EQ(clear.status, 200);
  EXPECT_TRUE(clear.json.at("email").is_null());
  EXPECT_EQ(clear.json.at("language"), "sw");
}

TEST(Me, MassAssignmentIsRefused) {
  auto a = register_account();
  for (auto field : {"roles", "status", "phone", "id"}) {
    js::object body{{"full_name", "Sneaky"}};
    body[field] = field == std::string("roles") ? js::value(js::array{"admin"}) : js::value("x");
    auto r = call_json(Method::Patch, "/api/v1/users/me", body, a.access_token);
    EXPECT_EQ(r.status, 400) << field;
    EXPECT_TRUE(r.is_problem());
    EXPECT_TRUE(r.names_field(field)) << r.body;
  }
  auto me = get("/api/v1/users/me", a.access_token);
  EXPECT_EQ(me.json.at("roles"), js::array{"customer"});
  EXPECT_EQ(me.json.at("full_name"), "Test Rider");
}

TEST(Me, NeedsAValidToken) {
  EXPECT_EQ(get("/api/v1/users/me").status, 401);
  EXPECT_EQ(get("/api/v1/users/me", "garbage").status, 401);
  auto r = get("/api/v1/users/me", "garbage");
  EXPECT_TRUE(r.is_problem());
  EXPECT_EQ(r.header("WWW-Authenticate"), "Bearer");
}

TEST(Kyc, StoredEncryptedAndReturnedMasked) {
  auto a = register_account();
  auto nid = unique_national_id();
  auto r = put_kyc(a, kyc_body(nid));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json.at("status"), "pending");
  EXPECT_EQ(text(r.json.at("national_id_masked")), std::string(nid.size() - 4, '*') + nid.substr(nid.size() - 4));
  EXPECT_EQ(r.body.find(nid), std::string::npos);
  EXPECT_EQ(r.json.at("next_of_kin").at("phone"), "+256701234567");
  EXPECT_EQ(r.json.at("address"), "Plot 12, Kampala Road, Kampala");

  auto c = raw_db();
  pqxx::read_transaction tx(c);
  auto row = tx.exec_params1(
      "SELECT national_id, national_id_index, national_id_last4, address, next_of_kin FROM kyc_profiles "
      "WHERE user_id = $1::uuid",
      a.id);
  std::string all;
  for (const auto& f : row) all += f.as<std::string>() + "|";
  EXPECT_EQ(all.find(nid), std::string::npos) << "national id in clear";
  EXPECT_EQ(all.find("Kampala"), std::string::npos) << "address in clear";
  EXPECT_EQ(all.find("Grace"), std::string::npos) << "next of kin in clear";
  EXPECT_EQ(row[2].as<std::string>(), nid.substr(nid.size() - 4));

  auto again = get("/api/v1/users/me/kyc", a.access_token);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.json.at("national_id_masked"), r.json.at("national_id_masked"));
  EXPECT_EQ(get("/api/v1/users/me", a.access_token).json.at("kyc_status"), "pending");
}

TEST(Kyc, ANationalIdOnAnotherAccountGetsTheNeutralAnswerAndStaffSeeTheClash) {
  auto a = register_account();
  auto b = register_account();
  auto nid = unique_national_id();
  ASSERT_EQ(put_kyc(a, kyc_body(nid)).status, 200);
  auto admin = admin_token();
  ASSERT_EQ(post("/api/v1/users/" + a.id + "/kyc/verify", js::object{}, admin).status, 200);
  std::string respelled;
  for (std::size_t i = 0; i < nid.size(); ++i) {
    respelled += static_cast<char>(std::tolower(static_cast<unsigned char>(nid[i])));
    if (i == 3 || i == 8) respelled += ' ';
  }
  // The same answer as for any new id: nothing tells the caller the id is registered.
  auto r = put_kyc(b, kyc_body(respelled));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(text(r.json.at("status")), "pending");
  auto fresh = register_account();
  auto other = put_kyc(fresh, kyc_body(unique_national_id()));
  ASSERT_EQ(other.status, 200);
  std::set<std::string> keys_b, keys_fresh;
  for (const auto& kv : r.json.as_object()) keys_b.insert(kv.key());
  for (const auto& kv : other.json.as_object()) keys_fresh.insert(kv.key());
  EXPECT_EQ(keys_b, keys_fresh);
  // The reviewer sees the clash, and cannot verify a second account under a verified id.
  auto seen = get("/api/v1/users/" + b.id + "/kyc", admin);
  ASSERT_EQ(seen.status, 200);
  const auto& clashes = seen.json.at("national_id_clashes_with").as_array();
  ASSERT_EQ(clashes.size(), 1u);
  EXPECT_EQ(text(clashes[0].at("user_id")), a.id);
  EXPECT_EQ(text(clashes[0].at("kyc_status")), "verified");
  EXPECT_TRUE(get("/api/v1/users/" + fresh.id + "/kyc", admin).json.at("national_id_clashes_with").as_array().empty());
  auto v = post("/api/v1/users/" + b.id + "/kyc/verify", js::object{}, admin);
  EXPECT_EQ(v.status, 409) << v.body;
  EXPECT_NE(v.body.find("national-id-clash"), std::string::npos) << v.body;
  EXPECT_EQ(post("/api/v1/users/" + b.id + "/kyc/reject", js::object{{"reason", "duplicate identity"}}, admin).status, 200);
  // The owner may resubmit their own id.
  EXPECT_EQ(put_kyc(a, kyc_body(respelled, "Plot 14, Jinja Road, Kampala")).status, 200);
}

TEST(Kyc, ValidationNamesFields) {
  auto a = register_account();
  auto body = kyc_body(unique_national_id());
  body["date_of_birth"] = "2999-01-01";
  body["next_of_kin"].as_object()["phone"] = "123";
  body["national_id"] = "??";
  auto r = put_kyc(a, body);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.names_field("date_of_birth"));
  EXPECT_TRUE(r.names_field("next_of_kin.phone"));
  EXPECT_TRUE(r.names_field("national_id"));
  EXPECT_EQ(get("/api/v1/users/me/kyc", a.access_token).status, 404);
}

TEST(Kyc, StaffVerifyAndTheEventIsWritten) {
  auto a = register_account();
  ASSERT_EQ(put_kyc(a, kyc_body(unique_national_id())).status, 200);
  auto officer = account_with_roles({"credit_officer"});

  // A customer cannot verify, not even themselves.
  auto self = post("/api/v1/users/" + a.id + "/kyc/verify", js::object{}, a.access_token);
  EXPECT_EQ(self.status, 403);
  EXPECT_TRUE(self.is_problem());

  // Reviewers see the profile, masked.
  auto seen = get("/api/v1/users/" + a.id + "/kyc", officer.access_token);
  ASSERT_EQ(seen.status, 200);
  EXPECT_EQ(seen.json.at("status"), "pending");

  auto v = post("/api/v1/users/" + a.id + "/kyc/verify", js::object{}, officer.access_token);
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(v.json.at("status"), "verified");
  EXPECT_FALSE(v.json.at("reviewed_at").is_null());
  EXPECT_EQ(outbox_count(a.id, "user.kyc.verified"), 1);
  // Verifying again is a no-op: no second event.
  EXPECT_EQ(post("/api/v1/users/" + a.id + "/kyc/verify", js::object{}, officer.access_token).status, 200);
  EXPECT_EQ(outbox_count(a.id, "user.kyc.verified"), 1);
  EXPECT_EQ(get("/api/v1/users/me", a.access_token).json.at("kyc_status"), "verified");
}

TEST(Kyc, ResubmittingUnchangedKeepsTheDecisionChangedGoesBackToPending) {
  auto a = register_account();
  auto nid = unique_national_id();
  ASSERT_EQ(put_kyc(a, kyc_body(nid)).status, 200);
  auto admin = admin_token();
  ASSERT_EQ(post("/api/v1/users/" + a.id + "/kyc/verify", js::object{}, admin).status, 200);

  auto same = put_kyc(a, kyc_body(nid));
  ASSERT_EQ(same.status, 200);
  EXPECT_EQ(same.json.at("status"), "verified");

  auto changed = put_kyc(a, kyc_body(nid, "Plot 99, Entebbe Road, Kampala"));
  ASSERT_EQ(changed.status, 200);
  EXPECT_EQ(changed.json.at("status"), "pending");
  EXPECT_TRUE(changed.json.at("reviewed_at").is_null());
}

TEST(Kyc, RejectNeedsAReasonAndReviewersCannotReviewThemselves) {
  auto officer = account_with_roles({"credit_officer"});
  ASSERT_EQ(put_kyc(officer, kyc_body(unique_national_id())).status, 200);
  EXPECT_EQ(post("/api/v1/users/" + officer.id + "/kyc/verify", js::object{}, officer.access_token).status, 403);

  auto a = register_account();
  ASSERT_EQ(put_kyc(a, kyc_body(unique_national_id())).status, 200);
  auto missing = post("/api/v1/users/" + a.id + "/kyc/reject", js::object{}, officer.access_token);
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(missing.names_field("reason"));
  auto r = post("/api/v1/users/" + a.id + "/kyc/reject", {{"reason", "photo of the ID is unreadable"}},
                officer.access_token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json.at("status"), "rejected");
  EXPECT_EQ(r.json.at("rejection_reason"), "photo of the ID is unreadable");
  EXPECT_EQ(outbox_count(a.id, "user.kyc.verified"), 0);
}

TEST(Kyc, ReviewOfSomeoneWithoutAProfileIs404) {
  auto a = register_account();
  auto admin = admin_token();
  EXPECT_EQ(post("/api/v1/users/" + a.id + "/kyc/verify", js::object{}, admin).status, 404);
  EXPECT_EQ(post("/api/v1/users/not-a-uuid/kyc/verify", js::object{}, admin).status, 404);
}
