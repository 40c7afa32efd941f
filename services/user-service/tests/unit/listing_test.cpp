#include <gtest/gtest.h>

#include "domain/listing.hpp"
#include <rto/testing/expect_error.hpp>
using rto::testing::error_of;
using rto::testing::names_field;
#include <rto/crypto.hpp>

using namespace user_service;
using Query = std::vector<std::pair<std::string, std::string>>;

TEST(Listing, CursorRoundTrip) {
  PageCursor c{1'780'000'000'123'456, "0f8fad5b-d9cb-469f-a165-70867728950e"};
  auto text = encode_cursor(c);
  EXPECT_EQ(text.find_first_of("+/="), std::string::npos);  // URL-safe
  EXPECT_EQ(decode_cursor(text), c);
}

TEST(Listing, GarbageCursorsAreRefused) {
  for (const char* bad : {"", "abc", "!!!!", "eyJ0IjoxfQ", "bm90IGpzb24"}) EXPECT_EQ(decode_cursor(bad), std::nullopt) << bad;
  // Valid JSON with a non-UUID id
  EXPECT_EQ(decode_cursor(rto::crypto::base64_encode(R"({"t":1,"id":"x"})", true)), std::nullopt);
  // A time the database could not represent
  EXPECT_EQ(decode_cursor(rto::crypto::base64_encode(
                R"({"t":9000000000000000000,"id":"0f8fad5b-d9cb-469f-a165-70867728950e"})", true)),
            std::nullopt);
  EXPECT_EQ(decode_cursor(rto::crypto::base64_encode(
                R"({"t":-5,"id":"0f8fad5b-d9cb-469f-a165-70867728950e"})", true)),
            std::nullopt);
}

TEST(Listing, Defaults) {
  auto q = parse_user_list_query({});
  EXPECT_EQ(q.limit, kDefaultPageSize);
  EXPECT_FALSE(q.after);
  EXPECT_FALSE(q.text_pattern);
}

TEST(Listing, LimitBounds) {
  EXPECT_EQ(parse_user_list_query({{"limit", "100"}}).limit, 100);
  for (const char* bad : {"0", "101", "-1", "ten", "5x", ""})
    EXPECT_TRUE(names_field(error_of([&] { parse_user_list_query({{"limit", bad}}); }), "limit")) << bad;
}

TEST(Listing, BadCursorNamesTheParameter) {
  auto e = error_of([] { parse_user_list_query({{"cursor", "not-a-cursor"}}); });
  EXPECT_EQ(e.status(), 400);
  EXPECT_TRUE(names_field(e, "cursor"));
}

TEST(Listing, RoleAndStatusFilters) {
  auto q = parse_user_list_query({{"role", "credit_officer"}, {"status", "disabled"}});
  EXPECT_EQ(q.role, "credit_officer");
  EXPECT_EQ(q.status, "disabled");
  auto e = error_of([] { parse_user_list_query({{"role", "root"}, {"status", "gone"}}); });
  EXPECT_TRUE(names_field(e, "role"));
  EXPECT_TRUE(names_field(e, "status"));
}

TEST(Listing, SearchTextIsMatchedLiterally) {
  EXPECT_EQ(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
  auto q = parse_user_list_query({{"q", " Amina "}});
  EXPECT_EQ(q.text_pattern, "%Amina%");
  EXPECT_FALSE(q.phone_pattern);
}

TEST(Listing, DigitSearchesAlsoMatchPhones) {
  EXPECT_EQ(parse_user_list_query({{"q", "+256 772"}}).phone_pattern, "%256772%");
  EXPECT_EQ(parse_user_list_query({{"q", "0772123"}}).phone_pattern, "%772123%");
  EXPECT_FALSE(parse_user_list_query({{"q", "77"}}).phone_pattern);
}
