#include "domain/mobile_money.hpp"

#include <cmath>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/json.hpp>
#include <stdexcept>

#include "domain/inputs.hpp"

namespace payment_service::momo {
namespace js = boost::json;

namespace {

const js::object& as_object(const js::value& v, const char* what) {
  if (!v.is_object()) throw std::invalid_argument(std::string(what) + " is not an object");
  return v.get_object();
}

const js::value* member(const js::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() || it->value().is_null() ? nullptr : &it->value();
}

// A member as text: strings as they are, numbers printed (providers mix the two).
std::string text(const js::object& o, std::string_view key) {
  const auto* v = member(o, key);
  if (!v) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  if (v->is_double()) return js::serialize(*v);
  return {};
}

std::int64_t pow10(int e) {
  std::int64_t p = 1;
  while (e-- > 0) p *= 10;
  return p;
}

std::string digits_only(std::string_view e164) {
  std::string d;
  for (char c : e164)
    if (c >= '0' && c <= '9') d += c;
  return d;
}

// Country calling codes of the markets the adapters serve.
std::string_view calling_code(std::string_view country) {
  static const std::pair<std::string_view, std::string_view> codes[] = {
      {"UG", "256"}, {"KE", "254"}, {"TZ", "255"}, {"RW", "250"}, {"ZM", "260"}, {"MW", "265"},
      {"CD", "243"}, {"CG", "242"}, {"GA", "241"}, {"NE", "227"}, {"TD", "235"}, {"MG", "261"},
      {"NG", "234"}, {"SC", "248"}, {"GH", "233"}, {"CM", "237"}, {"CI", "225"}, {"ZA", "27"}};
  for (auto [c, code] : codes)
    if (c == country) return code;
  return {};
}

}  // namespace

std::optional<ProviderId> provider_of(std::string_view name) noexcept {
  if (name == "mtn_momo") return ProviderId::mtn_momo;
  if (name == "airtel_money") return ProviderId::airtel_money;
  if (name == "mpesa") return ProviderId::mpesa;
  return std::nullopt;
}

std::string_view to_string(ProviderId p) noexcept {
  switch (p) {
    case ProviderId::mtn_momo: return "mtn_momo";
    case ProviderId::airtel_money: return "airtel_money";
    case ProviderId::mpesa: return "mpesa";
  }
  return "unknown";
}

std::string_view to_string(ProviderResult::State s) noexcept {
  switch (s) {
    case ProviderResult::State::pending: return "pending";
    case ProviderResult::State::succeeded: return "succeeded";
    case ProviderResult::State::failed: return "failed";
    case ProviderResult::State::expired: return "expired";
  }
  return "pending";
}

CollectionInput parse_collection(const js::object& body) {
  rto::json::Reader r(body);
  r.reject_unknown({"plan_id", "amount", "provider", "phone"});
  CollectionInput in;
  in.plan_id = read_uuid(r, "plan_id", true).value_or("");
  if (auto m = read_money(r, body, "amount", true)) in.amount = *m;
  if (auto p = r.one_of("provider", true, {"mtn_momo", "airtel_money", "mpesa"})) in.provider = *provider_of(*p);
  in.phone = r.string("phone", true, 6, 32).value_or("");
  r.finish();
  return in;
}

std::string collection_fingerprint(const CollectionInput& in, std::string_view e164) {
  std::string s = in.plan_id;
  s += '|';
  s += std::to_string(in.amount.amount);
  s += '|';
  s += in.amount.currency.code();
  s += '|';
  s += to_string(in.provider);
  s += '|';
  s += e164;
  return rto::crypto::sha256_hex(s);
}

// ---- amounts ----------------------------------------------------------------------------------

std::string major_string(const rto::Money& m) {
  const int e = m.currency.exponent();
  if (e == 0) return std::to_string(m.amount);
  const std::int64_t unit = pow10(e);
  std::string s = std::to_string(m.amount / unit);
  const std::int64_t frac = m.amount % unit;
  if (frac == 0) return s;
  std::string f = std::to_string(frac);
  return s + "." + std::string(static_cast<std::size_t>(e) - f.size(), '0') + f;
}

std::optional<std::int64_t> whole_major(const rto::Money& m) {
  const std::int64_t unit = pow10(m.currency.exponent());
  if (m.amount % unit != 0) return std::nullopt;
  return m.amount / unit;
}

std::optional<std::int64_t> minor_from_provider(const js::value& v, const rto::Currency& currency) {
  const int e = currency.exponent();
  const std::int64_t unit = pow10(e);
  // Nothing a provider sends is near 10^15 major units; beyond that the product could overflow.
  constexpr std::int64_t kMaxMajor = 1'000'000'000'000'000;
  if (v.is_int64()) {
    if (v.get_int64() < 0 || v.get_int64() > kMaxMajor) return std::nullopt;
    return v.get_int64() * unit;
  }
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<std::uint64_t>(kMaxMajor)) return std::nullopt;
    return static_cast<std::int64_t>(v.get_uint64()) * unit;
  }
  if (v.is_double()) {
    const double scaled = v.get_double() * static_cast<double>(unit);
    const double rounded = std::round(scaled);
    if (std::fabs(scaled - rounded) > 1e-6 || rounded < 0 || rounded > 9e15) return std::nullopt;
    return static_cast<std::int64_t>(rounded);
  }
  if (!v.is_string()) return std::nullopt;
  std::string_view s = v.get_string();
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::int64_t whole = 0, frac = 0;
  std::size_t i = 0;
  for (; i < s.size() && s[i] != '.'; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    whole = whole * 10 + (s[i] - '0');
    if (whole > kMaxMajor) return std::nullopt;
  }
  if (i == 0) return std::nullopt;
  int fdigits = 0;
  if (i < s.size()) {
    if (i + 1 == s.size()) return std::nullopt;  // "12."
    for (++i; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      if (fdigits < e) {
        frac = frac * 10 + (s[i] - '0');
        ++fdigits;
      } else if (s[i] != '0') {
        return std::nullopt;  // finer than the currency's minor unit
      }
    }
  }
  while (fdigits < e) {
    frac *= 10;
    ++fdigits;
  }
  return whole * unit + frac;
}

