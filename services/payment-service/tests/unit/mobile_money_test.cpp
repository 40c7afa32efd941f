// The providers' wire formats, byte for byte (sources in ../shared/PROTOCOLS.md §1-3).
#include <gtest/gtest.h>

#include <rto/crypto.hpp>

#include "domain/mobile_money.hpp"
#include <rto/testing/expect_error.hpp>
using rto::testing::error_of;
using rto::testing::names_field;

using namespace payment_service;
using namespace payment_service::momo;
namespace js = boost::json;
using State = ProviderResult::State;

namespace {
const rto::Currency UGX = rto::Currency::of("UGX");
const rto::Currency KES = rto::Currency::of("KES");
js::value json(std::string_view s) { return js::parse(s); }
}  // namespace

TEST(MobileMoneyAmounts, MajorUnitsBothWays) {
  EXPECT_EQ(major_string(rto::Money::of(5000, "UGX")), "5000");
  EXPECT_EQ(major_string(rto::Money::of(150050, "KES")), "1500.50");
  EXPECT_EQ(major_string(rto::Money::of(150005, "KES")), "1500.05");
  EXPECT_EQ(major_string(rto::Money::of(150000, "KES")), "1500");
  EXPECT_EQ(whole_major(rto::Money::of(150000, "KES")), 1500);
  EXPECT_FALSE(whole_major(rto::Money::of(150050, "KES")));

  EXPECT_EQ(minor_from_provider(json(R"("5000")"), UGX), 5000);
  EXPECT_EQ(minor_from_provider(json("5000"), UGX), 5000);
  EXPECT_EQ(minor_from_provider(json("5000.0"), UGX), 5000);
  EXPECT_EQ(minor_from_provider(json(R"("1500.50")"), KES), 150050);
  EXPECT_EQ(minor_from_provider(json(R"("1500.5")"), KES), 150050);
  EXPECT_EQ(minor_from_provider(json(R"("1500.00")"), KES), 150000);
  EXPECT_EQ(minor_from_provider(json("1500"), KES), 150000);
  EXPECT_FALSE(minor_from_provider(json(R"("5000.5")"), UGX));   // finer than a shilling
  EXPECT_FALSE(minor_from_provider(json(R"("1500.505")"), KES));
  EXPECT_FALSE(minor_from_provider(json(R"("12.")"), KES));
  EXPECT_FALSE(minor_from_provider(json(R"("-5")"), UGX));
  EXPECT_FALSE(minor_from_provider(json(R"("")"), UGX));
  EXPECT_FALSE(minor_from_provider(json("true"), UGX));
  // Public callbacks cannot overflow the arithmetic.
  EXPECT_FALSE(minor_from_provider(json(R"("99999999999999999999")"), KES));
  EXPECT_FALSE(minor_from_provider(json("9000000000000000000"), KES));
  EXPECT_FALSE(minor_from_provider(json("18446744073709551615"), KES));
  EXPECT_FALSE(minor_from_provider(json("-5"), UGX));
  EXPECT_FALSE(minor_from_provider(json("1e300"), KES));
}

TEST(MobileMoneyInput, NamesEveryBadField) {
  auto ok = parse_collection(js::parse(R"({"plan_id":"0B0C7C1E-3F7A-4D0E-9A55-2B8F1C9E0A11",
      "amount":{"amount":50000,"currency":"UGX"},"provider":"airtel_money","phone":"0752 123456"})").as_object());
  EXPECT_EQ(ok.plan_id, "0b0c7c1e-3f7a-4d0e-9a55-2b8f1c9e0a11");
  EXPECT_EQ(ok.provider, ProviderId::airtel_money);
  EXPECT_EQ(ok.amount.amount, 50000);

  auto e = error_of([] {
    parse_collection(js::parse(R"({"plan_id":"nope","amount":{"amount":-1,"currency":"UGX"},"provider":"paypal",
                                   "extra":1})").as_object());
  });
  EXPECT_EQ(e.status(), 400);
  for (auto f : {"plan_id", "amount.amount", "provider", "phone", "extra"}) EXPECT_TRUE(names_field(e, f)) << f;
}

