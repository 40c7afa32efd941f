#include <gtest/gtest.h>

#include <rto/crypto.hpp>

#include "domain/search_params.hpp"
#include <rto/testing/expect_error.hpp>
using rto::testing::error_of;
using rto::testing::names_field;

using namespace vehicle_service;

namespace {
const std::string kId = "0f8fad5b-d9cb-469f-a165-70867728950e";

rto::Error bad(const QueryParams& q, bool staff = false) {
  return error_of([&] { parse_search_query(q, staff); });
}
}  // namespace

TEST(SearchParams, Defaults) {
  auto q = parse_search_query({}, false);
  EXPECT_EQ(q.filters.status, Status::Available);
  EXPECT_EQ(q.sort, Sort::Newest);
  EXPECT_EQ(q.limit, kDefaultLimit);
  EXPECT_FALSE(q.after);
  EXPECT_FALSE(q.filters.q);
  // With text, relevance is the default order.
  EXPECT_EQ(parse_search_query({{"q", "boxer"}}, false).sort, Sort::Relevance);
}

TEST(SearchParams, EveryFilterIsRead) {
  auto q = parse_search_query({{"q", "  Bajaj   BOXR "},
                               {"category", "motorcycle"},
                               {"make", "Bajaj"},
                               {"fuel", "petrol"},
                               {"condition", "used"},
                               {"currency", "UGX"},
                               {"price_min", "1000000"},
                               {"price_max", "6000000"},
                               {"year_min", "2015"},
                               {"year_max", "2024"},
                               {"city", "Kampala"},
                               {"dealer_id", "0F8FAD5B-D9CB-469F-A165-70867728950E"},
                               {"near", "0.3476,32.5825"},
                               {"radius_km", "25"},
                               {"sort", "price_asc"},
                               {"limit", "50"}},
                              false);
  const auto& f = q.filters;
  EXPECT_EQ(f.q, "bajaj boxr");  // trimmed, collapsed, lower case
  EXPECT_EQ(f.category, "motorcycle");
  EXPECT_EQ(f.make, "bajaj");
  EXPECT_EQ(f.fuel, "petrol");
  EXPECT_EQ(f.condition, "used");
  EXPECT_EQ(f.currency, "UGX");
  EXPECT_EQ(f.price_min, 1000000);
  EXPECT_EQ(f.price_max, 6000000);
  EXPECT_EQ(f.year_min, 2015);
  EXPECT_EQ(f.year_max, 2024);
  EXPECT_EQ(f.city, "kampala");
  EXPECT_EQ(f.dealer_id, kId);
  ASSERT_TRUE(f.near);
  EXPECT_DOUBLE_EQ(f.near->lat, 0.3476);
  EXPECT_DOUBLE_EQ(f.near->lon, 32.5825);
  EXPECT_EQ(f.radius_km, 25);
  EXPECT_EQ(q.sort, Sort::PriceAsc);
  EXPECT_EQ(q.limit, 50);
}

TEST(SearchParams, EmptyValuesCountAsAbsent) {
  auto q = parse_search_query({{"q", ""}, {"category", ""}, {"price_min", ""}, {"cursor", ""}}, false);
  EXPECT_FALSE(q.filters.q);
  EXPECT_FALSE(q.filters.category);
  EXPECT_FALSE(q.filters.price_min);
  EXPECT_FALSE(q.after);
}

TEST(SearchParams, NegativeAndMalformedPricesNameTheParameter) {
  for (const char* v : {"-1", "abc", "1.5", "1e6", "99999999999999999999"}) {
    EXPECT_TRUE(names_field(bad({{"currency", "UGX"}, {"price_min", v}}), "price_min")) << v;
    EXPECT_TRUE(names_field(bad({{"currency", "UGX"}, {"price_max", v}}), "price_max")) << v;
  }
  EXPECT_EQ(parse_search_query({{"currency", "UGX"}, {"price_min", "0"}}, false).filters.price_min, 0);
}

