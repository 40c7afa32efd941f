#pragma once
// Mobile-money collection without I/O: the request body of POST /api/v1/payments, the three
// providers' wire formats (what we send, what their status APIs and callbacks say), and the
// conversions between our minor units and their major-unit amounts. The adapters
// (providers/) do the HTTP; everything here is pure and unit-tested byte for byte.
//
// Sources for every format: ../shared/PROTOCOLS.md §1 MTN MoMo, §2 Airtel Money, §3 M-Pesa.
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <rto/money.hpp>
#include <string>
#include <string_view>

#include "domain/calendar.hpp"

namespace payment_service::momo {

// The largest provider callback body the webhook takes (413 beyond; the gateway's route for
// webhooks has the same limit).
inline constexpr std::size_t kMaxCallbackBytes = 16 * 1024;

enum class ProviderId { mtn_momo, airtel_money, mpesa };
std::optional<ProviderId> provider_of(std::string_view name) noexcept;
std::string_view to_string(ProviderId p) noexcept;

// POST /api/v1/payments {plan_id, amount: {amount, currency}, provider, phone}
struct CollectionInput {
  std::string plan_id;
  rto::Money amount;
  ProviderId provider = ProviderId::mtn_momo;
  std::string phone;  // as typed; normalised against the provider's country by the caller
};
CollectionInput parse_collection(const boost::json::object& body);
// The fingerprint an Idempotency-Key is bound to: the same key with another body is refused.
std::string collection_fingerprint(const CollectionInput& in, std::string_view e164);

// ---- amounts ----------------------------------------------------------------------------------
// Minor units → the provider's decimal string in major units: UGX 5000 → "5000", KES 150050 → "1500.50".
std::string major_string(const rto::Money& m);
// Whole major units (M-Pesa and Airtel take integers), nullopt when there is a fraction.
std::optional<std::int64_t> whole_major(const rto::Money& m);
// A provider's amount ("1500", "1500.50", 1500, 1500.0) → minor units of `currency`; nullopt when
// it does not fit the currency's minor unit or is not a number.
std::optional<std::int64_t> minor_from_provider(const boost::json::value& v, const rto::Currency& currency);

// ---- outcomes ---------------------------------------------------------------------------------
// What a status API or a callback says about one collection, in one vocabulary.
struct ProviderResult {
  enum class State { pending, succeeded, failed, expired };
  State state = State::pending;
  std::string provider_txn_id;              // the provider's transaction id (once succeeded)
  std::optional<std::int64_t> amount;       // minor units, when the provider states one
  bool amount_unreadable = false;           // it stated one we could not read: never credit on a guess
  std::optional<std::string> currency;      // when the provider states one
  std::string code;                         // provider reason / status / result code
  std::string message;                      // provider's words, for staff and the customer
};
std::string_view to_string(ProviderResult::State s) noexcept;

// ---- MTN MoMo Collection ----------------------------------------------------------------------
// The request-to-pay body: amount as a string, payer MSISDN without '+'.
std::string mtn_request_body(const rto::Money& amount, std::string_view external_id, std::string_view e164,
                             std::string_view payer_message, std::string_view payee_note);
// The status GET body or a callback (the same shape). `reason` may be a string or
// {code|type, message}. Throws std::invalid_argument when the shape is not MTN's.
ProviderResult mtn_result(const boost::json::value& body, const rto::Currency& currency);

// ---- Airtel Money -----------------------------------------------------------------------------
// The MSISDN without the country calling code: "+256752123456" → "752123456".
std::string airtel_msisdn(std::string_view e164, std::string_view country);
std::string airtel_payment_body(const rto::Money& amount, std::string_view id, std::string_view e164,
                                std::string_view country, std::string_view reference);
// Enquiry GET /standard/v1/payments/{id}: data.transaction.status TS/TF/TIP/TA/TE.
ProviderResult airtel_enquiry_result(const boost::json::value& body);
struct AirtelCallback {
  std::string id, status_code, airtel_money_id, message, hash;
  boost::json::object transaction;  // as received, for the signature check
};
AirtelCallback parse_airtel_callback(const boost::json::value& body);
// The bytes the callback hash is computed over, in the form we accept: the transaction object
// re-serialised inside {"transaction": …}. Which bytes Airtel signs is not settled (see
// PROTOCOLS.md §2), so the check sits behind CallbackSignature in providers/.
std::string airtel_signed_bytes(const AirtelCallback& cb);

// ---- M-Pesa Daraja STK push -------------------------------------------------------------------
// base64(shortcode + passkey + timestamp)
std::string mpesa_password(std::string_view shortcode, std::string_view passkey, std::string_view timestamp);
// YYYYMMDDHHMMSS in East Africa Time (UTC+3), as Daraja expects.
std::string mpesa_timestamp(TimePoint t);
std::string mpesa_stk_body(std::string_view shortcode, std::string_view passkey, std::string_view timestamp,
                           std::int64_t whole_amount, std::string_view e164, std::string_view callback_url,
                           std::string_view account_reference, std::string_view description);
std::string mpesa_query_body(std::string_view shortcode, std::string_view passkey, std::string_view timestamp,
                             std::string_view checkout_request_id);
struct MpesaCallback {
  std::string merchant_request_id, checkout_request_id;
  ProviderResult result;
};
// Body.stkCallback; CallbackMetadata.Item as a name→value list (Balance may have no Value).
MpesaCallback parse_mpesa_callback(const boost::json::value& body, const rto::Currency& currency);
// The STK query answer (codes as strings); nullopt while Daraja says it is still processing.
std::optional<ProviderResult> mpesa_query_result(const boost::json::value& body);
// A C2B (paybill) confirmation: {TransID, TransAmount, BillRefNumber, MSISDN, …}.
struct MpesaC2B {
  std::string trans_id, bill_ref, msisdn;
  std::int64_t amount = 0;  // minor units
};
std::optional<MpesaC2B> parse_mpesa_c2b(const boost::json::value& body, const rto::Currency& currency);

// ---- M-Pesa Transaction Status (confirms a paybill receipt) --------------------------------
// POST /mpesa/transactionstatus/v1/query: asks about one receipt (TransactionID) received on
// our shortcode (PartyA, IdentifierType 4); Daraja answers later at ResultURL.
std::string mpesa_transaction_status_body(std::string_view initiator, std::string_view security_credential,
                                          std::string_view receipt, std::string_view shortcode,
                                          std::string_view result_url, std::string_view remarks);
// The result posted to ResultURL: {"Result": {ResultType, ResultCode, ResultDesc,
// OriginatorConversationID, ConversationID, TransactionID, ResultParameters: {ResultParameter:
// [{Key, Value}…]}}}. Codes and values come as numbers or strings, ResultParameter as a list or
// a single object, and some keys without a Value.
struct MpesaReceiptStatus {
  std::string conversation_id;
  std::string result_code;   // "0": the query was answered
  std::string result_desc;
  std::string receipt;       // ReceiptNo: the receipt the answer is about
  std::string transaction_status;  // Completed, Cancelled, Declined, Expired
  std::string credit_party;  // CreditPartyName: "<shortcode> - <organisation>"
  std::string debit_party;   // DebitPartyName: "<payer's number> - <payer's name>"
  std::optional<std::int64_t> amount;  // minor units
  bool amount_unreadable = false;
};
// Throws std::invalid_argument when the body is not a Transaction Status result.
MpesaReceiptStatus parse_mpesa_receipt_status(const boost::json::value& body, const rto::Currency& currency);
// Whether Daraja's answer confirms the paybill confirmation as it was received: the receipt
// completed, for the same amount, paid to our shortcode, from the payer's number the confirmation
// named (compared on the last 9 digits, when both give a number in clear: Daraja masks or hashes
// it on some accounts). Empty when it does; else what differs.
std::optional<std::string> paybill_discrepancy(const MpesaC2B& c2b, const MpesaReceiptStatus& s,
                                               std::string_view shortcode, const rto::Currency& currency);

// ---- callbacks --------------------------------------------------------------------------------
// What a callback names, parsed cheaply before it is stored: our request id (MTN externalId,
// Airtel transaction.id), M-Pesa's CheckoutRequestID, a plan's account reference (C2B), or the
// ConversationID of one of our Transaction Status queries (its result).
struct CallbackKey {
  enum class Kind { request_id, checkout_id, account_reference, conversation_id };
  Kind kind = Kind::request_id;
  std::string value;
};
// Throws std::invalid_argument when the body is not a callback of this provider.
CallbackKey callback_key(ProviderId p, const boost::json::value& body);

}  // namespace payment_service::momo