TEST(MobileMoneyInput, FingerprintBindsEveryField) {
  CollectionInput a{"0b0c7c1e-3f7a-4d0e-9a55-2b8f1c9e0a11", rto::Money::of(5000, "UGX"), ProviderId::mtn_momo, "x"};
  const auto fa = collection_fingerprint(a, "+256772123456");
  EXPECT_EQ(fa, collection_fingerprint(a, "+256772123456"));
  EXPECT_NE(fa, collection_fingerprint(a, "+256772123457"));
  auto b = a;
  b.amount = rto::Money::of(5001, "UGX");
  EXPECT_NE(fa, collection_fingerprint(b, "+256772123456"));
  b = a;
  b.provider = ProviderId::airtel_money;
  EXPECT_NE(fa, collection_fingerprint(b, "+256772123456"));
}

TEST(Mtn, RequestToPayBodyHasAmountAsString) {
  auto body = mtn_request_body(rto::Money::of(5000, "UGX"), "6c1f3f8e-1111-4222-8333-444455556666", "+256772123456",
                               "Payment RTO-7F3K2Q", "RTO-7F3K2Q");
  EXPECT_EQ(body,
            R"({"amount":"5000","currency":"UGX","externalId":"6c1f3f8e-1111-4222-8333-444455556666",)"
            R"("payer":{"partyIdType":"MSISDN","partyId":"256772123456"},"payerMessage":"Payment RTO-7F3K2Q",)"
            R"("payeeNote":"RTO-7F3K2Q"})");
}

TEST(Mtn, StatusAndCallbackShapes) {
  auto ok = mtn_result(json(R"({"financialTransactionId":"1927264368","externalId":"x","amount":"50","currency":"UGX",
      "payer":{"partyIdType":"MSISDN","partyId":"256772123456"},"status":"SUCCESSFUL"})"), UGX);
  EXPECT_EQ(ok.state, State::succeeded);
  EXPECT_EQ(ok.provider_txn_id, "1927264368");
  EXPECT_EQ(ok.amount, 50);
  EXPECT_EQ(ok.currency, "UGX");

  // reason as a bare string (status GET) and as an object (callbacks, some SDKs)
  auto s = mtn_result(json(R"({"status":"FAILED","reason":"NOT_ENOUGH_FUNDS","amount":"50","currency":"UGX"})"), UGX);
  EXPECT_EQ(s.state, State::failed);
  EXPECT_EQ(s.code, "NOT_ENOUGH_FUNDS");
  auto o = mtn_result(json(R"({"status":"FAILED","reason":{"code":"APPROVAL_REJECTED","message":"declined"}})"), UGX);
  EXPECT_EQ(o.code, "APPROVAL_REJECTED");
  EXPECT_EQ(o.message, "declined");
  auto t = mtn_result(json(R"({"status":"FAILED","reason":{"type":"EXPIRED"}})"), UGX);
  EXPECT_EQ(t.state, State::expired);
  EXPECT_EQ(mtn_result(json(R"({"status":"PENDING"})"), UGX).state, State::pending);
  auto garbled = mtn_result(json(R"({"status":"SUCCESSFUL","amount":"12x","currency":"UGX"})"), UGX);
  EXPECT_TRUE(garbled.amount_unreadable) << "an amount we cannot read is never taken as the one asked";
  EXPECT_FALSE(ok.amount_unreadable);
  EXPECT_THROW(mtn_result(json(R"({"amount":"5"})"), UGX), std::invalid_argument);
  EXPECT_THROW(mtn_result(json("[]"), UGX), std::invalid_argument);
}

TEST(Airtel, MsisdnWithoutCountryCodeAndAmountAsNumber) {
  EXPECT_EQ(airtel_msisdn("+256752123456", "UG"), "752123456");
  EXPECT_EQ(airtel_msisdn("+254712345678", "KE"), "712345678");
  EXPECT_EQ(airtel_payment_body(rto::Money::of(5000, "UGX"), "req-1", "+256752123456", "UG", "RTO-7F3K2Q"),
            R"({"reference":"RTO-7F3K2Q","subscriber":{"country":"UG","currency":"UGX","msisdn":"752123456"},)"
            R"("transaction":{"amount":5000,"country":"UG","currency":"UGX","id":"req-1"}})");
  EXPECT_THROW(airtel_payment_body(rto::Money::of(150050, "KES"), "r", "+254712345678", "KE", "x"), std::invalid_argument);
}