TEST(SearchParams, PriceMinAbovePriceMax) {
  auto e = bad({{"currency", "UGX"}, {"price_min", "500"}, {"price_max", "100"}});
  EXPECT_EQ(e.status(), 400);
  EXPECT_TRUE(names_field(e, "price_min"));
  EXPECT_NE(e.detail().find("price_min"), std::string::npos);
  EXPECT_NO_THROW(parse_search_query({{"currency", "UGX"}, {"price_min", "100"}, {"price_max", "100"}}, false));
  EXPECT_TRUE(names_field(bad({{"year_min", "2020"}, {"year_max", "2010"}}), "year_min"));
}

TEST(SearchParams, PriceBoundsNeedACurrency) {
  for (const QueryParams& q : {QueryParams{{"price_min", "1000000"}}, QueryParams{{"price_max", "6000000"}},
                               QueryParams{{"price_min", "1"}, {"price_max", "2"}}}) {
    auto e = bad(q);
    EXPECT_EQ(e.status(), 400);
    ASSERT_EQ(e.fields().size(), 1u);
    EXPECT_EQ(e.fields()[0].field, "currency");
    EXPECT_NE(e.detail().find("price bounds need a currency"), std::string::npos) << e.detail();
  }
  // A malformed bound without a currency: both are named.
  auto both = bad({{"price_min", "-1"}});
  EXPECT_TRUE(names_field(both, "price_min"));
  EXPECT_TRUE(names_field(both, "currency"));
  // An empty bound is absent and needs nothing; a currency alone filters without bounds.
  EXPECT_NO_THROW(parse_search_query({{"price_min", ""}, {"price_max", ""}}, false));
  auto kes = parse_search_query({{"currency", "KES"}}, false);
  EXPECT_EQ(kes.filters.currency, "KES");
  EXPECT_FALSE(kes.filters.price_min);
  auto ugx = parse_search_query({{"price_max", "5400000"}, {"currency", "UGX"}}, false);
  EXPECT_EQ(ugx.filters.currency, "UGX");
  EXPECT_EQ(ugx.filters.price_max, 5400000);
}

TEST(SearchParams, CurrencyIsThreeUpperCaseLetters) {
  for (const char* v : {"ugx", "Ugx", "UG", "UGXX", "U1X", "UG ", "XYZ"}) {
    auto e = bad({{"currency", v}});
    EXPECT_EQ(e.status(), 400) << v;
    EXPECT_TRUE(names_field(e, "currency")) << v;
  }
  // A bad currency with bounds is named once, for what is wrong with it.
  auto e = bad({{"currency", "ugx"}, {"price_max", "100"}});
  ASSERT_EQ(e.fields().size(), 1u);
  EXPECT_NE(e.fields()[0].message.find("upper-case"), std::string::npos);
}

TEST(SearchParams, UnknownSort) {
  auto e = bad({{"sort", "cheapest"}});
  EXPECT_EQ(e.status(), 400);
  EXPECT_TRUE(names_field(e, "sort"));
}

TEST(SearchParams, NearestNeedsNearAndRelevanceNeedsText) {
  EXPECT_TRUE(names_field(bad({{"sort", "nearest"}}), "sort"));
  EXPECT_TRUE(names_field(bad({{"sort", "relevance"}}), "sort"));
  EXPECT_TRUE(names_field(bad({{"radius_km", "10"}}), "radius_km"));
  EXPECT_EQ(parse_search_query({{"sort", "nearest"}, {"near", "-1.29,36.82"}}, false).sort, Sort::Nearest);
}

TEST(SearchParams, BadNear) {
  for (const char* v : {"1", "1,", ",2", "91,0", "0,181", "a,b", "1,2,3", "+1,2", "nan,1", "1;2"})
    EXPECT_TRUE(names_field(bad({{"near", v}}), "near")) << v;
  for (const char* v : {"0", "-5", "2001", "x"}) EXPECT_TRUE(names_field(bad({{"near", "0,0"}, {"radius_km", v}}), "radius_km")) << v;
}

