#include "mmsim/rules.hpp"

#include <gtest/gtest.h>

#include <set>


#include <rto/crypto.hpp>

namespace mmsim {
namespace {

using namespace std::chrono_literals;

TEST(Outcome, LastDigitChoosesTheOutcome) {
  for (auto n : {"256772000000", "256772000006", "256772000007", "256772000008", "256772000009"})
    EXPECT_EQ(outcome_for_msisdn(n), Outcome::Success) << n;
  EXPECT_EQ(outcome_for_msisdn("256772000001"), Outcome::InsufficientFunds);
  EXPECT_EQ(outcome_for_msisdn("256772000002"), Outcome::NeverAnswered);
  EXPECT_EQ(outcome_for_msisdn("256772000003"), Outcome::LostCallback);
  EXPECT_EQ(outcome_for_msisdn("256772000004"), Outcome::Declined);
  EXPECT_EQ(outcome_for_msisdn("256772000005"), Outcome::WrongAmount);
  EXPECT_EQ(outcome_for_msisdn(""), Outcome::Success);
}

TEST(Outcome, CallbacksAndReportedAmounts) {
  EXPECT_TRUE(sends_callback(Outcome::Success));
  EXPECT_TRUE(sends_callback(Outcome::Declined));
  EXPECT_FALSE(sends_callback(Outcome::NeverAnswered));
  EXPECT_FALSE(sends_callback(Outcome::LostCallback));
  EXPECT_EQ(reported_amount(Outcome::WrongAmount, 1501), 750);
  EXPECT_EQ(reported_amount(Outcome::Success, 1501), 1501);
}

TEST(Status, SettlesAfterTheDelayAndNeverAnsweredExpires) {
  auto t0 = Clock::time_point{} + 1h;
  auto settle = t0 + 300ms, expire = t0 + 60s;
  EXPECT_EQ(status_at(Outcome::Success, settle, expire, t0), Status::Pending);
  EXPECT_EQ(status_at(Outcome::Success, settle, expire, settle), Status::Succeeded);
  EXPECT_EQ(status_at(Outcome::LostCallback, settle, expire, settle), Status::Succeeded);
  EXPECT_EQ(status_at(Outcome::WrongAmount, settle, expire, settle), Status::Succeeded);
  EXPECT_EQ(status_at(Outcome::Declined, settle, expire, settle), Status::Failed);
  EXPECT_EQ(status_at(Outcome::InsufficientFunds, settle, expire, settle), Status::Failed);
  EXPECT_EQ(status_at(Outcome::NeverAnswered, settle, expire, settle + 1s), Status::Pending);
  EXPECT_EQ(status_at(Outcome::NeverAnswered, settle, expire, expire), Status::Expired);
}

TEST(Failure, EachProvidersWords) {
  EXPECT_FALSE(failure_for(Outcome::Success, Status::Succeeded));
  EXPECT_FALSE(failure_for(Outcome::Declined, Status::Pending));
  auto funds = failure_for(Outcome::InsufficientFunds, Status::Failed);
  ASSERT_TRUE(funds);
  EXPECT_EQ(funds->mtn_reason, "NOT_ENOUGH_FUNDS");
  EXPECT_EQ(funds->airtel_response_code, "DP00800001007");
  EXPECT_EQ(funds->mpesa_result_code, 1);
  EXPECT_EQ(funds->mpesa_result_desc, "The balance is insufficient for the transaction.");
  auto declined = failure_for(Outcome::Declined, Status::Failed);
  ASSERT_TRUE(declined);
  EXPECT_EQ(declined->mtn_reason, "APPROVAL_REJECTED");
  EXPECT_EQ(declined->airtel_response_code, "DP00800001008");
  EXPECT_EQ(declined->mpesa_result_code, 1032);
  auto expired = failure_for(Outcome::NeverAnswered, Status::Expired);
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->mtn_reason, "EXPIRED");
  EXPECT_EQ(expired->mpesa_result_code, 1037);
  EXPECT_EQ(expired->mpesa_result_desc, "DS timeout user cannot be reached");
}

TEST(Mpesa, PasswordMatchesSafaricomsTestVector) {
  EXPECT_EQ(mpesa_password("174379", "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919", "20160216165627"),
            "MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkzMDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMTYwMjE2MTY1"
            "NjI3");
}

TEST(Mpesa, TimestampIsEastAfricaTime) {
  // 2016-02-16 13:56:27 UTC is 16:56:27 in Nairobi.
  auto t = std::chrono::sys_days{std::chrono::year{2016} / 2 / 16} + 13h + 56min + 27s;
  EXPECT_EQ(mpesa_timestamp(t), "20160216165627");
}

TEST(Msisdn, AirtelWantsNoCountryCode) {
  EXPECT_TRUE(valid_airtel_msisdn("772123456"));
  EXPECT_TRUE(valid_airtel_msisdn("0772123456"));
  EXPECT_TRUE(valid_airtel_msisdn("256123456"));  // nine digits: a national number
  EXPECT_FALSE(valid_airtel_msisdn("256772123456"));
  EXPECT_FALSE(valid_airtel_msisdn("254712345678"));
  EXPECT_FALSE(valid_airtel_msisdn("255712345678"));
  EXPECT_FALSE(valid_airtel_msisdn("+772123456"));
  EXPECT_FALSE(valid_airtel_msisdn(""));
}

TEST(Msisdn, MpesaWants254AndTwelveDigits) {
  EXPECT_TRUE(valid_mpesa_msisdn("254712345678"));
  EXPECT_FALSE(valid_mpesa_msisdn("0712345678"));
  EXPECT_FALSE(valid_mpesa_msisdn("25471234567"));
  EXPECT_FALSE(valid_mpesa_msisdn("256712345678"));
}

TEST(Inputs, UuidV4AmountsAndBasicAuth) {
  EXPECT_TRUE(valid_uuid_v4(rto::crypto::uuid_v4()));
  EXPECT_FALSE(valid_uuid_v4("6ba7b810-9dad-11d1-80b4-00c04fd430c8"));  // version 1
  EXPECT_FALSE(valid_uuid_v4("not-a-uuid"));
  EXPECT_EQ(parse_positive_amount("1500"), 1500);
  EXPECT_FALSE(parse_positive_amount("0"));
  EXPECT_FALSE(parse_positive_amount("15.00"));
  EXPECT_FALSE(parse_positive_amount("-5"));
  EXPECT_FALSE(parse_positive_amount("9999999999999999999999"));
  auto creds = parse_basic_auth("Basic " + rto::crypto::base64_encode("user:key:with-colon"));
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->first, "user");
  EXPECT_EQ(creds->second, "key:with-colon");
  EXPECT_FALSE(parse_basic_auth("Bearer abc"));
  EXPECT_FALSE(parse_basic_auth("Basic !!!"));
  EXPECT_TRUE(credential_matches("", "anything"));
  EXPECT_FALSE(credential_matches("secret", "other"));
}