// ---- MTN MoMo ---------------------------------------------------------------------------------

std::string mtn_request_body(const rto::Money& amount, std::string_view external_id, std::string_view e164,
                             std::string_view payer_message, std::string_view payee_note) {
  js::object body{{"amount", major_string(amount)},
                  {"currency", amount.currency.code()},
                  {"externalId", external_id},
                  {"payer", js::object{{"partyIdType", "MSISDN"}, {"partyId", digits_only(e164)}}},
                  {"payerMessage", payer_message},
                  {"payeeNote", payee_note}};
  return js::serialize(body);
}

ProviderResult mtn_result(const js::value& body, const rto::Currency& currency) {
  const auto& o = as_object(body, "MTN result");
  const auto status = text(o, "status");
  if (status.empty()) throw std::invalid_argument("MTN result without status");
  ProviderResult r;
  r.provider_txn_id = text(o, "financialTransactionId");
  if (const auto* a = member(o, "amount")) {
    r.amount = minor_from_provider(*a, currency);
    r.amount_unreadable = !r.amount;
  }
  if (auto c = text(o, "currency"); !c.empty()) r.currency = c;
  r.code = status;
  if (const auto* reason = member(o, "reason")) {
    if (reason->is_string()) {
      r.code = std::string(reason->get_string());
    } else if (reason->is_object()) {
      const auto& ro = reason->get_object();
      r.code = text(ro, "code");
      if (r.code.empty()) r.code = text(ro, "type");
      r.message = text(ro, "message");
    }
  }
  if (status == "SUCCESSFUL") {
    r.state = ProviderResult::State::succeeded;
  } else if (status == "PENDING" || status == "ONGOING") {
    r.state = ProviderResult::State::pending;
  } else {
    r.state = (r.code == "EXPIRED" || status == "TIMEOUT") ? ProviderResult::State::expired : ProviderResult::State::failed;
  }
  if (r.message.empty()) r.message = r.code;
  return r;
}

// ---- Airtel Money -----------------------------------------------------------------------------

std::string airtel_msisdn(std::string_view e164, std::string_view country) {
  std::string d = digits_only(e164);
  auto code = calling_code(country);
  if (!code.empty() && d.size() > code.size() && d.compare(0, code.size(), code) == 0) d.erase(0, code.size());
  return d;
}

std::string airtel_payment_body(const rto::Money& amount, std::string_view id, std::string_view e164,
                                std::string_view country, std::string_view reference) {
  auto whole = whole_major(amount);
  if (!whole) throw std::invalid_argument("Airtel Money takes whole units of the currency");
  const auto cur = amount.currency.code();
  js::object body{{"reference", reference},
                  {"subscriber", js::object{{"country", country}, {"currency", cur}, {"msisdn", airtel_msisdn(e164, country)}}},
                  {"transaction", js::object{{"amount", *whole}, {"country", country}, {"currency", cur}, {"id", id}}}};
  return js::serialize(body);
}

