#include "app.hpp"

#include <rto/errors.hpp>
#include <rto/log.hpp>

#include "storage/queries.hpp"

namespace vehicle_service {
namespace js = boost::json;

namespace {

// A vehicle no plan holds: back on the market, in the workshop, retired or not yet listed.
void clear_holding(Vehicle& v) {
  v.plan_id.reset();
  v.customer_id.reset();
  v.reservation_expires_at.reset();
}

Holding holding_of(const Vehicle& v) { return {v.status, v.plan_id, v.customer_id, v.owner_id}; }

js::object facet_json(const std::vector<std::pair<std::string, std::int64_t>>& counts) {
  js::object o;
  o.reserve(counts.size());
  for (const auto& [value, n] : counts) o[value] = n;
  return o;
}

}  // namespace

App::App(rto::db::Pool& db, std::shared_ptr<const rto::Clock> clock, VehicleConfig cfg,
         std::shared_ptr<ImageStorage> images)
    : db_(db),
      clock_(std::move(clock)),
      cfg_(std::move(cfg)),
      images_(std::move(images)),
      facet_cache_(cfg_.facet_cache_ttl),
      search_cache_(cfg_.search_cache_ttl) {}

Vehicle App::load_locked(pqxx::transaction_base& tx, const std::string& id) {
  auto v = storage::lock_vehicle(tx, id);
  if (!v) throw rto::NotFound("no vehicle with this id");
  return *v;
}

void App::record(pqxx::transaction_base& tx, const Vehicle& before, const Vehicle& after, Cause cause,
                 std::string_view reason, std::string_view actor, TimePoint now) {
  // The customer involved: the one the plan names after the change, or, when a reservation
  // ends, the one it named before.
  const bool ending = cause == Cause::Release || cause == Cause::Expire;
  const auto& customer = ending ? before.customer_id : after.customer_id;
  const auto& plan = ending ? before.plan_id : after.plan_id;
  storage::HistoryEntry h;
  h.vehicle_id = before.id;
  h.old_status = before.status;
  h.new_status = after.status;
  h.reason = std::string(reason);
  h.actor = std::string(actor);
  h.plan_id = plan;
  h.customer_id = customer;
  h.at = now;
  storage::insert_history(tx, h);
  rto::events::enqueue(tx, source(),
                       {"vehicle.status.changed", before.id, status_changed_data(before, after.status, reason, customer, plan)});
  rto::log::info("vehicle status changed", {{"vehicle_id", before.id},
                                            {"old_status", to_string(before.status)},
                                            {"new_status", to_string(after.status)},
                                            {"cause", to_string(cause)}});
}

Vehicle App::change_status(pqxx::transaction_base& tx, const Vehicle& before, Vehicle after, Cause cause,
                           std::string_view reason, std::string_view actor) {
  require_transition(before.status, after.status, cause);
  auto now = this->now();
  after.updated_at = now;
  if (after.status == Status::Available && !after.published_at) after.published_at = now;
  storage::write_status(tx, after, now);
  record(tx, before, after, cause, reason, actor, now);
  return after;
}

// ---- plan operations ----------------------------------------------------------------------------

Vehicle App::reserve(pqxx::transaction_base& tx, const std::string& id, const ReserveRequest& r,
                     std::string_view actor) {
  const auto now = this->now();
  const auto expires = now + std::chrono::seconds(r.ttl_seconds);
  // The conditional UPDATE decides races: of two concurrent reservations exactly one finds the
  // vehicle still available.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (auto after = storage::reserve_if_available(tx, id, r.plan_id, r.customer_id, expires, now)) {
      Vehicle before = *after;
      before.status = Status::Available;
      clear_holding(before);
      record(tx, before, *after, Cause::Reserve, "reserved for a payment plan", actor, now);
      return *after;
    }
    auto current = load_locked(tx, id);
    if (decide_reserve(holding_of(current), r.plan_id) == Outcome::AlreadyDone) return current;
    // Available again since the UPDATE looked (released in between): try once more, under the lock.
  }
  throw rto::Conflict("the vehicle could not be reserved; try again");
}