TEST(Airtel, EnquiryStatuses) {
  auto tx = [](const char* status, const char* id) {
    return json(std::string(R"({"data":{"transaction":{"airtel_money_id":")") + id + R"(","id":"r","message":"m","status":")" +
                status + R"("}},"status":{"code":"200","success":true}})");
  };
  auto ts = airtel_enquiry_result(tx("TS", "MP210603.1234.L06941"));
  EXPECT_EQ(ts.state, State::succeeded);
  EXPECT_EQ(ts.provider_txn_id, "MP210603.1234.L06941");
  EXPECT_EQ(airtel_enquiry_result(tx("TF", "")).state, State::failed);
  EXPECT_EQ(airtel_enquiry_result(tx("TE", "")).state, State::expired);
  EXPECT_EQ(airtel_enquiry_result(tx("TIP", "")).state, State::pending);
  auto ta = airtel_enquiry_result(tx("TA", ""));
  EXPECT_EQ(ta.state, State::pending);
  EXPECT_EQ(ta.code, "TA");
  EXPECT_THROW(airtel_enquiry_result(tx("TS", "")), std::invalid_argument);  // success needs an Airtel id
  auto none = airtel_enquiry_result(json(R"({"data":{},"status":{"code":"404","response_code":"DP00800001025","success":false}})"));
  EXPECT_EQ(none.state, State::pending);
  EXPECT_EQ(none.code, "DP00800001025");
}

TEST(Airtel, CallbackAndTheBytesItsHashCovers) {
  const char* raw = R"({"transaction":{"id":"BBZMiscxy","message":"Paid UGX 5,000","status_code":"TS",)"
                    R"("airtel_money_id":"MP210603.1234.L06941"},"hash":"abc="})";
  auto cb = parse_airtel_callback(json(raw));
  EXPECT_EQ(cb.id, "BBZMiscxy");
  EXPECT_EQ(cb.status_code, "TS");
  EXPECT_EQ(cb.airtel_money_id, "MP210603.1234.L06941");
  EXPECT_EQ(cb.hash, "abc=");
  EXPECT_EQ(airtel_signed_bytes(cb), R"({"transaction":{"id":"BBZMiscxy","message":"Paid UGX 5,000","status_code":"TS",)"
                                     R"("airtel_money_id":"MP210603.1234.L06941"}})");
  EXPECT_THROW(parse_airtel_callback(json(R"({"transaction":{"status_code":"TS"}})")), std::invalid_argument);
  EXPECT_THROW(parse_airtel_callback(json(R"({"hash":"x"})")), std::invalid_argument);
}

TEST(Mpesa, PasswordTestVector) {
  EXPECT_EQ(mpesa_password("174379", "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919", "20160216165627"),
            "MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkzMDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMTYwMjE2MTY1NjI3");
}

TEST(Mpesa, TimestampIsEastAfricaTime) {
  using namespace std::chrono;
  const TimePoint t = sys_days(year{2016} / 2 / 16) + hours(13) + minutes(56) + seconds(27) + milliseconds(900);
  EXPECT_EQ(mpesa_timestamp(t), "20160216165627");
  const TimePoint late = sys_days(year{2026} / 12 / 31) + hours(22) + minutes(5);
  EXPECT_EQ(mpesa_timestamp(late), "20270101010500");  // the next day in Nairobi
}

TEST(Mpesa, StkPushBody) {
  auto body = mpesa_stk_body("174379", "passkey", "20160216165627", 1500, "+254712345678",
                             "https://pay.example/api/v1/webhooks/mpesa", "RTO-7F3K2Q-LONGER", "Vehicle plan instalment");
  auto o = json(body).as_object();
  EXPECT_EQ(o.at("BusinessShortCode"), "174379");
  EXPECT_EQ(o.at("Password").as_string(), rto::crypto::base64_encode("174379passkey20160216165627"));
  EXPECT_EQ(o.at("TransactionType"), "CustomerPayBillOnline");
  EXPECT_TRUE(o.at("Amount").is_int64());
  EXPECT_EQ(o.at("Amount").as_int64(), 1500);
  EXPECT_EQ(o.at("PartyA"), "254712345678");
  EXPECT_EQ(o.at("PhoneNumber"), "254712345678");
  EXPECT_EQ(o.at("PartyB"), "174379");
  EXPECT_EQ(o.at("AccountReference").as_string().size(), 12u);  // ≤ 12 characters
  EXPECT_LE(o.at("TransactionDesc").as_string().size(), 13u);
  EXPECT_EQ(o.at("CallBackURL"), "https://pay.example/api/v1/webhooks/mpesa");
}

