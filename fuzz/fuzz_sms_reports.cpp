// Africa's Talking: the delivery reports it posts (POST /api/v1/webhooks/sms/africastalking, a
// form body read as sms_delivery_report in handlers.cpp reads it) and its answers to a send.
// Input: one byte choosing which (even: a delivery report; odd: an answer, the byte also picking
// the HTTP status), then the body.
#include <rto/phone.hpp>

#include "domain/sms.hpp"
#include "fuzz_common.hpp"

using namespace support_service;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto body = fuzz::as_text(data + 1, size - 1);
  if ((data[0] & 1) == 0) {
    fuzz::parse("sms_delivery_report", [&] {
      auto form = sms::form_decode(body);
      auto id = sms::form_value(form, "id");
      auto status = sms::form_value(form, "status");
      auto phone = sms::form_value(form, "phoneNumber");
      if (status) sms::is_known_delivery_status(*status), sms::is_final_delivery_status(*status);
      if (phone) rto::phone::normalize(*phone, "KE");
      if (auto reason = sms::form_value(form, "failureReason")) sms::measure(*reason);
      (void)id;
    });
  } else {
    static constexpr int kStatus[] = {200, 201, 400, 401, 500, 502, 503, 302};
    const int status = kStatus[(data[0] >> 1) % 8];
    fuzz::parse("read_africastalking_answer", [&] { sms::read_africastalking_answer(status, body); });
  }
  return 0;
}
