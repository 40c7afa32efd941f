#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "domain/sms.hpp"

using namespace support_service::sms;
using namespace std::chrono_literals;

TEST(SmsLength, Gsm7SingleAndMultiPart) {
  EXPECT_EQ(measure("").segments, 0);
  auto one = measure(std::string(160, 'a'));
  EXPECT_TRUE(one.gsm7);
  EXPECT_EQ(one.units, 160);
  EXPECT_EQ(one.segments, 1);
  EXPECT_EQ(measure(std::string(161, 'a')).segments, 2);
  EXPECT_EQ(measure(std::string(306, 'a')).segments, 2);
  EXPECT_EQ(measure(std::string(307, 'a')).segments, 3);
}

TEST(SmsLength, ExtensionCharactersCountTwice) {
  auto l = measure("Pay {UGX} €5");
  EXPECT_TRUE(l.gsm7);
  EXPECT_EQ(l.units, 12 + 3);  // {, }, € are escapes
  EXPECT_EQ(measure(std::string(159, 'a') + "€").segments, 2);
}

TEST(SmsLength, GsmAccentsStayGsm7) {
  auto l = measure("Café à Nairobi: £5 é è");
  EXPECT_TRUE(l.gsm7);
}

TEST(SmsLength, NonGsmCharactersSwitchToUcs2) {
  auto l = measure("Asante 🙏");
  EXPECT_FALSE(l.gsm7);
  EXPECT_EQ(l.units, 7 + 2);  // the emoji is a surrogate pair
  EXPECT_EQ(l.segments, 1);
  std::string s(70, 'a');
  s += "ā";
  EXPECT_EQ(measure(s).segments, 2);  // 71 UTF-16 units → 2 parts of 67
  EXPECT_EQ(measure("ā" + std::string(133, 'a')).segments, 3 - 1);  // 134 units → 2 parts
  EXPECT_EQ(measure("ā" + std::string(134, 'a')).segments, 3);
}

TEST(SmsForm, EncodesAndDecodes) {
  auto body = form_encode({{"username", "sandbox"}, {"to", "+256772123456"}, {"message", "Pay 5,000 & thanks"}});
  EXPECT_EQ(body, "username=sandbox&to=%2B256772123456&message=Pay+5%2C000+%26+thanks");
  auto back = form_decode(body);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[1].second, "+256772123456");
  EXPECT_EQ(back[2].second, "Pay 5,000 & thanks");
  EXPECT_EQ(form_value(back, "username"), "sandbox");
  EXPECT_FALSE(form_value(back, "from"));
  EXPECT_EQ(form_decode("a=%zz&b")[0].second, "%zz");
}

TEST(AfricasTalking, ReadsRecipientStatus) {
  auto ok = read_africastalking_answer(201,
      R"({"SMSMessageData":{"Message":"Sent to 1/1 Total Cost: KES 0.8000","Recipients":[{"statusCode":101,"number":"+254712345678","status":"Success","cost":"KES 0.8000","messageId":"ATXid_1"}]}})");
  EXPECT_EQ(ok.outcome, Outcome::Sent);
  EXPECT_EQ(ok.message_id, "ATXid_1");
  EXPECT_EQ(ok.status_code, 101);
  auto invalid = read_africastalking_answer(201,
      R"({"SMSMessageData":{"Message":"Sent to 0/1","Recipients":[{"statusCode":403,"number":"+2547","status":"InvalidPhoneNumber","cost":"0","messageId":"None"}]}})");
  EXPECT_EQ(invalid.outcome, Outcome::Failed);
  EXPECT_EQ(invalid.status_code, 403);
  auto gateway = read_africastalking_answer(201,
      R"({"SMSMessageData":{"Recipients":[{"statusCode":500,"status":"InternalServerError"}]}})");
  EXPECT_EQ(gateway.outcome, Outcome::Retry);
  EXPECT_EQ(read_africastalking_answer(503, "busy").outcome, Outcome::Retry);
  EXPECT_EQ(read_africastalking_answer(401, "bad key").outcome, Outcome::Failed);
  EXPECT_EQ(read_africastalking_answer(201, "not json").outcome, Outcome::Retry);
  EXPECT_EQ(read_africastalking_answer(201, R"({"SMSMessageData":{"Message":"InvalidSenderId","Recipients":[]}})").outcome,
            Outcome::Retry);
}

