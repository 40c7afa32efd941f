// seed-demo on a fresh database: every demo listing has pictures stored as an upload is and
// served by the API like a dealer's; running it again adds nothing; demo listings seeded before
// they had pictures get theirs, once.
#include <filesystem>
#include <map>
#include <rto/crypto.hpp>
#include <set>

#include "domain/image.hpp"
#include "fixture.hpp"
#include "tools/tools.hpp"

std::vector<rto::db::Migration> embedded_migrations();

using namespace it;
namespace fs = std::filesystem;

namespace {

// A database and an image directory of their own (seed-demo wants an empty catalogue), the
// tool's configuration and a vehicle service on both.
struct Seeded {
  rto::testing::TempDatabase db{"vehicle_seed_it"};
  fs::path image_dir = fs::temp_directory_path() / rto::testing::unique_name("vehicle_seed_images");
  vehicle_service::VehicleConfig config = test_config(db.url(), image_dir);
  rto::Service service{config.common};
  std::shared_ptr<vehicle_service::App> app;

  Seeded() {
    vehicle_service::InstallOptions opts;
    opts.background_jobs = false;
    opts.consume_events = false;
    app = vehicle_service::install(service, config, world().clock, embedded_migrations(), opts);
  }
  ~Seeded() {
    std::error_code ec;
    fs::remove_all(image_dir, ec);
  }

  int seed() const {
    vehicle_service::ToolConfig tool;
    tool.database_url = db.url();
    tool.demo_dealer_id = vehicle_service::kDefaultDemoDealerId;
    tool.image_dir = image_dir.string();
    tool.image_max_bytes = config.image_max_bytes;
    return vehicle_service::tools::seed_demo(tool, embedded_migrations());
  }

  Reply get(const std::string& target) { return call_on(service, Method::Get, target); }

  // vehicle id -> its image ids in display order, from the database.
  std::map<std::string, std::vector<std::string>> images() const {
    pqxx::connection c(db.url());
    pqxx::nontransaction tx(c);
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& r : tx.exec("SELECT v.id::text, i.id::text FROM vehicles v LEFT JOIN vehicle_images i "
                                 "ON i.vehicle_id = v.id ORDER BY v.id, i.position")) {
      auto& list = out[r[0].as<std::string>()];
      if (!r[1].is_null()) list.push_back(r[1].as<std::string>());
    }
    return out;
  }

  void exec(const std::string& sql) const {
    pqxx::connection c(db.url());
    pqxx::work tx(c);
    tx.exec(sql);
    tx.commit();
  }

  std::size_t files() const {
    std::size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(image_dir))
      if (e.is_regular_file()) ++n;
    return n;
  }
};

}  // namespace

TEST(SeedDemo, EveryListingHasACoverTheApiServes) {
  Seeded s;
  ASSERT_EQ(s.seed(), 0);
  const auto catalogue = s.images();
  ASSERT_EQ(catalogue.size(), 50u);
  for (const auto& [id, image_ids] : catalogue) {
    SCOPED_TRACE(id);
    auto v = s.get("/api/v1/vehicles/" + id);  // as the public sees it: no token
    ASSERT_EQ(v.status, 200) << v.body;
    EXPECT_EQ(v.str("status"), "available");
    const auto& images = v.json.at("images").as_array();
    ASSERT_GE(images.size(), 1u);
    EXPECT_LE(images.size(), 3u);
    EXPECT_EQ(images.size(), image_ids.size());
    EXPECT_EQ(v.str("cover_image_url"), text(images[0].at("url")));
    EXPECT_TRUE(images[0].at("is_cover").as_bool());
    std::set<std::string> bodies;
    for (const auto& i : images) {
      auto got = s.get(text(i.at("url")));
      ASSERT_EQ(got.status, 200) << got.body;
      EXPECT_EQ(got.header("Content-Type"), "image/png");
      EXPECT_EQ(got.header("Cache-Control"), "public, max-age=31536000, immutable");
      EXPECT_EQ(got.header("ETag"), "\"" + rto::crypto::sha256_hex(got.body) + "\"");
      EXPECT_EQ(static_cast<std::int64_t>(got.body.size()), i.at("size_bytes").as_int64());
      // The bytes pass the same check as a dealer's upload.
      EXPECT_EQ(vehicle_service::check_upload("image/png", got.body, s.config.image_max_bytes), "image/png");
      bodies.insert(got.body);
    }
    EXPECT_EQ(bodies.size(), images.size());
  }
  // The marketplace shows a cover on every card.
  auto page = s.get("/api/v1/vehicles?limit=100");
  ASSERT_EQ(page.status, 200) << page.body;
  const auto& items = page.json.at("items").as_array();
  EXPECT_EQ(items.size(), 50u);
  for (const auto& item : items) EXPECT_TRUE(item.at("cover_image_url").is_string()) << js::serialize(item);
}

TEST(SeedDemo, RunningAgainAddsNothingAndListingsWithoutPicturesGetThem) {
  Seeded s;
  ASSERT_EQ(s.seed(), 0);
  const auto before = s.images();
  const auto files = s.files();
  ASSERT_EQ(s.seed(), 0);
  EXPECT_EQ(s.images(), before);
  EXPECT_EQ(s.files(), files);

  // A catalogue seeded before the pictures: two demo listings lose theirs, one of them retired
  // (its images may no longer change). A dealer's own draft without images is not demo data.
  auto it = before.begin();
  const auto bare = it->first, retired = (++it)->first;
  s.exec("DELETE FROM vehicle_images WHERE vehicle_id IN ('" + bare + "', '" + retired + "')");
  s.exec("UPDATE vehicles SET cover_image_id = NULL WHERE id IN ('" + bare + "', '" + retired + "')");
  s.exec("UPDATE vehicles SET status = 'retired' WHERE id = '" + retired + "'");
  auto d = dealer();
  auto draft = call_on(s.service, Method::Post, "/api/v1/vehicles", js::serialize(listing()), d.token);
  ASSERT_EQ(draft.status, 201) << draft.body;

  ASSERT_EQ(s.seed(), 0);
  auto after = s.images();
  EXPECT_EQ(after[bare].size(), before.at(bare).size());
  EXPECT_NE(after[bare], before.at(bare));  // new images
  EXPECT_TRUE(after[retired].empty());
  EXPECT_TRUE(after[draft.str("id")].empty());
  for (const auto& [id, image_ids] : before) {
    if (id != bare && id != retired) {
      EXPECT_EQ(after[id], image_ids) << id;
    }
  }
  auto v = s.get("/api/v1/vehicles/" + bare);
  ASSERT_EQ(v.status, 200);
  EXPECT_EQ(s.get(v.str("cover_image_url")).status, 200);

  ASSERT_EQ(s.seed(), 0);  // and only once
  EXPECT_EQ(s.images(), after);
}
