// The demo catalogue's pictures: real PNGs that the upload check accepts, within the size
// bounds, the same bytes for the same vehicle, and in the vehicle's colour.
#include <gtest/gtest.h>
#include <png.h>

#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/image.hpp"
#include "tools/pictures.hpp"

using namespace vehicle_service;

namespace {

Vehicle demo(std::string category, std::string model, std::string colour, std::string vin) {
  Vehicle v;
  v.id = "00000000-0000-4000-8000-000000000001";
  v.category = std::move(category);
  v.make = "Make";
  v.model = std::move(model);
  v.colour = std::move(colour);
  v.vin = std::move(vin);
  return v;
}

// Every category and body style of the demo catalogue.
std::vector<Vehicle> samples() {
  return {demo("motorcycle", "Boxer BM150", "red", "DEMO0000000000001"),
          demo("e-motorcycle", "Air", "blue", "DEMO0000000000002"),
          demo("tuk-tuk", "RE 4S", "green", "DEMO0000000000003"),
          demo("e-bike", "C5", "black", "DEMO0000000000004"),
          demo("e-bike", "E-Cargo", "silver", "DEMO0000000000005"),
          demo("car", "Probox", "white", "DEMO0000000000006"),
          demo("car", "Premio", "grey", "DEMO0000000000007"),
          demo("car", "Sienta", "blue", "DEMO0000000000008"),
          demo("van-pickup", "Hiace", "white", "DEMO0000000000009"),
          demo("van-pickup", "Hilux", "black", "DEMO0000000000010")};
}

struct Decoded {
  std::uint32_t width = 0, height = 0;
  std::vector<std::uint8_t> rgb;
};

// Decodes the whole image with libpng (every chunk's CRC and the compressed data checked).
Decoded decode(const std::string& png) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, png.data(), png.size()))
    throw std::runtime_error(std::string("not a PNG: ") + image.message);
  image.format = PNG_FORMAT_RGB;
  Decoded d;
  d.width = image.width;
  d.height = image.height;
  d.rgb.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, d.rgb.data(), 0, nullptr)) {
    std::string why = image.message;
    png_image_free(&image);
    throw std::runtime_error("cannot decode: " + why);
  }
  return d;
}

// The share of pixels whose `channel` (0 red, 1 green, 2 blue) exceeds both others by 60.
double share_of(const Decoded& d, int channel) {
  std::size_t n = 0;
  for (std::size_t i = 0; i + 2 < d.rgb.size(); i += 3) {
    const int c = d.rgb[i + channel], a = d.rgb[i + (channel + 1) % 3], b = d.rgb[i + (channel + 2) % 3];
    if (c > a + 60 && c > b + 60) ++n;
  }
  return static_cast<double>(n) / static_cast<double>(d.width * d.height);
}

}  // namespace

TEST(DemoPictures, EveryCategoryGetsPngsTheUploadCheckAccepts) {
  for (const auto& v : samples()) {
    SCOPED_TRACE(v.category + " " + v.model);
    const auto pictures = tools::demo_pictures(v);
    ASSERT_GE(pictures.size(), 2u);
    ASSERT_LE(pictures.size(), 3u);
    std::set<std::string> distinct;
    for (const auto& png : pictures) {
      EXPECT_EQ(sniff_image_type(png), "image/png");
      EXPECT_EQ(check_upload("image/png", png, kDefaultImageMaxBytes), "image/png");
      EXPECT_GE(png.size(), 2u * 1024);   // a drawing, not a placeholder
      EXPECT_LE(png.size(), 96u * 1024);  // small: tens of KB at most
      const auto d = decode(png);
      EXPECT_EQ(d.width, static_cast<std::uint32_t>(tools::kDemoPictureWidth));
      EXPECT_EQ(d.height, static_cast<std::uint32_t>(tools::kDemoPictureHeight));
      distinct.insert(png);
    }
    EXPECT_EQ(distinct.size(), pictures.size());  // no picture twice
  }
}

TEST(DemoPictures, TheSameVehicleGetsTheSameBytes) {
  auto v = demo("motorcycle", "Boxer BM100", "red", "DEMO0000000000001");
  const auto first = tools::demo_pictures(v);
  EXPECT_EQ(tools::demo_pictures(v), first);
  v.id = "00000000-0000-4000-8000-000000000002";  // not drawn: a new row, the same pictures
  v.price = rto::Money::of(1, "UGX");
  EXPECT_EQ(tools::demo_pictures(v), first);
  auto blue = v;
  blue.colour = "blue";
  EXPECT_NE(tools::demo_pictures(blue)[0], first[0]);
  auto tuk_tuk = v;
  tuk_tuk.category = "tuk-tuk";
  EXPECT_NE(tools::demo_pictures(tuk_tuk)[0], first[0]);
}

TEST(DemoPictures, TheCoverShowsTheVehiclesColour) {
  const auto red = decode(tools::demo_pictures(demo("car", "Probox", "red", "DEMO0000000000011"))[0]);
  const auto blue = decode(tools::demo_pictures(demo("car", "Probox", "blue", "DEMO0000000000011"))[0]);
  EXPECT_GT(share_of(red, 0), 0.08);
  EXPECT_LT(share_of(red, 2), 0.01);
  EXPECT_GT(share_of(blue, 2), 0.08);
  EXPECT_LT(share_of(blue, 0), 0.01);
  // A colour the palette does not name still gets a picture.
  EXPECT_EQ(check_upload("image/png", tools::demo_pictures(demo("car", "Probox", "", "X1"))[0], kDefaultImageMaxBytes),
            "image/png");
}
