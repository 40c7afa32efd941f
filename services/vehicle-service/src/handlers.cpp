#include "handlers.hpp"

#include <rto/request_body.hpp>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/events.hpp>
#include <rto/json.hpp>
#include <rto/log.hpp>

#include "app.hpp"
#include "domain/image.hpp"
#include "domain/listing.hpp"
#include "domain/search_params.hpp"
#include "storage/storage.hpp"

namespace vehicle_service {
namespace js = boost::json;
using rto::http::Request;
using rto::http::Response;
using Tx = pqxx::transaction_base;

namespace {

constexpr const char* kImmutable = "public, max-age=31536000, immutable";

// The {id} (or another UUID parameter) of a path, or 404 for anything that is not a UUID.
std::string path_uuid(const Request& req, std::string_view name, const char* what) {
  auto id = canonical_uuid(req.param(name));
  if (!id) throw rto::NotFound(std::string("no ") + what + " with this id");
  return *id;
}
std::string vehicle_id(const Request& req) { return path_uuid(req, "id", "vehicle"); }

bool is_staff(const Request& req) { return req.identity && !req.identity->service && req.identity->is_staff(); }

Viewer viewer_of(const Request& req, const Vehicle& v) {
  if (is_staff(req)) return Viewer::Staff;
  if (req.identity && req.identity->subject == v.dealer_id) return Viewer::Dealer;
  return Viewer::Public;
}

// Who may see a listing: anyone while it is on the market (available, reserved, leased); its
// dealer and staff always; the owner once owned. Others get 404, as if it did not exist.
bool may_see(const Request& req, const Vehicle& v) {
  if (publicly_visible(v.status) || is_staff(req)) return true;
  if (!req.identity) return false;
  return req.identity->subject == v.dealer_id || (v.owner_id && req.identity->subject == *v.owner_id);
}

// Dealers manage their own listings; admins manage every listing.
void require_manager(const Request& req, const Vehicle& v) {
  const auto& who = req.user();
  if (who.has_role("admin")) return;
  if (who.has_role("dealer") && who.subject == v.dealer_id) return;
  throw rto::Forbidden("this listing belongs to another dealer");
}

// Images change only while the listing can still be edited.
void require_images_editable(const Vehicle& v) {
  if (!images_editable(v.status)) refuse(v.status, "have its images changed");
}

int max_model_year(TimePoint now) {
  auto days = std::chrono::floor<std::chrono::days>(now);
  return static_cast<int>(std::chrono::year_month_day(days).year()) + 1;
}

std::string actor_of(const Request& req) {
  if (!req.identity) return "anonymous";
  return req.identity->service ? "service:" + req.identity->subject : req.identity->subject;
}

Response vehicle_response(int status, const Vehicle& v, const std::vector<Image>& images, Viewer viewer) {
  return Response::json(status, vehicle_json(v, images, viewer));
}

Response images_response(const Vehicle& v, const std::vector<Image>& images) {
  js::array items;
  for (const auto& img : images) items.push_back(image_json(img, v.cover_image_id && *v.cover_image_id == img.id));
  return Response::json(js::object{{"items", std::move(items)}});
}

}  // namespace

// ---- public -------------------------------------------------------------------------------------

Response Handlers::categories(Request&) {
  auto cats = app_->db().query([](pqxx::nontransaction& tx) { return storage::categories(tx); });
  js::array items;
  for (const auto& c : cats)
    items.push_back(js::object{{"slug", c.slug}, {"name", js::object{{"en", c.name_en}, {"sw", c.name_sw}}}});
  return Response::json(js::object{{"items", std::move(items)}});
}

Response Handlers::search(Request& req) {
  auto q = parse_search_query(req.query, is_staff(req));
  auto body = app_->search(q);
  Response r;
  r.status = 200;
  r.headers.set("Content-Type", "application/json");
  r.body = *body;
  return r;
}

Response Handlers::get_vehicle(Request& req) {
  auto id = vehicle_id(req);
  auto found = app_->db().query([&](pqxx::nontransaction& tx) { return storage::find_vehicle_with_images(tx, id); });
  if (!found || !may_see(req, found->first)) throw rto::NotFound("no vehicle with this id");
  return vehicle_response(200, found->first, found->second, viewer_of(req, found->first));
}

Response Handlers::get_image(Request& req) {
  auto vid = vehicle_id(req);
  auto iid = path_uuid(req, "image_id", "image");
  auto found = app_->db().query([&](pqxx::nontransaction& tx) { return storage::image_for_serving(tx, vid, iid); });
  if (!found) throw rto::NotFound("no image with this id");
  const bool open = publicly_visible(found->status);
  if (!open) {
    const bool allowed = is_staff(req) || (req.identity && (req.identity->subject == found->dealer_id ||
                                                            (found->owner_id && req.identity->subject == *found->owner_id)));
    if (!allowed) throw rto::NotFound("no image with this id");
  }
  const auto etag = etag_of(found->image.sha256);
  Response r;
  r.headers.set("ETag", etag);
  // Image ids are never reused and their bytes never change, so listed images can be cached
  // for good; images of unlisted vehicles are revalidated every time.
  r.headers.set("Cache-Control", open ? kImmutable : "private, no-cache");
  if (auto inm = req.header("If-None-Match"); inm && etag_matches(*inm, etag)) {
    r.status = 304;
    return r;
  }
  auto bytes = app_->images().get(found->image.storage_key);
  if (!bytes) {
    rto::log::error("image bytes missing from storage", {{"image_id", iid}, {"vehicle_id", vid}});
    throw rto::NotFound("no image with this id");
  }
  r.status = 200;
  r.headers.set("Content-Type", found->image.content_type);
  r.body = std::move(*bytes);
  return r;
}

// ---- dealers and admins: listings -----------------------------------------------------------------

Response Handlers::mine(Request& req) {
  auto q = parse_mine_query(req.query);
  const auto& me = req.user().subject;
  auto page = app_->db().query([&](pqxx::nontransaction& tx) { return storage::list_mine(tx, me, q); });
  js::array items;
  for (const auto& v : page.items) {
    auto o = item_json(v, std::nullopt);
    o["rejection_reason"] = v.rejection_reason ? js::value(*v.rejection_reason) : js::value(nullptr);
    items.push_back(std::move(o));
  }
  return Response::json(js::object{{"items", std::move(items)},
                                   {"next_cursor", page.next ? js::value(encode_cursor(*page.next)) : js::value(nullptr)},
                                   {"limit", q.limit}});
}

Response Handlers::create(Request& req) {
  const auto now = app_->now();
  auto f = parse_listing_create(rto::http::json_body(req), max_model_year(now));
  const auto& who = req.user();
  std::string dealer = who.subject;
  if (f.dealer_id && *f.dealer_id != who.subject) {
    if (!who.has_role("admin")) throw rto::Forbidden("only an admin may list a vehicle for another dealer");
    dealer = *f.dealer_id;
  }
  if (!canonical_uuid(dealer)) throw rto::Forbidden("this account cannot own listings");
  auto v = new_listing(f, rto::crypto::uuid_v4(), dealer, now);
  check_consistency(v);
  app_->db().transact([&](pqxx::work& tx) { storage::insert_vehicle(tx, v); });
  rto::log::info("listing created", {{"vehicle_id", v.id}, {"dealer_id", v.dealer_id}});
  app_->changed();
  auto res = vehicle_response(201, v, {}, viewer_of(req, v));
  res.headers.set("Location", "/api/v1/vehicles/" + v.id);
  return res;
}

Response Handlers::update(Request& req) {
  auto id = vehicle_id(req);
  const auto now = app_->now();
  auto f = parse_listing_patch(rto::http::json_body(req), max_model_year(now));
  auto [v, images] = app_->db().transact([&](pqxx::work& tx) {
    auto before = storage::lock_vehicle(tx, id);
    if (!before) throw rto::NotFound("no vehicle with this id");
    require_manager(req, *before);
    check_edit(before->status, f);
    Vehicle after = *before;
    apply_patch(after, f);
    check_consistency(after);
    if (!f.empty()) {
      after.updated_at = now;
      storage::update_listing(tx, after, now);
      if (after.status == Status::Available && !(after.price == before->price))
        rto::events::enqueue(tx, app_->source(),
                             {"vehicle.listing.updated", after.id, listing_updated_data(after, before->price)});
    }
    return std::pair{after, storage::images_of(tx, id)};
  });
  app_->changed();
  return vehicle_response(200, v, images, viewer_of(req, v));
}

Response Handlers::submit(Request& req) {
  auto id = vehicle_id(req);
  auto [v, images] = app_->db().transact([&](pqxx::work& tx) {
    auto before = storage::lock_vehicle(tx, id);
    if (!before) throw rto::NotFound("no vehicle with this id");
    require_manager(req, *before);
    auto images = storage::images_of(tx, id);
    check_submit(before->status, images.size());
    Vehicle after = *before;
    after.status = Status::PendingReview;
    after.rejection_reason.reset();
    auto v = app_->change_status(tx, *before, std::move(after), Cause::Submit, "submitted for review", actor_of(req));
    return std::pair{v, std::move(images)};
  });
  app_->changed();
  return vehicle_response(200, v, images, viewer_of(req, v));
}

Response Handlers::history(Request& req) {
  auto id = vehicle_id(req);
  auto entries = app_->db().read([&](pqxx::read_transaction& tx) {
    auto v = storage::find_vehicle(tx, id);
    if (!v) throw rto::NotFound("no vehicle with this id");
    if (!is_staff(req) && req.user().subject != v->dealer_id) {
      if (may_see(req, *v)) throw rto::Forbidden("only the listing's dealer and staff see its history");
      throw rto::NotFound("no vehicle with this id");
    }
    return storage::history(tx, id);
  });
  const bool staff = is_staff(req);
  js::array items;
  for (const auto& h : entries) {
    js::object o{{"old_status", to_string(h.old_status)},
                 {"new_status", to_string(h.new_status)},
                 {"reason", h.reason},
                 {"at", rto::to_rfc3339(h.at)}};
    if (staff) {
      o["actor"] = h.actor;
      o["plan_id"] = h.plan_id ? js::value(*h.plan_id) : js::value(nullptr);
      o["customer_id"] = h.customer_id ? js::value(*h.customer_id) : js::value(nullptr);
    }
    items.push_back(std::move(o));
  }
  return Response::json(js::object{{"items", std::move(items)}});
}

// ---- images ---------------------------------------------------------------------------------------

Response Handlers::upload_image(Request& req) {
  auto id = vehicle_id(req);
  const auto img = accept_upload(id, req.header("Content-Type").value_or(""), req.body,
                                 app_->config().image_max_bytes, app_->now());
  bool stored = false;
  try {
    auto [v, images] = app_->db().transact([&](pqxx::work& tx) {
      auto vehicle = storage::lock_vehicle(tx, id);
      if (!vehicle) throw rto::NotFound("no vehicle with this id");
      require_manager(req, *vehicle);
      require_images_editable(*vehicle);
      if (storage::images_of(tx, id).size() >= static_cast<std::size_t>(kMaxImagesPerVehicle))
        throw rto::Conflict("a listing has at most " + std::to_string(kMaxImagesPerVehicle) + " images",
                            {{"images", "at most " + std::to_string(kMaxImagesPerVehicle)}})
            .with_code("too-many-images");
      stored = true;  // from here a failure removes the bytes (absent ones are fine)
      storage::add_image(tx, app_->images(), img, req.body);
      return std::pair{*storage::find_vehicle(tx, id), storage::images_of(tx, id)};
    });
    app_->changed();
    for (const auto& i : images) {
      if (i.id != img.id) continue;
      auto res = Response::json(201, image_json(i, v.cover_image_id && *v.cover_image_id == i.id));
      res.headers.set("Location", image_url(id, i.id));
      return res;
    }
    throw std::logic_error("uploaded image not found after insert");
  } catch (...) {
    if (stored) app_->images().remove(img.storage_key);  // the row was not committed
    throw;
  }
}

Response Handlers::delete_image(Request& req) {
  auto id = vehicle_id(req);
  auto iid = path_uuid(req, "image_id", "image");
  auto key = app_->db().transact([&](pqxx::work& tx) {
    auto v = storage::lock_vehicle(tx, id);
    if (!v) throw rto::NotFound("no vehicle with this id");
    require_manager(req, *v);
    require_images_editable(*v);
    auto k = storage::delete_image(tx, id, iid);
    if (!k) throw rto::NotFound("no image with this id");
    storage::refresh_cover(tx, id, app_->now());
    return *k;
  });
  app_->images().remove(key);  // after commit: a rolled-back delete keeps its file
  app_->changed();
  return Response::no_content();
}

namespace {
// Writes positions 0..n-1 in the given order and makes the first the cover.
void write_order(Tx& tx, const std::string& vehicle_id, const std::vector<std::string>& ids, TimePoint now) {
  for (std::size_t i = 0; i < ids.size(); ++i)
    storage::set_image_position(tx, vehicle_id, ids[i], static_cast<int>(i));
  storage::refresh_cover(tx, vehicle_id, now);
}
}  // namespace

Response Handlers::reorder_images(Request& req) {
  auto id = vehicle_id(req);
  auto body = rto::http::json_body(req);
  auto [v, images] = app_->db().transact([&](pqxx::work& tx) {
    auto v = storage::lock_vehicle(tx, id);
    if (!v) throw rto::NotFound("no vehicle with this id");
    require_manager(req, *v);
    require_images_editable(*v);
    std::vector<std::string> current;
    for (const auto& i : storage::images_of(tx, id)) current.push_back(i.id);
    auto order = parse_image_order(body, current);
    write_order(tx, id, order, app_->now());
    return std::pair{*storage::find_vehicle(tx, id), storage::images_of(tx, id)};
  });
  app_->changed();
  return images_response(v, images);
}

Response Handlers::set_cover(Request& req) {
  auto id = vehicle_id(req);
  auto iid = path_uuid(req, "image_id", "image");
  auto [v, images] = app_->db().transact([&](pqxx::work& tx) {
    auto v = storage::lock_vehicle(tx, id);
    if (!v) throw rto::NotFound("no vehicle with this id");
    require_manager(req, *v);
    require_images_editable(*v);
    std::vector<std::string> order{iid};
    bool found = false;
    for (const auto& i : storage::images_of(tx, id)) {
      if (i.id == iid)
        found = true;
      else
        order.push_back(i.id);
    }
    if (!found) throw rto::NotFound("no image with this id");
    write_order(tx, id, order, app_->now());
    return std::pair{*storage::find_vehicle(tx, id), storage::images_of(tx, id)};
  });
  app_->changed();
  return images_response(v, images);
}

// ---- admins and staff -----------------------------------------------------------------------------

Response Handlers::approve(Request& req) {
  auto id = vehicle_id(req);
  auto [v, images] = app_->db().transact([&](pqxx::work& tx) {
    auto before = storage::lock_vehicle(tx, id);
    if (!before) throw rto::NotFound("no vehicle with this id");
    Vehicle after = *before;
    after.status = Status::Available;
    after.rejection_reason.reset();
    auto v = app_->change_status(tx, *before, std::move(after), Cause::Approve, "approved", actor_of(req));
    return std::pair{v, storage::images_of(tx, id)};
  });
  app_->changed();
  return vehicle_response(200, v, images, viewer_of(req, v));
}

Response Handlers::reject(Request& req) {
  auto id = vehicle_id(req);
  auto reason = parse_reason(rto::http::json_body(req), true);
  auto [v, images] = app_->db().transact([&](pqxx::work& tx) {
    auto before = storage::lock_vehicle(tx, id);
    if (!before) throw rto::NotFound("no vehicle with this id");
    Vehicle after = *before;
    after.status = Status::Draft;
    after.rejection_reason = reason;
    auto v = app_->change_status(tx, *before, std::move(after), Cause::Reject, reason, actor_of(req));
    return std::pair{v, storage::images_of(tx, id)};
  });
  app_->changed();
  return vehicle_response(200, v, images, viewer_of(req, v));
}

Response Handlers::set_status(Request& req) {
  auto id = vehicle_id(req);
  auto in = parse_status_request(rto::http::json_body(req));
  auto [v, images] = app_->db().transact([&](pqxx::work& tx) {
    auto before = storage::lock_vehicle(tx, id);
    if (!before) throw rto::NotFound("no vehicle with this id");
    Vehicle after = *before;
    after.status = in.status;
    // Back from repossession or the workshop, the plan no longer holds the vehicle.
    after.plan_id.reset();
    after.customer_id.reset();
    after.reservation_expires_at.reset();
    auto v = app_->change_status(tx, *before, std::move(after), Cause::Staff, in.reason, actor_of(req));
    return std::pair{v, storage::images_of(tx, id)};
  });
  app_->changed();
  return vehicle_response(200, v, images, viewer_of(req, v));
}

// ---- service to service ----------------------------------------------------------------------------

Response Handlers::internal_get(Request& req) {
  auto id = vehicle_id(req);
  auto v = app_->db().query([&](pqxx::nontransaction& tx) { return storage::find_vehicle(tx, id); });
  if (!v) throw rto::NotFound("no vehicle with this id");
  return Response::json(internal_json(*v));
}

Response Handlers::internal_reserve(Request& req) {
  auto id = vehicle_id(req);
  auto in = parse_reserve(rto::http::json_body(req));
  auto v = app_->db().transact([&](pqxx::work& tx) { return app_->reserve(tx, id, in, actor_of(req)); });
  app_->changed();
  return Response::json(internal_json(v));
}

Response Handlers::internal_release(Request& req) {
  auto id = vehicle_id(req);
  auto in = parse_plan_request(rto::http::json_body(req), PlanOp::Release);
  auto reason = in.reason.value_or("reservation released");
  auto v = app_->db().transact([&](pqxx::work& tx) { return app_->release(tx, id, in.plan_id, reason, actor_of(req)); });
  app_->changed();
  return Response::json(internal_json(v));
}

Response Handlers::internal_lease(Request& req) {
  auto id = vehicle_id(req);
  auto in = parse_plan_request(rto::http::json_body(req), PlanOp::Lease);
  auto v = app_->db().transact([&](pqxx::work& tx) { return app_->lease(tx, id, in.plan_id, actor_of(req)); });
  app_->changed();
  return Response::json(internal_json(v));
}

Response Handlers::internal_transfer(Request& req) {
  auto id = vehicle_id(req);
  auto in = parse_plan_request(rto::http::json_body(req), PlanOp::Transfer);
  auto v = app_->db().transact(
      [&](pqxx::work& tx) { return app_->transfer(tx, id, in.plan_id, *in.customer_id, actor_of(req)); });
  app_->changed();
  return Response::json(internal_json(v));
}

Response Handlers::internal_repossess(Request& req) {
  auto id = vehicle_id(req);
  auto in = parse_plan_request(rto::http::json_body(req), PlanOp::Repossess);
  auto v = app_->db().transact(
      [&](pqxx::work& tx) { return app_->repossess(tx, id, in.plan_id, *in.reason, actor_of(req)); });
  app_->changed();
  return Response::json(internal_json(v));
}

}  // namespace vehicle_service
