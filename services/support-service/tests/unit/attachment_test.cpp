#include <gtest/gtest.h>

#include <rto/errors.hpp>
#include <string>

#include "domain/attachment.hpp"

using namespace support_service;

namespace {
const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + "jpeg body";
const std::string kPng = std::string("\x89PNG\r\n\x1A\n", 8) + "png body";
const std::string kWebp = "RIFF\x10\0\0\0WEBPVP8 body";

int status_of(std::string_view type, const std::string& body, std::size_t max = 1000) {
  try {
    check_image_upload(type, body, max);
    return 0;
  } catch (const rto::Error& e) {
    return static_cast<int>(e.kind());
  }
}
}  // namespace

TEST(Attachments, TheBytesDecideTheTypeNotTheName) {
  EXPECT_EQ(sniff_image_type(kJpeg), "image/jpeg");
  EXPECT_EQ(sniff_image_type(kPng), "image/png");
  EXPECT_EQ(sniff_image_type(std::string("RIFF\x10\0\0\0WEBP", 12)), "image/webp");
  EXPECT_EQ(sniff_image_type("GIF89a......"), std::nullopt);
  EXPECT_EQ(sniff_image_type("\xFF\xD8"), std::nullopt);
  EXPECT_EQ(check_image_upload("image/jpeg", kJpeg, 1000), "image/jpeg");
  EXPECT_EQ(check_image_upload("Image/PNG; charset=x", kPng, 1000), "image/png");
}

TEST(Attachments, RefusedWithTheRightStatus) {
  EXPECT_EQ(status_of("image/gif", kJpeg), 415);           // a type not taken
  EXPECT_EQ(status_of("image/png", kJpeg), 415);           // says PNG, is JPEG
  EXPECT_EQ(status_of("image/jpeg", "<html>hello</html>"), 415);  // not an image at all
  EXPECT_EQ(status_of("image/jpeg", ""), 400);
  EXPECT_EQ(status_of("image/jpeg", kJpeg, kJpeg.size() - 1), 413);
  EXPECT_EQ(status_of("image/jpeg", kJpeg, kJpeg.size()), 0);
}