ProviderResult airtel_enquiry_result(const js::value& body) {
  const auto& o = as_object(body, "Airtel enquiry");
  ProviderResult r;
  const auto* data = member(o, "data");
  const auto* tx = data && data->is_object() ? member(data->get_object(), "transaction") : nullptr;
  if (!tx || !tx->is_object()) {
    // No transaction: the enquiry did not find it (yet). Staying pending lets expiry decide.
    const auto* st = member(o, "status");
    r.code = st && st->is_object() ? text(st->get_object(), "response_code") : "";
    r.message = st && st->is_object() ? text(st->get_object(), "message") : "no transaction in the enquiry";
    return r;
  }
  const auto& t = tx->get_object();
  r.code = text(t, "status");
  r.message = text(t, "message");
  r.provider_txn_id = text(t, "airtel_money_id");
  if (r.code == "TS") {
    r.state = ProviderResult::State::succeeded;
    if (r.provider_txn_id.empty()) throw std::invalid_argument("Airtel TS without airtel_money_id");
  } else if (r.code == "TF") {
    r.state = ProviderResult::State::failed;
  } else if (r.code == "TE") {
    r.state = ProviderResult::State::expired;
  } else {
    r.state = ProviderResult::State::pending;  // TIP in progress, TA ambiguous: ask again later
  }
  return r;
}

AirtelCallback parse_airtel_callback(const js::value& body) {
  const auto& o = as_object(body, "Airtel callback");
  const auto* tx = member(o, "transaction");
  if (!tx || !tx->is_object()) throw std::invalid_argument("Airtel callback without transaction");
  AirtelCallback cb;
  cb.transaction = tx->get_object();
  cb.id = text(cb.transaction, "id");
  cb.status_code = text(cb.transaction, "status_code");
  cb.airtel_money_id = text(cb.transaction, "airtel_money_id");
  cb.message = text(cb.transaction, "message");
  cb.hash = text(o, "hash");
  if (cb.id.empty()) throw std::invalid_argument("Airtel callback without transaction.id");
  return cb;
}

std::string airtel_signed_bytes(const AirtelCallback& cb) {
  return "{\"transaction\":" + js::serialize(cb.transaction) + "}";
}

// ---- M-Pesa -----------------------------------------------------------------------------------

std::string mpesa_password(std::string_view shortcode, std::string_view passkey, std::string_view timestamp) {
  std::string s;
  s.reserve(shortcode.size() + passkey.size() + timestamp.size());
  s.append(shortcode).append(passkey).append(timestamp);
  return rto::crypto::base64_encode(s);
}