TEST(SearchParams, LimitOutOfRange) {
  for (const char* v : {"0", "101", "-3", "ten", "5x"}) EXPECT_TRUE(names_field(bad({{"limit", v}}), "limit")) << v;
  EXPECT_EQ(parse_search_query({{"limit", "100"}}, false).limit, 100);
  EXPECT_EQ(parse_search_query({{"limit", "1"}}, false).limit, 1);
}

TEST(SearchParams, EnumsAndIds) {
  EXPECT_TRUE(names_field(bad({{"category", "boat"}}), "category"));
  EXPECT_TRUE(names_field(bad({{"fuel", "coal"}}), "fuel"));
  EXPECT_TRUE(names_field(bad({{"condition", "mint"}}), "condition"));
  EXPECT_TRUE(names_field(bad({{"currency", "XYZ"}}), "currency"));
  EXPECT_TRUE(names_field(bad({{"dealer_id", "42"}}), "dealer_id"));
  EXPECT_TRUE(names_field(bad({{"q", std::string(101, 'a')}}), "q"));
}

TEST(SearchParams, UnknownAndRepeatedParametersAreRefused) {
  EXPECT_TRUE(names_field(bad({{"pricemax", "5"}}), "pricemax"));
  EXPECT_TRUE(names_field(bad({{"make", "Bajaj"}, {"make", "TVS"}}), "make"));
}

TEST(SearchParams, AllProblemsAreReportedTogether) {
  auto e = bad({{"currency", "UGX"}, {"price_min", "-1"}, {"sort", "x"}, {"limit", "0"}});
  EXPECT_TRUE(names_field(e, "price_min"));
  EXPECT_TRUE(names_field(e, "sort"));
  EXPECT_TRUE(names_field(e, "limit"));
}

TEST(SearchParams, StatusIsForStaffOnly) {
  auto e = bad({{"status", "draft"}}, false);
  EXPECT_EQ(e.status(), 403);
  EXPECT_TRUE(names_field(e, "status"));
  EXPECT_EQ(parse_search_query({{"status", "draft"}}, true).filters.status, Status::Draft);
  EXPECT_TRUE(names_field(bad({{"status", "sold"}}, true), "status"));
}

TEST(SearchCursor, RoundTripAndOpaque) {
  SearchCursor c{Sort::PriceDesc, 5'400'000, kId, 0x0123456789abcdefull};
  auto text = encode_cursor(c);
  EXPECT_EQ(text.find_first_of("+/="), std::string::npos);  // URL-safe, no padding
  EXPECT_EQ(decode_cursor(text), c);
  SearchCursor negative{Sort::Newest, -1, kId, 0};
  EXPECT_EQ(decode_cursor(encode_cursor(negative)), negative);
}

TEST(SearchCursor, GarbageIsRefused) {
  for (const char* t : {"", "abc", "!!!!", "eyJ0IjoxfQ"}) EXPECT_EQ(decode_cursor(t), std::nullopt) << t;
  auto enc = [](const char* json) { return rto::crypto::base64_encode(json, true); };
  EXPECT_EQ(decode_cursor(enc(R"({"s":"newest","k":1,"id":"x","f":"0000000000000000"})")), std::nullopt);
  EXPECT_EQ(decode_cursor(enc(R"({"s":"sideways","k":1,"id":"0f8fad5b-d9cb-469f-a165-70867728950e","f":"0000000000000000"})")),
            std::nullopt);
  EXPECT_EQ(decode_cursor(enc(R"({"s":"newest","k":"1","id":"0f8fad5b-d9cb-469f-a165-70867728950e","f":"0000000000000000"})")),
            std::nullopt);
  EXPECT_EQ(decode_cursor(enc(R"({"s":"newest","k":1,"id":"0f8fad5b-d9cb-469f-a165-70867728950e","f":"zz"})")),
            std::nullopt);
}

TEST(SearchCursor, BadCursorNamesTheParameter) {
  auto e = bad({{"cursor", "not-a-cursor"}});
  EXPECT_EQ(e.status(), 400);
  EXPECT_TRUE(names_field(e, "cursor"));
}