TEST(Airtel, HashSignsTheTransactionWrapper) {
  std::string t = R"({"id":"A1","message":"m","status_code":"TS","airtel_money_id":"MP210603.1234.L06941"})";
  EXPECT_EQ(airtel_signed_payload(t), "{\"transaction\":" + t + "}");
  EXPECT_EQ(airtel_callback_hash("key", t),
            rto::crypto::base64_encode(rto::crypto::hmac_sha256("key", "{\"transaction\":" + t + "}")));
  EXPECT_NE(airtel_callback_hash("key", t), airtel_callback_hash("other", t));
}

// Matches `s` against a shape: D a digit, N a digit 1-9, A a capital letter, X a capital or a
// digit; any other character stands for itself.
static bool shaped(std::string_view s, std::string_view shape) {
  if (s.size() != shape.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool digit = c >= '0' && c <= '9', upper = c >= 'A' && c <= 'Z';
    switch (shape[i]) {
      case 'D': if (!digit) return false; break;
      case 'N': if (!digit || c == '0') return false; break;
      case 'A': if (!upper) return false; break;
      case 'X': if (!digit && !upper) return false; break;
      default: if (c != shape[i]) return false;
    }
  }
  return true;
}

TEST(Ids, FormatsFollowTheProvidersSamples) {
  EXPECT_TRUE(shaped("MP210603.1234.L06941", "MP210603.DDDD.ADDDDD"));
  EXPECT_FALSE(shaped("MP210603.1234.106941", "MP210603.DDDD.ADDDDD"));
  EXPECT_FALSE(shaped("0123456789", "NDDDDDDDDD"));
  Rng rng(42);
  auto t = std::chrono::sys_days{std::chrono::year{2021} / 6 / 3} + 10h;
  for (int i = 0; i < 50; ++i) {
    EXPECT_TRUE(shaped(mtn_financial_transaction_id(rng), "NDDDDDDDDD"));
    EXPECT_TRUE(shaped(airtel_money_id(rng, t), "MP210603.DDDD.ADDDDD"));
    EXPECT_TRUE(shaped(mpesa_merchant_request_id(rng), "NDDDD-NDDDDDDD-N"));
    EXPECT_TRUE(shaped(mpesa_checkout_request_id(rng, t), "ws_CO_03062021130000DDDD"));
    EXPECT_TRUE(shaped(mpesa_receipt_number(rng), "AXXXXXXXXX"));
  }
}

