// Marketplace search: text with typo tolerance, every filter, facets, sorts, keyset pages
// (complete and stable while rows are inserted), staff-only status filter, bad parameters.
#include <algorithm>
#include <map>
#include <set>

#include "fixture.hpp"

std::vector<rto::db::Migration> embedded_migrations();

using namespace it;

namespace {

// A second instance on the test database with 10-minute caches, like a replica.
struct CachingReplica {
  vehicle_service::VehicleConfig config = caching_config();
  rto::Service service{config.common};
  std::shared_ptr<vehicle_service::App> app = install_on(service, config);

  static vehicle_service::VehicleConfig caching_config() {
    auto c = test_config(world().db->url(), world().image_dir);
    c.search_cache_ttl = std::chrono::minutes(10);
    c.facet_cache_ttl = std::chrono::minutes(10);
    return c;
  }
  static std::shared_ptr<vehicle_service::App> install_on(rto::Service& s, const vehicle_service::VehicleConfig& c) {
    vehicle_service::InstallOptions opts;
    opts.background_jobs = false;
    opts.consume_events = false;
    return vehicle_service::install(s, c, world().clock, embedded_migrations(), opts);
  }
};

js::object at_town(const std::string& town, double lat = 0.3476, double lon = 32.5825) {
  return js::object{{"city", town}, {"branch", "Main"}, {"latitude", lat}, {"longitude", lon}};
}

js::object price(std::int64_t amount, const char* currency = "UGX") {
  return js::object{{"amount", amount}, {"currency", currency}};
}

std::vector<std::string> ids(const Reply& r) {
  std::vector<std::string> out;
  for (const auto& v : r.json.at("items").as_array()) out.push_back(text(v.at("id")));
  return out;
}

std::set<std::string> id_set(const Reply& r) {
  auto v = ids(r);
  return {v.begin(), v.end()};
}

Reply search(const std::string& query, const std::string& token = "") {
  auto r = get("/api/v1/vehicles?" + query, token);
  EXPECT_TRUE(r.status == 200 || r.status >= 400) << r.body;
  return r;
}

std::map<std::string, std::int64_t> facet(const Reply& r, const char* name) {
  std::map<std::string, std::int64_t> out;
  for (const auto& kv : r.json.at("facets").at(name).as_object()) out[std::string(kv.key())] = kv.value().as_int64();
  return out;
}

// Follows next_cursor to the end; calls `between` after the first page.
std::vector<std::string> all_pages(const std::string& query, const std::function<void()>& between = {},
                                   int* pages_out = nullptr) {
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  for (;;) {
    auto r = search(query + (cursor.empty() ? "" : "&cursor=" + cursor));
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) break;
    ++pages;
    auto page = ids(r);
    seen.insert(seen.end(), page.begin(), page.end());
    if (pages == 1 && between) between();
    if (r.json.at("next_cursor").is_null()) break;
    cursor = text(r.json.at("next_cursor"));
    if (pages > 50) break;
  }
  if (pages_out) *pages_out = pages;
  return seen;
}

}  // namespace

TEST(Search, IsPublicAndDefaultsToAvailableListings) {
  auto d = dealer();
  auto town = unique_word("Town");
  auto listed = create_available(d, {{"location", at_town(town)}});
  create_draft(d, {{"location", at_town(town)}});
  auto r = search("city=" + town);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids(r), std::vector<std::string>{listed});
  const auto& item = r.json.at("items").as_array()[0].as_object();
  EXPECT_EQ(item.at("price").at("amount").as_int64(), 5400000);
  EXPECT_EQ(text(item.at("price").at("currency")), "UGX");
  EXPECT_FALSE(item.contains("vin"));
  EXPECT_FALSE(item.contains("distance_km"));
  EXPECT_TRUE(r.json.at("next_cursor").is_null());
  EXPECT_EQ(text(r.json.at("sort")), "newest");
}