TEST(SearchCursor, ACursorWorksOnlyForItsSearch) {
  QueryParams params{{"category", "car"}, {"sort", "price_asc"}};
  auto q = parse_search_query(params, false);
  SearchCursor c{Sort::PriceAsc, 100, kId, fingerprint(q.filters.key())};
  params.emplace_back("cursor", encode_cursor(c));
  auto next = parse_search_query(params, false);
  ASSERT_TRUE(next.after);
  EXPECT_EQ(*next.after, c);
  // A cursor of a UGX price range does not page a KES one.
  QueryParams ugx{{"currency", "UGX"}, {"price_max", "5000000"}, {"sort", "price_asc"}};
  SearchCursor uc{Sort::PriceAsc, 100, kId, fingerprint(parse_search_query(ugx, false).filters.key())};
  ugx.emplace_back("cursor", encode_cursor(uc));
  EXPECT_TRUE(parse_search_query(ugx, false).after);
  EXPECT_TRUE(names_field(
      bad({{"currency", "KES"}, {"price_max", "5000000"}, {"sort", "price_asc"}, {"cursor", encode_cursor(uc)}}), "cursor"));
  // Other filters, or another sort: refused.
  EXPECT_TRUE(names_field(bad({{"category", "tuk-tuk"}, {"sort", "price_asc"}, {"cursor", encode_cursor(c)}}), "cursor"));
  EXPECT_TRUE(names_field(bad({{"category", "car"}, {"sort", "price_desc"}, {"cursor", encode_cursor(c)}}), "cursor"));
}

TEST(SearchFilters, KeyIsCanonical) {
  auto a = parse_search_query({{"make", "BAJAJ"}, {"city", " Kampala "}}, false).filters.key();
  auto b = parse_search_query({{"city", "kampala"}, {"make", "bajaj"}}, false).filters.key();
  EXPECT_EQ(a, b);
  auto c = parse_search_query({{"make", "bajaj"}}, false).filters.key();
  EXPECT_NE(a, c);
  // The currency is part of the key: results in UGX and in KES are never shared.
  auto ugx = parse_search_query({{"currency", "UGX"}, {"price_max", "5000000"}}, false).filters.key();
  auto kes = parse_search_query({{"currency", "KES"}, {"price_max", "5000000"}}, false).filters.key();
  EXPECT_NE(ugx, kes);
  EXPECT_NE(fingerprint(ugx), fingerprint(kes));
  EXPECT_NE(ugx, parse_search_query({{"currency", "UGX"}}, false).filters.key());
  // Sort, limit and cursor are not filters.
  EXPECT_EQ(parse_search_query({{"limit", "5"}, {"sort", "price_asc"}}, false).filters.key(),
            parse_search_query({}, false).filters.key());
}

TEST(MineQuery, StatusLimitCursor) {
  auto q = parse_mine_query({{"status", "draft"}, {"limit", "5"}});
  EXPECT_EQ(q.status, Status::Draft);
  EXPECT_EQ(q.limit, 5);
  EXPECT_TRUE(names_field(error_of([] { parse_mine_query({{"status", "nope"}}); }), "status"));
  EXPECT_TRUE(names_field(error_of([] { parse_mine_query({{"cursor", "nope"}}); }), "cursor"));
  SearchCursor c{Sort::Newest, 1, kId, fingerprint(q.key())};
  EXPECT_TRUE(parse_mine_query({{"status", "draft"}, {"cursor", encode_cursor(c)}}).after);
  EXPECT_TRUE(names_field(error_of([&] { parse_mine_query({{"cursor", encode_cursor(c)}}); }), "cursor"));
}

TEST(Haversine, KnownDistances) {
  // Kampala to Jinja is about 72 km as the crow flies; Nairobi to Mombasa about 440 km.
  EXPECT_NEAR(haversine_m({0.3476, 32.5825}, {0.4479, 33.2026}) / 1000, 69.9, 1.0);
  EXPECT_NEAR(haversine_m({-1.2921, 36.8219}, {-4.0435, 39.6682}) / 1000, 439.6, 2.0);
  EXPECT_DOUBLE_EQ(haversine_m({1, 1}, {1, 1}), 0.0);
}