std::string mpesa_timestamp(TimePoint t) {
  using namespace std::chrono;
  const auto eat = floor<seconds>(t) + hours(3);
  const auto day = floor<days>(eat);
  const year_month_day ymd{day};
  const hh_mm_ss hms{eat - day};
  char buf[64];  // room for any int the compiler cannot rule out; the text is 14 characters
  std::snprintf(buf, sizeof buf, "%04d%02u%02u%02d%02d%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string mpesa_stk_body(std::string_view shortcode, std::string_view passkey, std::string_view timestamp,
                           std::int64_t whole_amount, std::string_view e164, std::string_view callback_url,
                           std::string_view account_reference, std::string_view description) {
  const auto msisdn = digits_only(e164);
  js::object body{{"BusinessShortCode", shortcode},
                  {"Password", mpesa_password(shortcode, passkey, timestamp)},
                  {"Timestamp", timestamp},
                  {"TransactionType", "CustomerPayBillOnline"},
                  {"Amount", whole_amount},
                  {"PartyA", msisdn},
                  {"PartyB", shortcode},
                  {"PhoneNumber", msisdn},
                  {"CallBackURL", callback_url},
                  {"AccountReference", account_reference.substr(0, 12)},
                  {"TransactionDesc", description.substr(0, 13)}};
  return js::serialize(body);
}

std::string mpesa_query_body(std::string_view shortcode, std::string_view passkey, std::string_view timestamp,
                             std::string_view checkout_request_id) {
  js::object body{{"BusinessShortCode", shortcode},
                  {"Password", mpesa_password(shortcode, passkey, timestamp)},
                  {"Timestamp", timestamp},
                  {"CheckoutRequestID", checkout_request_id}};
  return js::serialize(body);
}

namespace {

ProviderResult mpesa_result_of(const std::string& code, std::string desc) {
  ProviderResult r;
  r.code = code;
  r.message = std::move(desc);
  if (code == "0")
    r.state = ProviderResult::State::succeeded;
  else if (code == "1037")
    r.state = ProviderResult::State::expired;  // the phone could not be reached in time
  else
    r.state = ProviderResult::State::failed;   // 1032 cancelled, 1 insufficient funds, 2001 wrong PIN, …
  return r;
}

}  // namespace

MpesaCallback parse_mpesa_callback(const js::value& body, const rto::Currency& currency) {
  const auto& o = as_object(body, "M-Pesa callback");
  const auto* b = member(o, "Body");
  const auto* stk = b && b->is_object() ? member(b->get_object(), "stkCallback") : nullptr;
  if (!stk || !stk->is_object()) throw std::invalid_argument("M-Pesa callback without Body.stkCallback");
  const auto& s = stk->get_object();
  MpesaCallback cb;
  cb.merchant_request_id = text(s, "MerchantRequestID");
  cb.checkout_request_id = text(s, "CheckoutRequestID");
  const auto code = text(s, "ResultCode");
  if (cb.checkout_request_id.empty() || code.empty())
    throw std::invalid_argument("M-Pesa callback without CheckoutRequestID or ResultCode");
  cb.result = mpesa_result_of(code, text(s, "ResultDesc"));
  const auto* meta = member(s, "CallbackMetadata");
  const auto* items = meta && meta->is_object() ? member(meta->get_object(), "Item") : nullptr;
  if (items && items->is_array()) {
    for (const auto& item : items->get_array()) {
      if (!item.is_object()) continue;
      const auto& it = item.get_object();
      const auto name = text(it, "Name");
      const auto* value = member(it, "Value");  // Balance may come without one
      if (!value) continue;
      if (name == "Amount") {
        cb.result.amount = minor_from_provider(*value, currency);
        cb.result.amount_unreadable = !cb.result.amount;
      }
      if (name == "MpesaReceiptNumber") cb.result.provider_txn_id = text(it, "Value");
    }
  }
  if (cb.result.amount) cb.result.currency = std::string(currency.code());
  return cb;
}

std::optional<ProviderResult> mpesa_query_result(const js::value& body) {
  const auto& o = as_object(body, "M-Pesa query");
  const auto code = text(o, "ResultCode");
  if (code.empty()) return std::nullopt;  // errorCode 500.001.1001: still being processed
  return mpesa_result_of(code, text(o, "ResultDesc"));
}

std::optional<MpesaC2B> parse_mpesa_c2b(const js::value& body, const rto::Currency& currency) {
  if (!body.is_object()) return std::nullopt;
  const auto& o = body.get_object();
  MpesaC2B c;
  c.trans_id = text(o, "TransID");
  c.bill_ref = text(o, "BillRefNumber");
  c.msisdn = text(o, "MSISDN");
  const auto* amount = member(o, "TransAmount");
  if (c.trans_id.empty() || c.bill_ref.empty() || !amount) return std::nullopt;
  auto minor = minor_from_provider(*amount, currency);
  if (!minor || *minor <= 0) return std::nullopt;
  c.amount = *minor;
  return c;
}

// ---- M-Pesa Transaction Status ----------------------------------------------------------------

std::string mpesa_transaction_status_body(std::string_view initiator, std::string_view security_credential,
                                          std::string_view receipt, std::string_view shortcode,
                                          std::string_view result_url, std::string_view remarks) {
  // Daraja's result and queue-timeout notices both come to ResultURL: a timeout is handled as
  // an unanswered query, which is asked again.
  js::object body{{"Initiator", initiator},
                  {"SecurityCredential", security_credential},
                  {"CommandID", "TransactionStatusQuery"},
                  {"TransactionID", receipt},
                  {"PartyA", shortcode},
                  {"IdentifierType", "4"},
                  {"ResultURL", result_url},
                  {"QueueTimeOutURL", result_url},
                  {"Remarks", remarks.substr(0, 100)},
                  {"Occasion", "paybill receipt"}};
  return js::serialize(body);
}

MpesaReceiptStatus parse_mpesa_receipt_status(const js::value& body, const rto::Currency& currency) {
  const auto& o = as_object(body, "M-Pesa result");
  const auto* result = member(o, "Result");
  if (!result || !result->is_object()) throw std::invalid_argument("M-Pesa result without Result");
  const auto& r = result->get_object();
  MpesaReceiptStatus s;
  s.conversation_id = text(r, "ConversationID");
  s.result_code = text(r, "ResultCode");
  s.result_desc = text(r, "ResultDesc");
  if (s.conversation_id.empty() || s.result_code.empty())
    throw std::invalid_argument("M-Pesa result without ConversationID or ResultCode");
  const auto* params = member(r, "ResultParameters");
  const auto* list = params && params->is_object() ? member(params->get_object(), "ResultParameter") : nullptr;
  const auto take = [&](const js::value& item) {
    if (!item.is_object()) return;
    const auto& it = item.get_object();
    const auto key = text(it, "Key");
    const auto* value = member(it, "Value");  // TransactionReason and charges may come without one
    if (!value) return;
    if (key == "ReceiptNo") s.receipt = text(it, "Value");
    else if (key == "TransactionStatus") s.transaction_status = text(it, "Value");
    else if (key == "CreditPartyName") s.credit_party = text(it, "Value");
    else if (key == "DebitPartyName") s.debit_party = text(it, "Value");
    else if (key == "Amount") {
      s.amount = minor_from_provider(*value, currency);
      s.amount_unreadable = !s.amount;
    }
  };
  if (list && list->is_array())
    for (const auto& item : list->get_array()) take(item);
  else if (list)
    take(*list);
  return s;
}

std::optional<std::string> paybill_discrepancy(const MpesaC2B& c2b, const MpesaReceiptStatus& s,
                                               std::string_view shortcode, const rto::Currency& currency) {
  if (s.result_code != "0")
    return "M-Pesa did not confirm it (" + s.result_code + (s.result_desc.empty() ? "" : ": " + s.result_desc) + ")";
  if (s.receipt != c2b.trans_id)
    return "M-Pesa answered about receipt " + (s.receipt.empty() ? std::string("(none)") : s.receipt);
  if (s.transaction_status != "Completed")
    return "M-Pesa reports it " + (s.transaction_status.empty() ? std::string("without a status") : s.transaction_status);
  if (s.amount_unreadable || !s.amount) return "M-Pesa's amount could not be read";
  if (*s.amount != c2b.amount)
    return "M-Pesa confirmed " + rto::Money{*s.amount, currency}.format() + ", the confirmation said " +
           rto::Money{c2b.amount, currency}.format();
  // "4149503 - TECH TUTOR ENTERPRISE": the paybill the money went to, when Daraja names it.
  if (!s.credit_party.empty()) {
    auto first = s.credit_party.find_first_not_of(' ');
    auto party = first == std::string::npos ? std::string_view{} : std::string_view(s.credit_party).substr(first);
    auto end = party.find_first_not_of("0123456789");
    if (party.substr(0, end) != shortcode) return "M-Pesa says it was paid to " + s.credit_party;
  }
  // "0790422909 - Dennis Mwangi" against "254790422909": the same payer, when both are in clear.
  const auto payer_digits = [](std::string_view v) -> std::optional<std::string> {
    auto first = v.find_first_not_of(' ');
    if (first == std::string_view::npos) return std::nullopt;
    v.remove_prefix(first);
    if (!v.empty() && v.front() == '+') v.remove_prefix(1);
    auto end = v.find_first_not_of("0123456789");
    auto digits = v.substr(0, end);
    // A masked ("2547 ***** 126") or hashed number is not compared.
    if (digits.size() < 9 || (end != std::string_view::npos && v[end] != ' ')) return std::nullopt;
    return std::string(digits.substr(digits.size() - 9));
  };
  auto from = payer_digits(s.debit_party);
  auto named = payer_digits(c2b.msisdn);
  if (from && named && *from != *named)
    return "M-Pesa says it was paid from a number ending " + from->substr(6) + ", the confirmation named one ending " +
           named->substr(6);
  return std::nullopt;
}

// ---- callbacks --------------------------------------------------------------------------------

CallbackKey callback_key(ProviderId p, const js::value& body) {
  const auto& o = as_object(body, "callback");
  switch (p) {
    case ProviderId::mtn_momo: {
      auto id = text(o, "externalId");
      if (id.empty()) throw std::invalid_argument("MTN callback without externalId");
      return {CallbackKey::Kind::request_id, std::move(id)};
    }
    case ProviderId::airtel_money:
      return {CallbackKey::Kind::request_id, parse_airtel_callback(body).id};
    case ProviderId::mpesa: {
      if (member(o, "Result")) {
        auto s = parse_mpesa_receipt_status(body, rto::Currency::of("KES"));
        return {CallbackKey::Kind::conversation_id, std::move(s.conversation_id)};
      }
      if (member(o, "Body")) {
        auto cb = parse_mpesa_callback(body, rto::Currency::of("KES"));
        return {CallbackKey::Kind::checkout_id, std::move(cb.checkout_request_id)};
      }
      auto ref = text(o, "BillRefNumber");
      if (ref.empty() || text(o, "TransID").empty()) throw std::invalid_argument("not an M-Pesa callback");
      return {CallbackKey::Kind::account_reference, std::move(ref)};
    }
  }
  throw std::invalid_argument("unknown provider");
}

}  // namespace payment_service::momo