TEST(Search, TextFindsMakeModelAndDescriptionAndToleratesTypos) {
  auto d = dealer();
  auto town = unique_word("Town");
  auto boxer = create_available(d, {{"location", at_town(town)}});
  auto tvs = create_available(d, {{"location", at_town(town)}, {"make", "TVS"}, {"model", "HLX 125"}, {"engine_cc", 124},
                                  {"description", "Low fuel consumption, new tyres"}});
  auto probox = create_available(d, {{"location", at_town(town)}, {"category", "car"}, {"make", "Toyota"},
                                     {"model", "Probox"}, {"engine_cc", 1496}, {"price", price(24000000)}});
  auto first = [&](const std::string& q) {
    auto r = search("city=" + town + "&q=" + q);
    EXPECT_EQ(r.status, 200) << r.body;
    auto v = ids(r);
    return v.empty() ? std::string("<none>") : v.front();
  };
  EXPECT_EQ(first("bajaj%20boxer"), boxer);
  EXPECT_EQ(first("bajaj%20boxr"), boxer);   // the example
  EXPECT_EQ(first("Bajaj%20Boxr"), boxer);   // case does not matter
  EXPECT_EQ(first("boxr"), boxer);           // one mistyped word
  EXPECT_EQ(first("toyta%20probox"), probox);
  EXPECT_EQ(first("probx"), probox);
  EXPECT_EQ(first("hlx"), tvs);
  EXPECT_EQ(first("tyres"), tvs);            // description, stemmed ("tyre")
  auto none = search("city=" + town + "&q=helicopter");
  EXPECT_TRUE(ids(none).empty());
  // Relevance is the default order with text; the best match comes first.
  auto r = search("city=" + town + "&q=bajaj%20boxr");
  EXPECT_EQ(text(r.json.at("sort")), "relevance");
}

TEST(Search, EveryFilter) {
  auto d = dealer();
  auto other_dealer = dealer();
  auto town = unique_word("Town");
  auto boxer = create_available(d, {{"location", at_town(town)}, {"year", 2019}, {"price", price(4000000)}});
  auto hlx = create_available(d, {{"location", at_town(town)}, {"make", "TVS"}, {"model", "HLX 125"}, {"engine_cc", 124},
                                  {"year", 2024}, {"condition", "new"}, {"mileage_km", 10}, {"price", price(4900000)}});
  auto roam = create_available(other_dealer, {{"location", at_town(town)}, {"category", "e-motorcycle"},
                                              {"make", "Roam"}, {"model", "Air"}, {"fuel", "electric"},
                                              {"engine_cc", nullptr}, {"battery_kwh", 3.1}, {"year", 2023},
                                              {"price", price(20000000, "KES")}});
  auto hiace = create_available(d, {{"location", at_town(town)}, {"category", "van-pickup"}, {"make", "Toyota"},
                                    {"model", "Hiace"}, {"fuel", "diesel"}, {"engine_cc", 2982}, {"year", 2012},
                                    {"price", price(85000000)}});
  auto q = [&](const std::string& filters) { return id_set(search("city=" + town + "&" + filters)); };
  using S = std::set<std::string>;
  EXPECT_EQ(q("category=motorcycle"), (S{boxer, hlx}));
  EXPECT_EQ(q("category=e-motorcycle"), (S{roam}));
  EXPECT_EQ(q("make=toyota"), (S{hiace}));
  EXPECT_EQ(q("make=TVS"), (S{hlx}));
  EXPECT_EQ(q("fuel=electric"), (S{roam}));
  EXPECT_EQ(q("fuel=diesel"), (S{hiace}));
  EXPECT_EQ(q("condition=new"), (S{hlx}));
  EXPECT_EQ(q("condition=used"), (S{boxer, roam, hiace}));
  EXPECT_EQ(q("currency=KES"), (S{roam}));
  EXPECT_EQ(q("currency=UGX&price_min=4500000"), (S{hlx, hiace}));
  EXPECT_EQ(q("currency=UGX&price_max=4900000"), (S{boxer, hlx}));
  EXPECT_EQ(q("currency=UGX&price_min=4000000&price_max=4000000"), (S{boxer}));
  EXPECT_EQ(q("year_min=2020"), (S{hlx, roam}));
  EXPECT_EQ(q("year_max=2019"), (S{boxer, hiace}));
  EXPECT_EQ(q("year_min=2013&year_max=2023"), (S{boxer, roam}));
  EXPECT_EQ(q("dealer_id=" + other_dealer.id), (S{roam}));
  EXPECT_EQ(q("category=motorcycle&make=bajaj&fuel=petrol&condition=used"), (S{boxer}));
  EXPECT_EQ(id_set(search("city=" + town.substr(0, 3) + "x")), S{});  // city is exact (case-insensitive)
  auto upper = town;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  EXPECT_EQ(id_set(search("city=" + upper)).size(), 4u);
}