TEST(Mpesa, CallbackItemsAreANameValueList) {
  auto ok = parse_mpesa_callback(json(R"({"Body":{"stkCallback":{"MerchantRequestID":"19465-780693-1",
      "CheckoutRequestID":"ws_CO_27072017154747416","ResultCode":0,"ResultDesc":"The service request is processed successfully.",
      "CallbackMetadata":{"Item":[{"Name":"Amount","Value":1},{"Name":"MpesaReceiptNumber","Value":"LGR7OWQX0R"},
      {"Name":"Balance"},{"Name":"TransactionDate","Value":20170727154800},{"Name":"PhoneNumber","Value":254721566839}]}}}})"),
                                 KES);
  EXPECT_EQ(ok.checkout_request_id, "ws_CO_27072017154747416");
  EXPECT_EQ(ok.result.state, State::succeeded);
  EXPECT_EQ(ok.result.provider_txn_id, "LGR7OWQX0R");
  EXPECT_EQ(ok.result.amount, 100);  // KES 1.00
  EXPECT_EQ(ok.result.currency, "KES");

  auto cancelled = parse_mpesa_callback(json(R"({"Body":{"stkCallback":{"MerchantRequestID":"1","CheckoutRequestID":"ws_CO_1",
      "ResultCode":1032,"ResultDesc":"[STK_CB - ]Request cancelled by user"}}})"), KES);
  EXPECT_EQ(cancelled.result.state, State::failed);
  EXPECT_EQ(cancelled.result.code, "1032");
  EXPECT_FALSE(cancelled.result.amount);
  auto timeout = parse_mpesa_callback(json(R"({"Body":{"stkCallback":{"CheckoutRequestID":"ws_CO_2","ResultCode":1037,
      "ResultDesc":"DS timeout user cannot be reached"}}})"), KES);
  EXPECT_EQ(timeout.result.state, State::expired);
  EXPECT_THROW(parse_mpesa_callback(json(R"({"Body":{}})"), KES), std::invalid_argument);
}

TEST(Mpesa, QueryCodesAreStrings) {
  auto done = mpesa_query_result(json(R"({"ResponseCode":"0","ResponseDescription":"accepted","MerchantRequestID":"1",
      "CheckoutRequestID":"ws_CO_1","ResultCode":"0","ResultDesc":"The service request is processed successfully."})"));
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, State::succeeded);
  auto cancelled = mpesa_query_result(json(R"({"ResponseCode":"0","ResultCode":"1032","ResultDesc":"Request cancelled by user"})"));
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->state, State::failed);
  EXPECT_FALSE(mpesa_query_result(
      json(R"({"requestId":"1","errorCode":"500.001.1001","errorMessage":"The transaction is being processed"})")));
}

TEST(Mpesa, PaybillConfirmation) {
  auto c = parse_mpesa_c2b(json(R"({"TransactionType":"Pay Bill","TransID":"RKTQDM7W6S","TransTime":"20191122063845",
      "TransAmount":"1500.00","BusinessShortCode":"600638","BillRefNumber":"RTO-7F3K2Q","MSISDN":"254712345678"})"), KES);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->trans_id, "RKTQDM7W6S");
  EXPECT_EQ(c->bill_ref, "RTO-7F3K2Q");
  EXPECT_EQ(c->amount, 150000);
  EXPECT_FALSE(parse_mpesa_c2b(json(R"({"TransID":"X","TransAmount":"0","BillRefNumber":"R"})"), KES));
}

TEST(Mpesa, TransactionStatusQueryBody) {
  auto o = json(mpesa_transaction_status_body("rto-api", "Q3JlZA==", "TAH5J2K991", "4149503",
                                              "https://pay.example.com/api/v1/webhooks/mpesa", "RTO-7F3K2Q"))
               .as_object();
  EXPECT_EQ(o.size(), 10u);
  EXPECT_EQ(o.at("Initiator"), "rto-api");
  EXPECT_EQ(o.at("SecurityCredential"), "Q3JlZA==");
  EXPECT_EQ(o.at("CommandID"), "TransactionStatusQuery");
  EXPECT_EQ(o.at("TransactionID"), "TAH5J2K991");
  EXPECT_EQ(o.at("PartyA"), "4149503");
  EXPECT_EQ(o.at("IdentifierType"), "4");  // an organisation's shortcode
  EXPECT_EQ(o.at("ResultURL"), "https://pay.example.com/api/v1/webhooks/mpesa");
  EXPECT_EQ(o.at("QueueTimeOutURL"), "https://pay.example.com/api/v1/webhooks/mpesa");
  EXPECT_EQ(o.at("Remarks"), "RTO-7F3K2Q");
  EXPECT_TRUE(o.at("Occasion").is_string());
}