Vehicle App::release(pqxx::transaction_base& tx, const std::string& id, const std::string& plan_id,
                     std::string_view reason, std::string_view actor) {
  auto before = load_locked(tx, id);
  if (decide_release(holding_of(before), plan_id) == Outcome::AlreadyDone) return before;
  Vehicle after = before;
  after.status = Status::Available;
  clear_holding(after);
  return change_status(tx, before, std::move(after), Cause::Release, reason, actor);
}

Vehicle App::lease(pqxx::transaction_base& tx, const std::string& id, const std::string& plan_id,
                   std::string_view actor) {
  auto before = load_locked(tx, id);
  if (decide_lease(holding_of(before), plan_id) == Outcome::AlreadyDone) return before;
  Vehicle after = before;
  after.status = Status::Leased;
  after.reservation_expires_at.reset();
  return change_status(tx, before, std::move(after), Cause::Lease, "payment plan active", actor);
}

Vehicle App::transfer(pqxx::transaction_base& tx, const std::string& id, const std::string& plan_id,
                      const std::string& customer_id, std::string_view actor) {
  auto before = load_locked(tx, id);
  if (decide_transfer(holding_of(before), plan_id, customer_id) == Outcome::AlreadyDone) return before;
  Vehicle after = before;
  after.status = Status::Owned;
  after.owner_id = customer_id;
  after.customer_id = customer_id;
  return change_status(tx, before, std::move(after), Cause::Transfer, "paid off; ownership transferred", actor);
}

Vehicle App::repossess(pqxx::transaction_base& tx, const std::string& id, const std::string& plan_id,
                       std::string_view reason, std::string_view actor) {
  auto before = load_locked(tx, id);
  if (decide_repossess(holding_of(before), plan_id) == Outcome::AlreadyDone) return before;
  Vehicle after = before;
  after.status = Status::Repossessed;
  return change_status(tx, before, std::move(after), Cause::Repossess, reason, actor);
}

int App::expire_reservations() {
  constexpr int kBatch = 100;
  int total = 0;
  for (;;) {
    int n = db_.transact([&](pqxx::work& tx) {
      auto due = storage::due_reservations(tx, now(), kBatch);
      for (const auto& v : due) {
        Vehicle after = v;
        after.status = Status::Available;
        clear_holding(after);
        change_status(tx, v, std::move(after), Cause::Expire, "reservation expired", "system");
      }
      return static_cast<int>(due.size());
    });
    total += n;
    if (n < kBatch) break;
  }
  if (total > 0) {
    changed();
    rto::log::info("expired reservations released", {{"count", total}});
  }
  return total;
}

// ---- search -------------------------------------------------------------------------------------

std::string App::build_search(const SearchQuery& q, std::uint64_t generation) {
  auto page = db_.query([&](pqxx::nontransaction& tx) { return storage::search(tx, q); });
  auto facets = facet_cache_.get(std::to_string(generation) + '#' + q.filters.key(), [&] {
    return db_.query([&](pqxx::nontransaction& tx) { return storage::facets(tx, q.filters); });
  });
  js::array items;
  items.reserve(page.items.size());
  for (const auto& hit : page.items) items.push_back(item_json(hit.vehicle, hit.distance_m));
  js::object body;
  body.reserve(5);
  body["items"] = std::move(items);
  body["next_cursor"] = page.next ? js::value(encode_cursor(*page.next)) : js::value(nullptr);
  body["sort"] = to_string(q.sort);
  body["limit"] = q.limit;
  body["facets"] = js::object{{"category", facet_json(facets->category)},
                              {"make", facet_json(facets->make)},
                              {"city", facet_json(facets->city)},
                              {"fuel", facet_json(facets->fuel)}};
  return js::serialize(body);
}

std::shared_ptr<const std::string> App::search(const SearchQuery& q) {
  const auto generation = generation_.load(std::memory_order_relaxed);
  if (search_cache_.ttl().count() <= 0) return std::make_shared<const std::string>(build_search(q, generation));
  std::string key = std::to_string(generation) + '#' + q.filters.key() + "|sort=" + std::string(to_string(q.sort)) +
                    "|limit=" + std::to_string(q.limit) + "|after=" + (q.after ? encode_cursor(*q.after) : "");
  return search_cache_.get(key, [&] { return build_search(q, generation); });
}

}  // namespace vehicle_service