TEST(Search, PriceBoundsFilterWithinTheirCurrency) {
  auto d = dealer();
  auto town = unique_word("Town");
  // The same amount in two currencies: only the bound's currency decides which one matches.
  auto ugx = create_available(d, {{"location", at_town(town)}, {"price", price(5000000, "UGX")}});
  auto kes = create_available(d, {{"location", at_town(town)}, {"price", price(5000000, "KES")}});
  using S = std::set<std::string>;
  EXPECT_EQ(id_set(search("city=" + town + "&currency=UGX&price_max=5000000")), (S{ugx}));
  EXPECT_EQ(id_set(search("city=" + town + "&currency=KES&price_max=5000000")), (S{kes}));
  EXPECT_EQ(id_set(search("city=" + town + "&currency=UGX&price_min=5000000&price_max=5000000")), (S{ugx}));
  EXPECT_EQ(id_set(search("city=" + town + "&currency=UGX&price_max=4999999")), S{});
  EXPECT_EQ(id_set(search("city=" + town + "&currency=KES")), (S{kes}));
  EXPECT_EQ(id_set(search("city=" + town)), (S{ugx, kes}));  // no currency, no bounds: both

  // Facets follow the currency too (they are cached per filter set, currency included).
  auto fu = search("city=" + town + "&currency=UGX&price_max=5000000");
  auto fk = search("city=" + town + "&currency=KES&price_max=5000000");
  EXPECT_EQ(facet(fu, "city").at(town), 1);
  EXPECT_EQ(facet(fk, "city").at(town), 1);
  EXPECT_EQ(facet(search("city=" + town), "city").at(town), 2);

  // A cursor of the UGX search does not page the KES one.
  auto more = create_available(d, {{"location", at_town(town)}, {"price", price(6000000, "UGX")}});
  auto page = search("city=" + town + "&currency=UGX&price_max=9000000&sort=price_asc&limit=1");
  ASSERT_FALSE(page.json.at("next_cursor").is_null()) << page.body;
  const auto cursor = text(page.json.at("next_cursor"));
  auto next = search("city=" + town + "&currency=UGX&price_max=9000000&sort=price_asc&limit=1&cursor=" + cursor);
  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_EQ(ids(next), std::vector<std::string>{more});
  auto cross = search("city=" + town + "&currency=KES&price_max=9000000&sort=price_asc&limit=1&cursor=" + cursor);
  EXPECT_EQ(cross.status, 400);
  EXPECT_TRUE(cross.names_field("cursor"));

  // Bounds without a currency are refused: amounts in different currencies do not compare.
  for (const char* query : {"price_max=5000000", "price_min=1", "price_min=1&price_max=5000000"}) {
    auto r = search("city=" + town + "&" + query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
    EXPECT_TRUE(r.names_field("currency")) << r.body;
    EXPECT_NE(r.body.find("price bounds need a currency"), std::string::npos) << r.body;
  }
  auto lower = search("city=" + town + "&currency=ugx&price_max=5000000");
  EXPECT_EQ(lower.status, 400);
  EXPECT_TRUE(lower.names_field("currency"));
}

TEST(Search, CachedResultsNeverMixCurrencies) {
  // With long-lived caches, a UGX answer is never served for the same bounds in KES.
  CachingReplica cached;
  auto& replica = cached.service;
  auto d = dealer();
  auto town = unique_word("Town");
  auto ugx = create_available(d, {{"location", at_town(town)}, {"price", price(3000000, "UGX")}});
  auto kes = create_available(d, {{"location", at_town(town)}, {"price", price(3000000, "KES")}});
  auto on_replica = [&](const std::string& currency) {
    auto r = call_on(replica, Method::Get, "/api/v1/vehicles?city=" + town + "&currency=" + currency + "&price_max=3000000");
    EXPECT_EQ(r.status, 200) << r.body;
    return ids(r);
  };
  EXPECT_EQ(on_replica("UGX"), std::vector<std::string>{ugx});
  EXPECT_EQ(on_replica("KES"), std::vector<std::string>{kes});
  EXPECT_EQ(on_replica("UGX"), std::vector<std::string>{ugx});  // from the cache
}

TEST(Search, NearComputesDistanceFiltersByRadiusAndSortsNearestFirst) {
  auto d = dealer();
  auto town = unique_word("Town");
  // Around a point of its own: 0 km, ~11 km and ~56 km north of it.
  const double lat = -10.0, lon = 20.0;
  auto here = create_available(d, {{"location", at_town(town, lat, lon)}});
  auto near = create_available(d, {{"location", at_town(town, lat + 0.1, lon)}});
  auto far = create_available(d, {{"location", at_town(town, lat + 0.5, lon)}});
  auto r = search("city=" + town + "&near=-10.0,20.0&sort=nearest");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids(r), (std::vector<std::string>{here, near, far}));
  const auto& items = r.json.at("items").as_array();
  EXPECT_DOUBLE_EQ(items[0].at("distance_km").as_double(), 0.0);
  EXPECT_NEAR(items[1].at("distance_km").as_double(), 11.1, 0.1);
  EXPECT_NEAR(items[2].at("distance_km").as_double(), 55.6, 0.1);
  EXPECT_EQ(id_set(search("city=" + town + "&near=-10.0,20.0&radius_km=20")), (std::set<std::string>{here, near}));
  EXPECT_EQ(id_set(search("city=" + town + "&near=-10.0,20.0&radius_km=5")), (std::set<std::string>{here}));
  // Keyset pages over distance.
  int pages = 0;
  auto all = all_pages("city=" + town + "&near=-10.0,20.0&sort=nearest&limit=1", {}, &pages);
  EXPECT_EQ(all, (std::vector<std::string>{here, near, far}));
  EXPECT_EQ(pages, 3);
  auto bad = search("sort=nearest");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(bad.names_field("sort"));
}

