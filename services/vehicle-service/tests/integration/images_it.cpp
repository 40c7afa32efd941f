// Images: type and size checks, storage, serving with ETag and cache headers, order and cover,
// deletion, and who may do what.
#include <rto/crypto.hpp>

#include "fixture.hpp"

using namespace it;

namespace {

const std::string kPng = std::string("\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR", 16) + "pretend-pixels-1";
const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", 11) + "pretend-pixels-2";
const std::string kWebp = std::string("RIFF\x24\x00\x00\x00WEBPVP8 ", 16) + "pretend-pixels-3";
const std::string kGif = std::string("GIF89a\x01\x00\x01\x00", 10);

Reply upload(const std::string& vehicle, const std::string& bytes, const std::string& type, const std::string& token) {
  return call(Method::Post, "/api/v1/vehicles/" + vehicle + "/images", bytes, token, {{"Content-Type", type}});
}

std::vector<std::string> image_ids(const Reply& r, const char* key = "items") {
  std::vector<std::string> out;
  for (const auto& i : r.json.at(key).as_array()) out.push_back(text(i.at("id")));
  return out;
}

}  // namespace

TEST(Images, UploadServeAndCache) {
  auto d = dealer();
  auto id = create_draft(d);
  auto up = upload(id, kPng, "image/png", d.token);
  ASSERT_EQ(up.status, 201) << up.body;
  auto image = up.str("id");
  EXPECT_EQ(up.str("content_type"), "image/png");
  EXPECT_EQ(up.json.at("size_bytes").as_int64(), static_cast<std::int64_t>(kPng.size()));
  EXPECT_TRUE(up.json.at("is_cover").as_bool());  // the first image is the cover
  EXPECT_EQ(up.header("Location"), "/api/v1/vehicles/" + id + "/images/" + image);
  publish(d, id);  // on the market: its images are public

  auto got = get(up.header("Location"));  // public: no token
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body, kPng);
  EXPECT_EQ(got.header("Content-Type"), "image/png");
  EXPECT_EQ(got.header("ETag"), "\"" + rto::crypto::sha256_hex(kPng) + "\"");
  EXPECT_EQ(got.header("Cache-Control"), "public, max-age=31536000, immutable");

  auto again = call(Method::Get, up.header("Location"), {}, "", {{"If-None-Match", got.header("ETag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.header("ETag"), got.header("ETag"));
  auto stale = call(Method::Get, up.header("Location"), {}, "", {{"If-None-Match", "\"something-else\""}});
  EXPECT_EQ(stale.status, 200);

  // The vehicle shows it as its cover, in detail and in search.
  auto v = get("/api/v1/vehicles/" + id);
  EXPECT_EQ(v.str("cover_image_url"), up.header("Location"));
  ASSERT_EQ(v.json.at("images").as_array().size(), 1u);
  EXPECT_EQ(get("/api/v1/vehicles/" + id + "/images/" + rto::crypto::uuid_v4()).status, 404);
}

TEST(Images, TypeAndSizeAreChecked) {
  auto d = dealer();
  auto id = create_draft(d);
  EXPECT_EQ(upload(id, kGif, "image/gif", d.token).status, 415);
  EXPECT_EQ(upload(id, kGif, "image/png", d.token).status, 415);   // the bytes are not PNG
  EXPECT_EQ(upload(id, kPng, "image/jpeg", d.token).status, 415);  // the bytes are PNG, not JPEG
  EXPECT_EQ(upload(id, "<svg/>", "image/svg+xml", d.token).status, 415);
  auto too_big = kJpeg + std::string(5 * 1024 * 1024, 'x');
  auto big = upload(id, too_big, "image/jpeg", d.token);
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.header("Content-Type"), "application/problem+json");
  auto just_fits = kJpeg + std::string(5 * 1024 * 1024 - kJpeg.size(), 'x');
  EXPECT_EQ(upload(id, just_fits, "image/jpeg", d.token).status, 201);
  EXPECT_EQ(upload(id, kWebp, "image/webp; charset=binary", d.token).status, 201);
  EXPECT_EQ(get("/api/v1/vehicles/" + id, d.token).json.at("images").as_array().size(), 2u);
}

TEST(Images, OnlyTheDealerOrAnAdminManagesThem) {
  auto d = dealer();
  auto id = create_draft(d);
  EXPECT_EQ(upload(id, kPng, "image/png", dealer().token).status, 403);
  EXPECT_EQ(upload(id, kPng, "image/png", customer().token).status, 403);
  EXPECT_EQ(upload(id, kPng, "image/png", "").status, 401);
  auto up = upload(id, kPng, "image/png", d.token);
  ASSERT_EQ(up.status, 201);
  auto url = up.header("Location");
  // A draft's images are not public.
  EXPECT_EQ(get(url).status, 404);
  EXPECT_EQ(get(url, customer().token).status, 404);
  auto own = get(url, d.token);
  EXPECT_EQ(own.status, 200);
  EXPECT_EQ(own.header("Cache-Control"), "private, no-cache");
  EXPECT_EQ(call(Method::Delete, url, {}, dealer().token).status, 403);
  EXPECT_EQ(upload(id, kJpeg, "image/jpeg", admin().token).status, 201);
}

TEST(Images, OrderCoverAndDelete) {
  auto d = dealer();
  auto id = create_draft(d);
  std::vector<std::string> imgs;
  for (const auto* bytes : {&kPng, &kJpeg, &kWebp}) {
    auto type = bytes == &kPng ? "image/png" : bytes == &kJpeg ? "image/jpeg" : "image/webp";
    auto r = upload(id, *bytes, type, d.token);
    ASSERT_EQ(r.status, 201) << r.body;
    imgs.push_back(r.str("id"));
  }
  publish(d, id);  // available: its images can still be managed
  EXPECT_EQ(image_ids(get("/api/v1/vehicles/" + id), "images"), imgs);

  // Reorder: every image exactly once.
  std::vector<std::string> reversed(imgs.rbegin(), imgs.rend());
  js::array order;
  for (const auto& i : reversed) order.emplace_back(i);
  auto r = call(Method::Put, "/api/v1/vehicles/" + id + "/images/order", js::serialize(js::object{{"image_ids", order}}),
                d.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(image_ids(r), reversed);
  EXPECT_EQ(get("/api/v1/vehicles/" + id).str("cover_image_url"), "/api/v1/vehicles/" + id + "/images/" + reversed[0]);
  auto partial = call(Method::Put, "/api/v1/vehicles/" + id + "/images/order",
                      js::serialize(js::object{{"image_ids", js::array{js::value(imgs[0])}}}), d.token);
  EXPECT_EQ(partial.status, 400);
  EXPECT_TRUE(partial.names_field("image_ids"));

  // An explicit cover moves to the front.
  auto c = post("/api/v1/vehicles/" + id + "/images/" + imgs[1] + "/cover", js::object{}, d.token);
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(image_ids(c)[0], imgs[1]);
  EXPECT_TRUE(c.json.at("items").as_array()[0].at("is_cover").as_bool());
  EXPECT_FALSE(c.json.at("items").as_array()[1].at("is_cover").as_bool());

  // Deleting the cover promotes the next image; the file goes too.
  auto gone = call(Method::Delete, "/api/v1/vehicles/" + id + "/images/" + imgs[1], {}, d.token);
  EXPECT_EQ(gone.status, 204);
  EXPECT_EQ(get("/api/v1/vehicles/" + id + "/images/" + imgs[1]).status, 404);
  auto v = get("/api/v1/vehicles/" + id);
  EXPECT_EQ(v.json.at("images").as_array().size(), 2u);
  EXPECT_EQ(v.str("cover_image_url"), "/api/v1/vehicles/" + id + "/images/" + text(v.json.at("images").as_array()[0].at("id")));
  EXPECT_EQ(call(Method::Delete, "/api/v1/vehicles/" + id + "/images/" + imgs[1], {}, d.token).status, 404);
  std::size_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(world().image_dir))
    if (e.is_regular_file() && e.path().filename().string().rfind(imgs[1], 0) == 0) ++files;
  EXPECT_EQ(files, 0u);
}

TEST(Images, TheHelperImageIsARealPng) {
  auto d = dealer();
  auto id = create_available(d);  // uploads tiny_png() before submitting
  auto v = get("/api/v1/vehicles/" + id);
  ASSERT_EQ(v.json.at("images").as_array().size(), 1u);
  auto img = get(v.str("cover_image_url"));
  ASSERT_EQ(img.status, 200);
  EXPECT_EQ(img.header("Content-Type"), "image/png");
  EXPECT_EQ(img.body, tiny_png());
}

TEST(Images, FrozenOnceTheVehicleIsHeld) {
  auto d = dealer();
  auto id = create_available(d);
  ASSERT_EQ(post("/internal/vehicles/" + id + "/reserve",
                 js::object{{"plan_id", rto::crypto::uuid_v4()}, {"customer_id", rto::crypto::uuid_v4()}, {"ttl_seconds", 60}},
                 service_token()).status,
            200);
  auto r = upload(id, kPng, "image/png", d.token);
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.body.find("reserved"), std::string::npos);
}