TEST(Providers, NamesRoundTrip) {
  for (auto p : kProviders) EXPECT_EQ(provider_from_string(to_string(p)), p);
  EXPECT_FALSE(provider_from_string("paypal"));
}

TEST(AfricasTalking, RecipientStatusByNumber) {
  EXPECT_TRUE(valid_e164("+256772100001"));
  EXPECT_TRUE(valid_e164("+25471210"));
  EXPECT_FALSE(valid_e164("0772100001"));
  EXPECT_FALSE(valid_e164("+0772100001"));
  EXPECT_FALSE(valid_e164("+2567721x0001"));
  EXPECT_FALSE(valid_e164("+1234567"));
  EXPECT_FALSE(valid_e164("+1234567890123456"));
  EXPECT_EQ(at_recipient_status("+256772100001"), 101);
  EXPECT_EQ(at_recipient_status("256772100001"), 403);
  EXPECT_EQ(at_status_name(101), "Success");
  EXPECT_EQ(at_status_name(403), "InvalidPhoneNumber");
  EXPECT_EQ(at_status_name(406), "UserInBlacklist");
  EXPECT_EQ(at_status_name(500), "InternalServerError");
  EXPECT_EQ(at_status_name(200), "");
}

TEST(AfricasTalking, RecipientsAndForms) {
  EXPECT_EQ(at_recipients(" +256772100001 ,,+254712100002"), (std::vector<std::string>{"+256772100001", "+254712100002"}));
  EXPECT_TRUE(at_recipients(" , ").empty());
  auto f = parse_form("username=sandbox&to=%2B256772100001&message=Hello+there%21&empty=&flag");
  ASSERT_TRUE(f);
  EXPECT_EQ(*f, (std::vector<std::pair<std::string, std::string>>{
                    {"username", "sandbox"}, {"to", "+256772100001"}, {"message", "Hello there!"}, {"empty", ""}, {"flag", ""}}));
  EXPECT_FALSE(parse_form("a=%2"));
  EXPECT_FALSE(parse_form("a=%G1"));
  auto round = form_encode({{"phoneNumber", "+256772100001"}, {"status", "Success"}, {"x", "a b&c"}});
  EXPECT_EQ(round, "phoneNumber=%2B256772100001&status=Success&x=a%20b%26c");
  EXPECT_EQ(parse_form(round)->at(2).second, "a b&c");
  EXPECT_EQ(at_network_code("+254712100001"), "63902");
  EXPECT_EQ(at_network_code("+256772100001"), "64110");
  EXPECT_EQ(at_network_code("+4412345678"), "");
}

TEST(AfricasTalking, FailureRulesChooseTheReport) {
  auto rules = parse_at_failure_rules("99:AbsentSubscriber, 123 ,77:UserInBlackList");
  ASSERT_TRUE(rules);
  ASSERT_EQ(rules->size(), 3u);
  EXPECT_EQ((*rules)[1].reason, "DeliveryFailure");
  auto failed = at_report_for("+256772100099", *rules);
  EXPECT_EQ(failed.status, "Failed");
  EXPECT_EQ(failed.failure_reason, "AbsentSubscriber");
  EXPECT_EQ(at_report_for("+256772100123", *rules).failure_reason, "DeliveryFailure");
  EXPECT_EQ(at_report_for("+256772100077", *rules).failure_reason, "UserInBlackList");
  auto ok = at_report_for("+256772100001", *rules);
  EXPECT_EQ(ok.status, "Success");
  EXPECT_TRUE(ok.failure_reason.empty());
  EXPECT_TRUE(parse_at_failure_rules("")->empty());
  EXPECT_FALSE(parse_at_failure_rules("9x"));
  EXPECT_FALSE(parse_at_failure_rules(":DeliveryFailure"));
  EXPECT_FALSE(parse_at_failure_rules("99:Unlucky"));
}

TEST(AfricasTalking, MessageIdsAreUniqueAndShaped) {
  Rng rng(7);
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    auto id = at_message_id(rng);
    ASSERT_EQ(id.size(), 38u);
    ASSERT_TRUE(id.starts_with("ATXid_"));
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000u);
}

}  // namespace
}  // namespace mmsim
