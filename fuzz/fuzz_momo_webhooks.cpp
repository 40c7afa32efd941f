// The mobile-money providers' callbacks (POST /api/v1/webhooks/{provider}) and status answers:
// MTN MoMo, Airtel Money, M-Pesa. Input: one byte choosing the provider, then the body. As the
// service does: the webhook parses the JSON and takes the key it files the callback under
// (momo::callback_key, collections.cpp); the worker then checks Airtel's signature fields and
// reads the outcome with the provider's parsers. std::invalid_argument is how these parsers say
// "not this provider's shape" (the webhook answers 400, the worker marks the callback rejected).
#include <boost/json.hpp>
#include <rto/money.hpp>

#include "domain/mobile_money.hpp"
#include "fuzz_common.hpp"

using namespace payment_service;
using Invalid = std::invalid_argument;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto provider = static_cast<momo::ProviderId>(data[0] % 3);
  const auto body = fuzz::as_text(data + 1, size - 1);
  if (body.size() > momo::kMaxCallbackBytes) return 0;  // 413
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec) return 0;  // 400
  fuzz::parse<Invalid>("callback_key", [&] { momo::callback_key(provider, v); });
  switch (provider) {
    case momo::ProviderId::mtn_momo: {
      static const auto ugx = rto::Currency::of("UGX");
      fuzz::parse<Invalid>("mtn_result", [&] { momo::mtn_result(v, ugx); });
      break;
    }
    case momo::ProviderId::airtel_money:
      fuzz::parse<Invalid>("parse_airtel_callback", [&] { momo::airtel_signed_bytes(momo::parse_airtel_callback(v)); });
      fuzz::parse<Invalid>("airtel_enquiry_result", [&] { momo::airtel_enquiry_result(v); });
      break;
    case momo::ProviderId::mpesa: {
      static const auto kes = rto::Currency::of("KES");
      fuzz::parse<Invalid>("parse_mpesa_callback", [&] { momo::parse_mpesa_callback(v, kes); });
      fuzz::parse<Invalid>("parse_mpesa_c2b", [&] { momo::parse_mpesa_c2b(v, kes); });
      fuzz::parse<Invalid>("parse_mpesa_receipt_status", [&] { momo::parse_mpesa_receipt_status(v, kes); });
      fuzz::parse<Invalid>("mpesa_query_result", [&] { momo::mpesa_query_result(v); });
      break;
    }
  }
  return 0;
}