TEST(Search, FacetsCountTheFilteredSet) {
  auto d = dealer();
  auto town = unique_word("Town");
  for (int i = 0; i < 3; ++i) create_available(d, {{"location", at_town(town)}});
  create_available(d, {{"location", at_town(town)}, {"make", "TVS"}, {"model", "HLX 125"}, {"engine_cc", 124}});
  create_available(d, {{"location", at_town(town)}, {"category", "e-bike"}, {"make", "Phoenix"}, {"model", "E-Cargo"},
                       {"fuel", "electric"}, {"engine_cc", nullptr}, {"battery_kwh", 0.48}});
  auto r = search("city=" + town);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(facet(r, "category"), (std::map<std::string, std::int64_t>{{"motorcycle", 4}, {"e-bike", 1}}));
  EXPECT_EQ(facet(r, "make"), (std::map<std::string, std::int64_t>{{"Bajaj", 3}, {"TVS", 1}, {"Phoenix", 1}}));
  EXPECT_EQ(facet(r, "city"), (std::map<std::string, std::int64_t>{{town, 5}}));
  EXPECT_EQ(facet(r, "fuel"), (std::map<std::string, std::int64_t>{{"petrol", 4}, {"electric", 1}}));
  // Largest first.
  EXPECT_EQ(r.json.at("facets").at("make").as_object().begin()->key(), "Bajaj");
  // With another filter, the facets follow it.
  auto moto = search("city=" + town + "&category=motorcycle");
  EXPECT_EQ(facet(moto, "category"), (std::map<std::string, std::int64_t>{{"motorcycle", 4}}));
  EXPECT_EQ(facet(moto, "fuel"), (std::map<std::string, std::int64_t>{{"petrol", 4}}));
  // A change is visible at once, although facets are cached.
  create_available(d, {{"location", at_town(town)}});
  EXPECT_EQ(facet(search("city=" + town), "make").at("Bajaj"), 4);
}