// A paybill receipt's Transaction Status result as Daraja posted it (numbers as numbers, some
// keys without a Value, the top-level TransactionID a placeholder).
constexpr std::string_view kReceiptResult = R"({"Result":{"ResultType":0,"ResultCode":0,
 "ResultDesc":"The service request is processed successfully.","OriginatorConversationID":"21dc-4436-8408-ee2f032ee36b9257921",
 "ConversationID":"AG_20250117_20305b55146d275e7daf","TransactionID":"TAH0000000","ResultParameters":{"ResultParameter":[
 {"Key":"DebitPartyName","Value":"0790422909 - Dennis  ngari mwangi"},{"Key":"CreditPartyName","Value":"4149503 -  TECH TUTOR ENTERPRISE"},
 {"Key":"OriginatorConversationID","Value":"6b16-43f4-a9f6-8e81ad29eeab2987739"},{"Key":"InitiatedTime","Value":20250117170614},
 {"Key":"CreditPartyCharges"},{"Key":"DebitAccountType","Value":"MMF Account For Customer"},{"Key":"TransactionReason"},
 {"Key":"ReasonType","Value":"Pay Bill Online"},{"Key":"TransactionStatus","Value":"Completed"},{"Key":"FinalisedTime","Value":20250117170614},
 {"Key":"Amount","Value":1500.0},{"Key":"ConversationID","Value":"AG_20250117_20503343d9b604c7af7e"},{"Key":"ReceiptNo","Value":"TAH5J2K991"}]},
 "ReferenceData":{"ReferenceItem":{"Key":"Occasion","Value":"Query"}}}})";

TEST(Mpesa, TransactionStatusResult) {
  auto s = parse_mpesa_receipt_status(json(kReceiptResult), KES);
  EXPECT_EQ(s.conversation_id, "AG_20250117_20305b55146d275e7daf");
  EXPECT_EQ(s.result_code, "0");
  EXPECT_EQ(s.receipt, "TAH5J2K991");
  EXPECT_EQ(s.transaction_status, "Completed");
  EXPECT_EQ(s.credit_party, "4149503 -  TECH TUTOR ENTERPRISE");
  EXPECT_EQ(s.amount, 150000);
  EXPECT_FALSE(s.amount_unreadable);

  // Strings instead of numbers, and a lone parameter as an object rather than a list.
  auto one = parse_mpesa_receipt_status(json(R"({"Result":{"ResultType":"0","ResultCode":"0","ConversationID":"AG_1",
      "ResultParameters":{"ResultParameter":{"Key":"Amount","Value":"300"}}}})"), KES);
  EXPECT_EQ(one.result_code, "0");
  EXPECT_EQ(one.amount, 30000);
  // A failed query has no parameters.
  auto failed = parse_mpesa_receipt_status(json(R"({"Result":{"ResultType":0,"ResultCode":2001,
      "ResultDesc":"The initiator information is invalid.","ConversationID":"AG_2","TransactionID":"MAS0000000"}})"), KES);
  EXPECT_EQ(failed.result_code, "2001");
  EXPECT_TRUE(failed.receipt.empty());
  EXPECT_FALSE(failed.amount);
  auto odd = parse_mpesa_receipt_status(json(R"({"Result":{"ResultCode":0,"ConversationID":"AG_3",
      "ResultParameters":{"ResultParameter":[{"Key":"Amount","Value":"12.345"}]}}})"), KES);
  EXPECT_TRUE(odd.amount_unreadable);
  EXPECT_THROW(parse_mpesa_receipt_status(json(R"({"Result":{"ResultCode":0}})"), KES), std::invalid_argument);
  EXPECT_THROW(parse_mpesa_receipt_status(json(R"({"Body":{}})"), KES), std::invalid_argument);
}

