#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "domain/calendar.hpp"

using namespace payment_service;
using namespace std::chrono;

namespace {
TimePoint utc(int y, unsigned m, unsigned d, int h, int mi) {
  return TimePoint(sys_days{year{y} / month{m} / day{d}}) + hours{h} + minutes{mi};
}
std::string slurp(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST(Dates, ParseAndFormat) {
  EXPECT_EQ(format_date(*parse_date("2026-03-31")), "2026-03-31");
  EXPECT_FALSE(parse_date("2026-02-30"));
  EXPECT_FALSE(parse_date("2026-2-3"));
  EXPECT_FALSE(parse_date("2026-13-01"));
  EXPECT_FALSE(parse_date("20260301xx"));
  EXPECT_TRUE(parse_date("2028-02-29"));
  EXPECT_FALSE(parse_date("2027-02-29"));
}

TEST(Dates, AddMonthsClampsToTheLastDay) {
  EXPECT_EQ(format_date(add_months(make_date(2026, 1, 31), 1)), "2026-02-28");
  EXPECT_EQ(format_date(add_months(make_date(2028, 1, 31), 1)), "2028-02-29");
  EXPECT_EQ(format_date(add_months(make_date(2026, 1, 31), 2)), "2026-03-31");
  EXPECT_EQ(format_date(add_months(make_date(2026, 11, 30), 3)), "2027-02-28");
  EXPECT_EQ(format_date(add_months(make_date(2026, 5, 15), 12)), "2027-05-15");
}

TEST(Dates, StepByFrequency) {
  auto s = make_date(2026, 12, 31);
  EXPECT_EQ(format_date(step(s, Frequency::Daily, 1)), "2027-01-01");
  EXPECT_EQ(format_date(step(s, Frequency::Weekly, 2)), "2027-01-14");
  EXPECT_EQ(format_date(step(s, Frequency::Monthly, 2)), "2027-02-28");
  EXPECT_EQ(format_date(step(s, Frequency::Monthly, 3)), "2027-03-31");
  EXPECT_EQ(periods_per_year(Frequency::Weekly), 52);
  EXPECT_EQ(frequency_from("monthly"), Frequency::Monthly);
  EXPECT_FALSE(frequency_from("yearly"));
}

TEST(Zones, FixedOffsetTurnsLateEveningUtcIntoTheNextLocalDay) {
  auto z = Zone::fixed("UTC+03:00", 180 * 60);
  EXPECT_EQ(format_date(z.local_date(utc(2026, 3, 1, 20, 59))), "2026-03-01");
  EXPECT_EQ(format_date(z.local_date(utc(2026, 3, 1, 21, 0))), "2026-03-02");
  EXPECT_EQ(z.local_minutes(utc(2026, 3, 1, 3, 0)), 6 * 60);
  EXPECT_EQ(z.start_of(make_date(2026, 3, 2)), utc(2026, 3, 1, 21, 0));
}

TEST(Zones, ReadsTzifDataOfKampalaAndLondon) {
  auto kampala = slurp("/usr/share/zoneinfo/Africa/Kampala");
  ASSERT_FALSE(kampala.empty()) << "tzdata is a dependency (scripts/setup-deps.sh)";
  auto z = Zone::from_tzif("Africa/Kampala", kampala);
  EXPECT_EQ(z.offset_at(utc(2026, 6, 1, 0, 0)), 3 * 3600);
  EXPECT_EQ(format_date(z.local_date(utc(2026, 12, 31, 22, 30))), "2027-01-01");
  auto london = slurp("/usr/share/zoneinfo/Europe/London");
  ASSERT_FALSE(london.empty());
  auto l = Zone::from_tzif("Europe/London", london);
  EXPECT_EQ(l.offset_at(utc(2020, 1, 15, 12, 0)), 0);
  EXPECT_EQ(l.offset_at(utc(2020, 7, 15, 12, 0)), 3600);
}

TEST(Zones, RefusesMalformedTzif) {
  EXPECT_THROW(Zone::from_tzif("x", "not a zone file at all, clearly not one, no, no, no"), std::invalid_argument);
  EXPECT_THROW(Zone::from_tzif("x", "TZif2"), std::invalid_argument);
}