TEST(Search, KeysetPagesHaveNoGapsOrDuplicatesEvenWithInsertsBetweenPages) {
  auto d = dealer();
  auto town = unique_word("Town");
  std::vector<std::string> created;
  // Prices with ties, so that the id breaks them; created at a few different times.
  const std::int64_t prices[] = {3000000, 4000000, 4000000, 4000000, 5000000, 6000000, 6000000, 7000000};
  for (std::size_t i = 0; i < std::size(prices); ++i) {
    if (i % 3 == 0) world().clock->advance(std::chrono::seconds(1));
    created.push_back(create_available(d, {{"location", at_town(town)}, {"price", price(prices[i])}}));
  }
  for (const char* sort : {"price_asc", "price_desc", "newest"}) {
    const std::set<std::string> expected(created.begin(), created.end());
    std::vector<std::string> late;
    int pages = 0;
    auto seen = all_pages("city=" + town + "&limit=3&sort=" + sort, [&] {
      // New listings at both ends of every order appear while the client pages.
      world().clock->advance(std::chrono::seconds(1));
      late.push_back(create_available(d, {{"location", at_town(town)}, {"price", price(1000000)}}));
      late.push_back(create_available(d, {{"location", at_town(town)}, {"price", price(9000000)}}));
    }, &pages);
    std::set<std::string> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << sort << ": a row came twice";
    for (const auto& id : expected) EXPECT_TRUE(unique.count(id)) << sort << ": a row went missing";
    for (const auto& id : unique)
      EXPECT_TRUE(expected.count(id) || std::find(late.begin(), late.end(), id) != late.end());
    // The order is the database's order for that sort.
    auto c = raw_db();
    pqxx::read_transaction tx(c);
    std::string order = std::string(sort) == "price_asc"    ? "price_amount ASC, id ASC"
                        : std::string(sort) == "price_desc" ? "price_amount DESC, id DESC"
                                                            : "created_at DESC, id DESC";
    std::vector<std::string> db_order;
    for (const auto& row : tx.exec_params("SELECT id::text FROM vehicles WHERE lower(city) = lower($1) AND status = "
                                          "'available' ORDER BY " + order, town)) {
      auto id = row[0].as<std::string>();
      if (unique.count(id)) db_order.push_back(id);
    }
    EXPECT_EQ(seen, db_order) << sort;
    for (const auto& id : late) created.push_back(id);
  }
}

TEST(Search, LimitAndCursorBoundaries) {
  auto d = dealer();
  auto town = unique_word("Town");
  for (int i = 0; i < 3; ++i) create_available(d, {{"location", at_town(town)}});
  auto r = search("city=" + town + "&limit=3");
  EXPECT_EQ(ids(r).size(), 3u);
  EXPECT_TRUE(r.json.at("next_cursor").is_null());  // exactly one full page: no empty page after it
  auto two = search("city=" + town + "&limit=2");
  ASSERT_FALSE(two.json.at("next_cursor").is_null());
  // The cursor belongs to its search: another filter refuses it.
  auto other = search("city=" + town + "&category=car&limit=2&cursor=" + text(two.json.at("next_cursor")));
  EXPECT_EQ(other.status, 400);
  EXPECT_TRUE(other.names_field("cursor"));
}

TEST(Search, StatusFilterIsForStaffOnly) {
  auto d = dealer();
  auto town = unique_word("Town");
  auto draft = create_draft(d, {{"location", at_town(town)}});
  auto anon = search("city=" + town + "&status=draft");
  EXPECT_EQ(anon.status, 403);
  EXPECT_TRUE(anon.names_field("status"));
  EXPECT_EQ(search("city=" + town + "&status=draft", customer().token).status, 403);
  EXPECT_EQ(search("city=" + town + "&status=draft", d.token).status, 403);
  auto staff = search("city=" + town + "&status=draft", actor({"credit_officer"}).token);
  ASSERT_EQ(staff.status, 200) << staff.body;
  EXPECT_EQ(ids(staff), std::vector<std::string>{draft});
}