TEST(DeliveryReports, FinalStatuses) {
  EXPECT_TRUE(is_final_delivery_status("Success"));
  EXPECT_TRUE(is_final_delivery_status("Rejected"));
  EXPECT_FALSE(is_final_delivery_status("Buffered"));
  EXPECT_TRUE(is_known_delivery_status("Submitted"));
  EXPECT_FALSE(is_known_delivery_status("Delivered"));
}

TEST(Retry, BackoffDoublesUpToTheCap) {
  EXPECT_EQ(backoff(1, 30s, 1800s), 30s);
  EXPECT_EQ(backoff(2, 30s, 1800s), 60s);
  EXPECT_EQ(backoff(4, 30s, 1800s), 240s);
  EXPECT_EQ(backoff(20, 30s, 1800s), 1800s);
  EXPECT_EQ(backoff(0, 30s, 1800s), 30s);
}

TEST(QuietHours, NightInOperatorTime) {
  QuietHours q;  // 21:00–07:00 at UTC+3
  auto day = TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 12 / 7));
  EXPECT_FALSE(in_quiet_hours(day + 12h, q));       // 15:00 local
  EXPECT_FALSE(in_quiet_hours(day + 17h + 59min, q));  // 20:59 local
  EXPECT_TRUE(in_quiet_hours(day + 18h, q));        // 21:00 local
  EXPECT_TRUE(in_quiet_hours(day + 23h, q));        // 02:00 local
  EXPECT_TRUE(in_quiet_hours(day + 27h + 59min, q));  // 06:59 local next day
  EXPECT_FALSE(in_quiet_hours(day + 28h, q));       // 07:00 local
  // A message at 22:30 local waits until 07:00 local.
  EXPECT_EQ(next_allowed(day + 19h + 30min, q), day + 28h);
  EXPECT_EQ(next_allowed(day + 12h, q), day + 12h);
  QuietHours off{0, 0, rto::Zone::fixed("UTC+03:00", 3 * 3600)};
  EXPECT_FALSE(in_quiet_hours(day + 19h, off));
}

namespace {
std::string slurp(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST(QuietHours, InANamedZoneFollowItsRules) {
  // West Africa (UTC+1): 21:00 local is 20:00 UTC.
  auto lagos = slurp("/usr/share/zoneinfo/Africa/Lagos");
  ASSERT_FALSE(lagos.empty()) << "tzdata is a dependency (scripts/setup-deps.sh)";
  QuietHours q{21, 7, rto::Zone::from_tzif("Africa/Lagos", lagos)};
  auto day = TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 12 / 7));
  EXPECT_FALSE(in_quiet_hours(day + 19h + 59min, q));  // 20:59 in Lagos
  EXPECT_TRUE(in_quiet_hours(day + 20h, q));           // 21:00 in Lagos
  EXPECT_EQ(next_allowed(day + 22h, q), day + 30h);    // 23:00 → 07:00 (06:00 UTC)
  // A zone with summer time: what a fixed offset cannot do. 20:30 UTC is 21:30 in a London
  // July (quiet) and 20:30 in a London January (not).
  auto london = slurp("/usr/share/zoneinfo/Europe/London");
  ASSERT_FALSE(london.empty());
  QuietHours l{21, 7, rto::Zone::from_tzif("Europe/London", london)};
  auto july = TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 7 / 15));
  auto january = TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 1 / 15));
  EXPECT_TRUE(in_quiet_hours(july + 20h + 30min, l));
  EXPECT_FALSE(in_quiet_hours(january + 20h + 30min, l));
}
