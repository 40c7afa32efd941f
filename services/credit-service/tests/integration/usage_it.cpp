// Vehicle usage from the telematics service's telematics.usage.daily: through RabbitMQ into the
// consumer's transaction, one row per vehicle and day, corrected by later events; and the
// summary beside a customer's application in the credit officer's view.
#include <rto/crypto.hpp>
#include <thread>

#include "domain/usage.hpp"
#include "fixture.hpp"

using namespace it;
using namespace std::chrono_literals;
using credit_service::Day;

namespace {

template <typename Pred>
bool eventually(Pred p, std::chrono::milliseconds within = 15s) {
  auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if (p()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return p();
}

// The operator-local day the test clock is on, and n days before it.
Day today() { return world().config.zone.local_date(world().clock->now()); }
std::string date_before(int n) { return credit_service::format_date(credit_service::Date{today() - std::chrono::days(n)}); }

struct DayFigures {
  std::int64_t distance_m = 0, engine_seconds = 0, moving_seconds = 0, trips = 0;
  bool active = false;
};

js::object usage(const std::string& customer, const std::string& vehicle, const std::string& date, DayFigures f) {
  return {{"vehicle_id", vehicle},
          {"tracker_id", rto::crypto::uuid_v4()},
          {"plan_id", rto::crypto::uuid_v4()},
          {"customer_id", customer.empty() ? js::value(nullptr) : js::value(customer)},
          {"date", date},
          {"distance_m", f.distance_m},
          {"engine_seconds", f.engine_seconds},
          {"moving_seconds", f.moving_seconds},
          {"trips", f.trips},
          {"active", f.active}};
}

struct Stored {
  bool found = false;
  std::string customer_id, event_id;
  std::int64_t distance_m = -1, engine_seconds = -1, trips = -1;
  bool active = false;
};

Stored stored(const std::string& vehicle, const std::string& date) {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  auto r = tx.exec_params(
      "SELECT customer_id::text, event_id, distance_m, engine_seconds, trips, active FROM vehicle_usage_daily "
      "WHERE vehicle_id = $1::uuid AND usage_date = $2::date",
      vehicle, date);
  if (r.empty()) return {};
  return {true, r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<std::int64_t>(),
          r[0][3].as<std::int64_t>(), r[0][4].as<std::int64_t>(), r[0][5].as<bool>()};
}

std::int64_t rows_of(const std::string& vehicle) {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  return tx.exec_params1("SELECT count(*) FROM vehicle_usage_daily WHERE vehicle_id = $1::uuid", vehicle)[0]
      .as<std::int64_t>();
}

bool handled(const std::string& event_id) {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  return !tx.exec_params("SELECT 1 FROM processed_events WHERE event_id = $1", event_id).empty();
}

// Runs the consumer's handler in one transaction, as the consumer would (without its inbox).
void handle(const js::object& data, const std::string& time = rto::to_rfc3339(std::chrono::system_clock::now()),
            const std::string& id = rto::crypto::uuid_v4()) {
  rto::events::Received ev;
  ev.id = id;
  ev.type = "telematics.usage.daily";
  ev.source = "telematics-service";
  ev.time = time;
  ev.data = data;
  world().app->db().transact([&](pqxx::work& tx) { world().app->on_event(tx, ev); });
}

// Worked example 4 of the unit tests: score 591, grade D -> referred, so it waits in the queue.
js::object referred_body(const std::string& vehicle_id) {
  auto body = application_body(vehicle_id);
  body["months_in_work"] = 8;
  body["mobile_money"] =
      js::object{{"months_of_history", 6}, {"avg_monthly_inflow", 1'100'000}, {"avg_monthly_transactions", 20}};
  body["months_at_residence"] = 4;
  return body;
}

const js::object* factor(const js::object& decision, const std::string& code) {
  for (const auto& f : decision.at("breakdown").as_array())
    if (text(f.as_object().at("code")) == code) return &f.as_object();
  return nullptr;
}

const js::object* queue_item(const std::string& id, const std::string& token) {
  static js::value page;
  page = get("/api/v1/credit/review-queue?limit=100", token).json;
  for (const auto& i : page.as_object().at("items").as_array())
    if (text(i.as_object().at("id")) == id) return &i.as_object();
  return nullptr;
}

}  // namespace

TEST(Usage, EventsThroughTheBrokerAreStoredOnceAndCorrected) {
  start_consumer();
  const auto rider = customer().id;
  const auto v = rto::crypto::uuid_v4();
  const auto d = date_before(1);

  const auto first = rto::crypto::uuid_v4();
  publish(first, "telematics.usage.daily", usage(rider, v, d, {42'350, 10'800, 7'200, 6, true}));
  ASSERT_TRUE(eventually([&] { return stored(v, d).found; }));
  auto s = stored(v, d);
  EXPECT_EQ(s.customer_id, rider);
  EXPECT_EQ(s.event_id, first);
  EXPECT_EQ(s.distance_m, 42'350);
  EXPECT_EQ(s.engine_seconds, 10'800);
  EXPECT_EQ(s.trips, 6);
  EXPECT_TRUE(s.active);

  // The same event delivered again (here with other figures, to see it is not applied): the
  // platform's inbox knows its id. The event after it, on the same queue, shows it was handled.
  publish(first, "telematics.usage.daily", usage(rider, v, d, {1, 1, 1, 1, false}));
  const auto marker_vehicle = rto::crypto::uuid_v4();
  publish(rto::crypto::uuid_v4(), "telematics.usage.daily", usage(rider, marker_vehicle, d, {1'000, 60, 60, 1, true}));
  ASSERT_TRUE(eventually([&] { return stored(marker_vehicle, d).found; }));
  EXPECT_EQ(stored(v, d).distance_m, 42'350);
  EXPECT_EQ(stored(v, d).event_id, first);

  // A correction for the same vehicle and day replaces the figures.
  const auto correction = rto::crypto::uuid_v4();
  publish(correction, "telematics.usage.daily", usage(rider, v, d, {51'000, 12'600, 9'000, 7, true}));
  ASSERT_TRUE(eventually([&] { return stored(v, d).event_id == correction; }));
  s = stored(v, d);
  EXPECT_EQ(s.distance_m, 51'000);
  EXPECT_EQ(s.engine_seconds, 12'600);
  EXPECT_EQ(s.trips, 7);
  EXPECT_EQ(rows_of(v), 1);

  // A vehicle on no customer's plan, and data that cannot be read: handled (acknowledged, not
  // retried into the dead-letter queue) and nothing stored.
  const auto unplanned = rto::crypto::uuid_v4();
  const auto no_customer = rto::crypto::uuid_v4();
  publish(no_customer, "telematics.usage.daily", usage("", unplanned, d, {5'000, 600, 600, 1, true}));
  auto bad = usage(rider, unplanned, "2026-02-30", {5'000, 600, 600, 1, true});
  const auto malformed = rto::crypto::uuid_v4();
  publish(malformed, "telematics.usage.daily", bad);
  ASSERT_TRUE(eventually([&] { return handled(no_customer) && handled(malformed); }));
  EXPECT_EQ(rows_of(unplanned), 0);
  // The queue still flows after them.
  const auto after = rto::crypto::uuid_v4();
  publish(rto::crypto::uuid_v4(), "telematics.usage.daily", usage(rider, after, d, {2'000, 60, 60, 1, true}));
  EXPECT_TRUE(eventually([&] { return stored(after, d).found; }));
}

TEST(Usage, AnOlderEventDoesNotUndoACorrection) {
  const auto rider = customer().id;
  const auto v = rto::crypto::uuid_v4();
  const auto d = date_before(2);
  handle(usage(rider, v, d, {51'000, 12'600, 9'000, 7, true}), "2026-06-15T01:00:05.000Z", "correction");
  // The original, delivered late (a retry puts it behind the correction): older, so ignored.
  handle(usage(rider, v, d, {42'350, 10'800, 7'200, 6, true}), "2026-06-15T00:00:05.000Z", "original");
  EXPECT_EQ(stored(v, d).distance_m, 51'000);
  EXPECT_EQ(stored(v, d).event_id, "correction");
  // A correction naming another customer moves the day to them (the vehicle changed hands).
  const auto other = customer().id;
  handle(usage(other, v, d, {51'000, 12'600, 9'000, 7, true}), "2026-06-15T05:00:00+03:00", "reassigned");
  EXPECT_EQ(stored(v, d).event_id, "reassigned");
  EXPECT_EQ(stored(v, d).customer_id, other);
  EXPECT_EQ(rows_of(v), 1);
}

TEST(Usage, TheOfficerSeesTheCustomersUsageBesideTheApplication) {
  const auto officer = staff({"credit_officer"});
  const auto a = customer();
  const auto b = customer();
  const auto none = customer();
  const auto va = rto::crypto::uuid_v4(), va2 = rto::crypto::uuid_v4(), vb = rto::crypto::uuid_v4();

  // A's days: three in the window (one of them on two vehicles), one before it, one on the day
  // of the application (not finished, not in the window).
  handle(usage(a.id, va, date_before(90), {42'350, 10'800, 7'200, 6, true}));  // first day of the window
  handle(usage(a.id, va, date_before(30), {0, 0, 0, 0, false}));
  handle(usage(a.id, va2, date_before(30), {18'000, 3'600, 2'700, 2, true}));
  handle(usage(a.id, va, date_before(1), {120, 300, 60, 1, false}));
  handle(usage(a.id, va, date_before(91), {99'999, 9'999, 9'999, 9, true}));
  handle(usage(a.id, va, date_before(0), {99'999, 9'999, 9'999, 9, true}));
  // B's, which must not mix into A's.
  for (int i = 1; i <= 10; ++i) handle(usage(b.id, vb, date_before(i), {70'000, 25'000, 20'000, 14, true}));

  auto ra = apply(a, referred_body(vehicle()));
  ASSERT_EQ(ra.status, 201) << ra.body;
  ASSERT_EQ(ra.obj().at("status"), "referred") << ra.body;
  const auto id = text(ra.obj().at("id"));

  // The decision: the usage factor is in the breakdown at weight zero; the score is unchanged.
  const auto& d = ra.obj().at("decision").as_object();
  EXPECT_EQ(d.at("score"), 591);
  const auto* f = factor(d, "vehicle_usage");
  ASSERT_NE(f, nullptr) << ra.body;
  EXPECT_EQ(f->at("value"), 66);  // 2 active days of 3 with data
  EXPECT_EQ(f->at("bin"), "50% to 79%");
  EXPECT_EQ(f->at("points"), 0);
  // The customer's own view has the breakdown, not the usage summary.
  EXPECT_FALSE(ra.obj().contains("usage"));
  auto own = get("/api/v1/credit/applications/" + id, a.token);
  ASSERT_EQ(own.status, 200);
  EXPECT_FALSE(own.obj().contains("usage"));
  const auto mine = get("/api/v1/credit/applications/mine", a.token);
  for (const auto& item : mine.obj().at("items").as_array()) EXPECT_FALSE(item.as_object().contains("usage"));

  // The officer's view: A's usage only (see the unit test's worked summary for the figures).
  auto view = get("/api/v1/credit/applications/" + id, officer.token);
  ASSERT_EQ(view.status, 200) << view.body;
  ASSERT_TRUE(view.obj().contains("usage")) << view.body;
  const auto& u = view.obj().at("usage").as_object();
  EXPECT_EQ(u.at("window"), (js::object{{"from", date_before(90)}, {"to", date_before(1)}, {"days", 90}}));
  EXPECT_EQ(u.at("days_with_data"), 3);
  EXPECT_EQ(u.at("active_days"), 2);
  EXPECT_EQ(u.at("active_days_percent"), 66);
  EXPECT_EQ(u.at("vehicles"), 2);
  EXPECT_EQ(u.at("distance_m"), 60'470);
  EXPECT_DOUBLE_EQ(u.at("distance_km").as_double(), 60.5);
  EXPECT_DOUBLE_EQ(u.at("km_per_active_day").as_double(), 30.2);
  EXPECT_EQ(u.at("engine_seconds"), 14'700);
  EXPECT_DOUBLE_EQ(u.at("engine_hours").as_double(), 4.1);
  EXPECT_EQ(u.at("trips"), 9);
  EXPECT_EQ(text(u.at("first_date")), date_before(90));
  EXPECT_EQ(text(u.at("last_date")), date_before(1));
  // What the decision saw is kept in its audit record.
  EXPECT_EQ(view.obj().at("decision").as_object().at("audit").as_object().at("usage"), view.obj().at("usage"));

  // The review queue's item has the same summary.
  const auto* item = queue_item(id, officer.token);
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->at("usage"), view.obj().at("usage"));

  // B's application shows B's days only; a customer without usage shows null.
  auto rb = apply(b, referred_body(vehicle()));
  ASSERT_EQ(rb.status, 201) << rb.body;
  auto vb_view = get("/api/v1/credit/applications/" + text(rb.obj().at("id")), officer.token);
  const auto& ub = vb_view.obj().at("usage").as_object();
  EXPECT_EQ(ub.at("days_with_data"), 10);
  EXPECT_EQ(ub.at("active_days_percent"), 100);
  EXPECT_EQ(ub.at("distance_m"), 700'000);
  EXPECT_EQ(ub.at("vehicles"), 1);
  EXPECT_EQ(factor(rb.obj().at("decision").as_object(), "vehicle_usage")->at("value"), 100);
  EXPECT_EQ(rb.obj().at("decision").as_object().at("score"), 591);

  auto rn = apply(none, referred_body(vehicle()));
  ASSERT_EQ(rn.status, 201) << rn.body;
  auto none_view = get("/api/v1/credit/applications/" + text(rn.obj().at("id")), officer.token);
  ASSERT_TRUE(none_view.obj().contains("usage"));
  EXPECT_TRUE(none_view.obj().at("usage").is_null());
  EXPECT_TRUE(factor(rn.obj().at("decision").as_object(), "vehicle_usage")->at("value").is_null());
  const auto* none_item = queue_item(text(rn.obj().at("id")), officer.token);
  ASSERT_NE(none_item, nullptr);
  EXPECT_TRUE(none_item->at("usage").is_null());

  // A correction arriving after the application, for a day in its window, shows in the view;
  // the decision's audit keeps what it saw.
  handle(usage(a.id, va, date_before(1), {10'120, 3'900, 3'000, 3, true}),
         rto::to_rfc3339(std::chrono::system_clock::now() + 1s));
  view = get("/api/v1/credit/applications/" + id, officer.token);
  EXPECT_EQ(view.obj().at("usage").as_object().at("active_days"), 3);
  EXPECT_EQ(view.obj().at("usage").as_object().at("distance_m"), 70'470);
  EXPECT_EQ(view.obj().at("decision").as_object().at("audit").as_object().at("usage").as_object().at("active_days"),
            2);

  // The officer's decision answers with the staff view, usage included.
  auto decided = post("/api/v1/credit/applications/" + id + "/decision",
                      js::object{{"decision", "declined"}, {"note", "Vehicle idle most days; income not shown."}},
                      officer.token);
  ASSERT_EQ(decided.status, 200) << decided.body;
  EXPECT_EQ(decided.obj().at("usage"), view.obj().at("usage"));
}