TEST(Search, BadParametersNameThemselves) {
  struct Case {
    const char* query;
    const char* field;
  };
  for (auto [query, field] : std::initializer_list<Case>{{"currency=UGX&price_min=-1", "price_min"},
                                                         {"currency=UGX&price_max=-5", "price_max"},
                                                         {"currency=UGX&price_min=10&price_max=5", "price_min"},
                                                         {"price_max=5000000", "currency"},
                                                         {"price_min=1&price_max=5", "currency"},
                                                         {"currency=ugx", "currency"},
                                                         {"currency=US", "currency"},
                                                         {"currency=XYZ&price_max=5", "currency"},
                                                         {"sort=cheapest", "sort"},
                                                         {"cursor=garbage", "cursor"},
                                                         {"near=1000,0", "near"},
                                                         {"limit=101", "limit"},
                                                         {"limit=0", "limit"},
                                                         {"category=plane", "category"},
                                                         {"colour=red", "colour"}}) {
    auto r = search(query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_TRUE(r.names_field(field)) << query << " " << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
  }
}

TEST(Search, RelevancePagesRunAcrossModelsAndDescriptionMatches) {
  auto d = dealer();
  auto town = unique_word("Town");
  std::set<std::string> bajaj;
  for (int i = 0; i < 2; ++i) bajaj.insert(create_available(d, {{"location", at_town(town)}}));
  // Found by its model and by its description: listed once.
  bajaj.insert(create_available(d, {{"location", at_town(town)}, {"description", "Genuine Bajaj parts fitted"}}));
  bajaj.insert(create_available(d, {{"location", at_town(town)}, {"category", "tuk-tuk"}, {"model", "RE 4S"},
                                    {"engine_cc", 236}}));
  // Found only by its description.
  auto tvs = create_available(d, {{"location", at_town(town)}, {"make", "TVS"}, {"model", "King Deluxe"},
                                  {"category", "tuk-tuk"}, {"engine_cc", 199},
                                  {"description", "Cheaper to run than a Bajaj"}});
  create_available(d, {{"location", at_town(town)}, {"make", "Toyota"}, {"model", "Probox"}, {"category", "car"},
                       {"engine_cc", 1496}});
  int pages = 0;
  auto seen = all_pages("city=" + town + "&q=bajaj&limit=2", {}, &pages);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.begin() + 4), bajaj);  // the makes first
  EXPECT_EQ(seen[4], tvs);                                                  // then the description
  // Within a bucket the order is by id, descending.
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.begin() + 4, std::greater<>()));
  // The other orders accept text too.
  EXPECT_EQ(id_set(search("city=" + town + "&q=bajaj&sort=price_asc")).size(), 5u);
  auto facets = search("city=" + town + "&q=bajaj");
  EXPECT_EQ(facet(facets, "make"), (std::map<std::string, std::int64_t>{{"Bajaj", 4}, {"TVS", 1}}));
}

TEST(Search, CachedResultsFollowThisInstancesChangesAtOnce) {
  CachingReplica cached;
  auto& replica = cached.service;
  auto d = dealer();
  auto town = unique_word("Town");
  create_available(d, {{"location", at_town(town)}});
  auto count = [&] {
    auto r = call_on(replica, Method::Get, "/api/v1/vehicles?city=" + town);
    EXPECT_EQ(r.status, 200) << r.body;
    return std::pair{r.json.at("items").as_array().size(), facet(r, "city").at(town)};
  };
  EXPECT_EQ(count(), (std::pair<std::size_t, std::int64_t>{1, 1}));
  // A change made elsewhere shows when the cached result expires...
  create_available(d, {{"location", at_town(town)}});
  EXPECT_EQ(count(), (std::pair<std::size_t, std::int64_t>{1, 1}));
  // ...a change made through this instance at once (with the other one).
  auto created = call_on(replica, Method::Post, "/api/v1/vehicles", js::serialize(listing({{"location", at_town(town)}})),
                         d.token);
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_EQ(call_on(replica, Method::Post, "/api/v1/vehicles/" + created.str("id") + "/images", tiny_png(), d.token,
                    {{"Content-Type", "image/png"}}).status,
            201);
  ASSERT_EQ(call_on(replica, Method::Post, "/api/v1/vehicles/" + created.str("id") + "/submit", "{}", d.token).status, 200);
  ASSERT_EQ(call_on(replica, Method::Post, "/api/v1/vehicles/" + created.str("id") + "/approve", "{}", admin().token).status,
            200);
  EXPECT_EQ(count(), (std::pair<std::size_t, std::int64_t>{3, 3}));
}