TEST(Mpesa, PaybillConfirmedOnlyWhenDarajaAgrees) {
  const MpesaC2B c2b{"TAH5J2K991", "RTO-7F3K2Q", "254790422909", 150000};
  const auto ok = parse_mpesa_receipt_status(json(kReceiptResult), KES);
  EXPECT_EQ(paybill_discrepancy(c2b, ok, "4149503", KES), std::nullopt);

  auto more = c2b;
  more.amount = 1500000;  // a confirmation that inflates the amount
  auto why = paybill_discrepancy(more, ok, "4149503", KES);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("KES 1,500.00"), std::string::npos) << *why;
  EXPECT_NE(why->find("KES 15,000.00"), std::string::npos) << *why;

  auto other = c2b;
  other.trans_id = "TAH5J2K992";
  EXPECT_TRUE(paybill_discrepancy(other, ok, "4149503", KES));
  EXPECT_TRUE(paybill_discrepancy(c2b, ok, "600638", KES)) << "paid to another paybill";
  EXPECT_TRUE(paybill_discrepancy(c2b, ok, "414950", KES)) << "a prefix of the shortcode is not the shortcode";

  auto cancelled = ok;
  cancelled.transaction_status = "Cancelled";
  EXPECT_NE(paybill_discrepancy(c2b, cancelled, "4149503", KES)->find("Cancelled"), std::string::npos);
  auto refused = ok;
  refused.result_code = "2001";
  refused.result_desc = "The initiator information is invalid.";
  EXPECT_NE(paybill_discrepancy(c2b, refused, "4149503", KES)->find("2001"), std::string::npos);
  auto unnamed = ok;
  unnamed.credit_party.clear();  // not every answer names the paybill
  EXPECT_EQ(paybill_discrepancy(c2b, unnamed, "4149503", KES), std::nullopt);
  auto unreadable = ok;
  unreadable.amount.reset();
  unreadable.amount_unreadable = true;
  EXPECT_TRUE(paybill_discrepancy(c2b, unreadable, "4149503", KES));

  // The payer: the confirmation's MSISDN against Daraja's DebitPartyName, last 9 digits.
  EXPECT_EQ(ok.debit_party, "0790422909 - Dennis  ngari mwangi");
  auto someone_else = c2b;
  someone_else.msisdn = "254711000222";  // a forged confirmation naming another payer
  auto payer = paybill_discrepancy(someone_else, ok, "4149503", KES);
  ASSERT_TRUE(payer);
  EXPECT_NE(payer->find("ending 909"), std::string::npos) << *payer;
  EXPECT_EQ(payer->find("0790422909"), std::string::npos) << "numbers are not spelled out: " << *payer;
  auto masked = c2b;
  masked.msisdn = "2547 ***** 909";  // masked by Daraja: not compared
  EXPECT_EQ(paybill_discrepancy(masked, ok, "4149503", KES), std::nullopt);
  auto hashed = c2b;
  hashed.msisdn = "5b3e7c2f9d0a41e8b6c1";  // hashed: not compared
  EXPECT_EQ(paybill_discrepancy(hashed, ok, "4149503", KES), std::nullopt);
  auto anonymous = ok;
  anonymous.debit_party.clear();
  EXPECT_EQ(paybill_discrepancy(someone_else, anonymous, "4149503", KES), std::nullopt);
}

TEST(Callbacks, KeysNameWhatTheCallbackIsAbout) {
  auto result = callback_key(ProviderId::mpesa, json(kReceiptResult));
  EXPECT_EQ(result.kind, CallbackKey::Kind::conversation_id);
  EXPECT_EQ(result.value, "AG_20250117_20305b55146d275e7daf");
  auto mtn = callback_key(ProviderId::mtn_momo, json(R"({"externalId":"abc","status":"SUCCESSFUL"})"));
  EXPECT_EQ(mtn.kind, CallbackKey::Kind::request_id);
  EXPECT_EQ(mtn.value, "abc");
  auto airtel = callback_key(ProviderId::airtel_money, json(R"({"transaction":{"id":"r1","status_code":"TS"}})"));
  EXPECT_EQ(airtel.value, "r1");
  auto stk = callback_key(ProviderId::mpesa, json(R"({"Body":{"stkCallback":{"CheckoutRequestID":"ws_CO_9","ResultCode":0}}})"));
  EXPECT_EQ(stk.kind, CallbackKey::Kind::checkout_id);
  EXPECT_EQ(stk.value, "ws_CO_9");
  auto c2b = callback_key(ProviderId::mpesa, json(R"({"TransID":"RK1","TransAmount":"10","BillRefNumber":"RTO-7F3K2Q"})"));
  EXPECT_EQ(c2b.kind, CallbackKey::Kind::account_reference);
  EXPECT_EQ(c2b.value, "RTO-7F3K2Q");
  EXPECT_THROW(callback_key(ProviderId::mtn_momo, json(R"({"status":"SUCCESSFUL"})")), std::invalid_argument);
  EXPECT_THROW(callback_key(ProviderId::mpesa, json(R"({"hello":1})")), std::invalid_argument);
  EXPECT_THROW(callback_key(ProviderId::airtel_money, json("[1]")), std::invalid_argument);
}
