#include <gtest/gtest.h>

#include "domain/image.hpp"
#include <rto/testing/expect_error.hpp>
using rto::testing::error_of;
using rto::testing::names_field;

using namespace vehicle_service;

namespace {
const std::string kJpeg("\xFF\xD8\xFF\xE0\x00\x10JFIF", 10);
const std::string kPng("\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR", 16);
const std::string kWebp("RIFF\x24\x00\x00\x00WEBPVP8 ", 16);
const std::string kGif("GIF89a\x01\x00\x01\x00", 10);
}  // namespace

TEST(ImageSniffing, KnownSignatures) {
  EXPECT_EQ(sniff_image_type(kJpeg), "image/jpeg");
  EXPECT_EQ(sniff_image_type(kPng), "image/png");
  EXPECT_EQ(sniff_image_type(kWebp), "image/webp");
  EXPECT_EQ(sniff_image_type(kGif), std::nullopt);
  EXPECT_EQ(sniff_image_type("RIFF\x24\x00\x00\x00WAVEfmt "), std::nullopt);  // RIFF but not WebP
  EXPECT_EQ(sniff_image_type(""), std::nullopt);
  EXPECT_EQ(sniff_image_type("\xFF\xD8"), std::nullopt);  // too short
  EXPECT_EQ(sniff_image_type("<svg xmlns='http://www.w3.org/2000/svg'/>"), std::nullopt);
}

TEST(ImageSniffing, MediaTypeOfAHeader) {
  EXPECT_EQ(media_type("Image/PNG; charset=binary"), "image/png");
  EXPECT_EQ(media_type("  image/jpeg  "), "image/jpeg");
  EXPECT_EQ(media_type(""), "");
}

TEST(ImageUpload, AcceptsMatchingTypes) {
  EXPECT_EQ(check_upload("image/jpeg", kJpeg, 100), "image/jpeg");
  EXPECT_EQ(check_upload("image/png", kPng, 100), "image/png");
  EXPECT_EQ(check_upload("image/webp", kWebp, 100), "image/webp");
}

TEST(ImageUpload, RefusesWhatIsNotAnAllowedImage) {
  EXPECT_EQ(error_of([] { check_upload("image/gif", kGif, 100); }).status(), 415);
  EXPECT_EQ(error_of([] { check_upload("application/json", "{}", 100); }).status(), 415);
  EXPECT_EQ(error_of([] { check_upload("", kPng, 100); }).status(), 415);
  EXPECT_EQ(error_of([] { check_upload("image/png", kGif, 100); }).status(), 415);   // bytes are GIF
  EXPECT_EQ(error_of([] { check_upload("image/jpeg", kPng, 100); }).status(), 415);  // bytes are PNG
  EXPECT_EQ(error_of([] { check_upload("image/png", "", 100); }).status(), 400);
}

TEST(ImageUpload, SizeLimit) {
  std::string big = kPng + std::string(100, 'x');
  EXPECT_EQ(error_of([&] { check_upload("image/png", big, 100); }).status(), 413);
  EXPECT_NO_THROW(check_upload("image/png", big, big.size()));
  EXPECT_EQ(kDefaultImageMaxBytes, 5u * 1024 * 1024);
}

TEST(ImageEtag, StrongAndMatched) {
  auto tag = etag_of("abc123");
  EXPECT_EQ(tag, "\"abc123\"");
  EXPECT_TRUE(etag_matches("\"abc123\"", tag));
  EXPECT_TRUE(etag_matches("W/\"abc123\"", tag));
  EXPECT_TRUE(etag_matches("\"zzz\", \"abc123\"", tag));
  EXPECT_TRUE(etag_matches("*", tag));
  EXPECT_FALSE(etag_matches("\"abc12\"", tag));
  EXPECT_FALSE(etag_matches("abc123", tag));
  EXPECT_FALSE(etag_matches("", tag));
  EXPECT_EQ(image_extension("image/webp"), "webp");
}
