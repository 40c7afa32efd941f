// The demo pictures: shapes given by their signed distance (negative inside), painted with
// one-pixel anti-aliased edges onto an RGB canvas, then encoded by libpng's simplified API
// (png_image_write_to_memory: no setjmp/longjmp, no time stamp, so the same pixels give the same
// bytes). Vehicles are drawn facing right in model units: about 200 long, the ground at y = 112.
#include "tools/pictures.hpp"

#include <png.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace vehicle_service::tools {

namespace {

// ---- geometry -----------------------------------------------------------------------------------

struct V2 {
  double x, y;
};
V2 operator-(V2 a, V2 b) { return {a.x - b.x, a.y - b.y}; }
V2 operator*(V2 a, double k) { return {a.x * k, a.y * k}; }
double dot(V2 a, V2 b) { return a.x * b.x + a.y * b.y; }
double length(V2 a) { return std::sqrt(dot(a, a)); }

// A shape: its signed distance at a point (model units, negative inside) and its bounds. The
// distance never changes faster than the point moves (combinations by min and max keep that),
// which lets Canvas::paint decide whole blocks of pixels from one value; `bound`, when set, is
// a function with that property for a shape whose `sd` has it only near the outline.
struct Shape {
  std::function<double(V2)> sd;
  double x0, y0, x1, y1;
  std::function<double(V2)> bound = {};
};

Shape circle(V2 c, double r) { return {[=](V2 p) { return length(p - c) - r; }, c.x - r, c.y - r, c.x + r, c.y + r}; }

// The first-order distance (exact on the outline, which is all the edges need); the bound is
// the same level set scaled by the smaller radius.
Shape ellipse(V2 c, double rx, double ry) {
  return {[=](V2 p) {
            const double ux = (p.x - c.x) / rx, uy = (p.y - c.y) / ry;
            const double k = std::sqrt(ux * ux + uy * uy);
            if (k < 1e-9) return -std::min(rx, ry);
            const double gx = ux / rx / k, gy = uy / ry / k;
            return (k - 1.0) / std::sqrt(gx * gx + gy * gy);
          },
          c.x - rx, c.y - ry, c.x + rx, c.y + ry,
          [=](V2 p) {
            const double ux = (p.x - c.x) / rx, uy = (p.y - c.y) / ry;
            return (std::sqrt(ux * ux + uy * uy) - 1.0) * std::min(rx, ry);
          }};
}

// An axis-aligned box with corners rounded by r (0: sharp).
Shape box(double x0, double y0, double x1, double y1, double r) {
  const double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2, hx = (x1 - x0) / 2, hy = (y1 - y0) / 2;
  r = std::min({r, hx, hy});
  return {[=](V2 p) {
            const double qx = std::abs(p.x - cx) - hx + r, qy = std::abs(p.y - cy) - hy + r;
            const double ox = std::max(qx, 0.0), oy = std::max(qy, 0.0);
            return std::sqrt(ox * ox + oy * oy) + std::min(std::max(qx, qy), 0.0) - r;
          },
          x0, y0, x1, y1};
}

// A thick segment with round ends.
Shape capsule(V2 a, V2 b, double r) {
  return {[=](V2 p) {
            const V2 pa = p - a, ba = b - a;
            const double bb = dot(ba, ba);
            const double h = bb > 0 ? std::clamp(dot(pa, ba) / bb, 0.0, 1.0) : 0.0;
            return length(pa - ba * h) - r;
          },
          std::min(a.x, b.x) - r, std::min(a.y, b.y) - r, std::max(a.x, b.x) + r, std::max(a.y, b.y) + r};
}

Shape polygon(std::vector<V2> v) {
  double x0 = v[0].x, y0 = v[0].y, x1 = x0, y1 = y0;
  for (const auto& q : v) {
    x0 = std::min(x0, q.x), y0 = std::min(y0, q.y), x1 = std::max(x1, q.x), y1 = std::max(y1, q.y);
  }
  return {[v = std::move(v)](V2 p) {
            const V2* q = v.data();
            const std::size_t n = v.size();
            double d = (p.x - q[0].x) * (p.x - q[0].x) + (p.y - q[0].y) * (p.y - q[0].y);
            double s = 1.0;
            for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
              const double ex = q[j].x - q[i].x, ey = q[j].y - q[i].y, wx = p.x - q[i].x, wy = p.y - q[i].y;
              double t = (wx * ex + wy * ey) / (ex * ex + ey * ey);
              t = t < 0 ? 0 : t > 1 ? 1 : t;
              const double bx = wx - ex * t, by = wy - ey * t, bb = bx * bx + by * by;
              if (bb < d) d = bb;
              const bool c1 = p.y >= q[i].y, c2 = p.y < q[j].y, c3 = ex * wy > ey * wx;
              if ((c1 && c2 && c3) || (!c1 && !c2 && !c3)) s = -s;
            }
            return s * std::sqrt(d);
          },
          x0, y0, x1, y1};
}

// n spokes of half-width w from c to radius r, the first at angle a0: the point is turned onto
// the nearest spoke's angle, so one distance is computed instead of n.
Shape spokes(V2 c, double r, int n, double a0, double w) {
  const double step = 2 * std::acos(-1.0) / n;
  return {[=](V2 p) {
            const V2 d = p - c;
            const double angle = std::atan2(d.y, d.x) - a0;
            const double a = a0 + std::round(angle / step) * step;
            const double along = d.x * std::cos(a) + d.y * std::sin(a), across = -d.x * std::sin(a) + d.y * std::cos(a);
            const double t = std::clamp(along, 0.0, r);
            return std::sqrt((along - t) * (along - t) + across * across) - w;
          },
          c.x - r - w, c.y - r - w, c.x + r + w, c.y + r + w};
}

// A circle's outline of width w.
Shape ring(V2 c, double r, double w) {
  return {[=](V2 p) { return std::abs(length(p - c) - r) - w / 2; }, c.x - r - w, c.y - r - w, c.x + r + w,
          c.y + r + w};
}

const std::function<double(V2)>& bound_of(const Shape& s) { return s.bound ? s.bound : s.sd; }

// Combines the distances of `a` and `b` (and their bounds) with `f`.
template <typename F>
Shape combine(const Shape& a, const Shape& b, F f, double x0, double y0, double x1, double y1) {
  Shape out{[f, a = a.sd, b = b.sd](V2 p) { return f(a(p), b(p)); }, x0, y0, x1, y1};
  if (a.bound || b.bound) out.bound = [f, a = bound_of(a), b = bound_of(b)](V2 p) { return f(a(p), b(p)); };
  return out;
}

Shape join(const Shape& a, const Shape& b) {
  return combine(a, b, [](double x, double y) { return std::min(x, y); }, std::min(a.x0, b.x0),
                 std::min(a.y0, b.y0), std::max(a.x1, b.x1), std::max(a.y1, b.y1));
}
// `a` without `b`.
Shape cut(const Shape& a, const Shape& b) {
  return combine(a, b, [](double x, double y) { return std::max(x, -y); }, a.x0, a.y0, a.x1, a.y1);
}
// The part of `a` inside `b`.
Shape clip(const Shape& a, const Shape& b) {
  return combine(a, b, [](double x, double y) { return std::max(x, y); }, std::max(a.x0, b.x0),
                 std::max(a.y0, b.y0), std::min(a.x1, b.x1), std::min(a.y1, b.y1));
}

// ---- colour and canvas --------------------------------------------------------------------------

struct Rgb {
  double r, g, b;
};
Rgb mix(Rgb a, Rgb b, double t) { return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t}; }
Rgb darker(Rgb c, double t) { return mix(c, {0, 0, 0}, t); }
Rgb lighter(Rgb c, double t) { return mix(c, {255, 255, 255}, t); }
double luminance(Rgb c) { return (0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b) / 255.0; }

class Canvas {
 public:
  Canvas(int w, int h, Rgb background)
      : w_(w), h_(h), px_(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3) {
    band(0, h, background, background);
  }

  // Where model units land: pixel = (ox ± scale·x, oy + scale·y); mirrored vehicles face left.
  void view(double ox, double oy, double scale, bool mirror = false) {
    ox_ = ox, oy_ = oy, scale_ = scale, mirror_ = mirror;
  }

  void paint(const Shape& s, Rgb fill, double opacity = 1.0) { paint(s, fill, fill, 0.0, opacity); }

  // Fills `s`, its outline `stroke_px` pixels wide (inside the shape) in `stroke`.
  void paint(const Shape& s, Rgb fill, Rgb stroke, double stroke_px, double opacity = 1.0) {
    const double ax = ox_ + scale_ * (mirror_ ? -s.x0 : s.x0), bx = ox_ + scale_ * (mirror_ ? -s.x1 : s.x1);
    const int px0 = pixel(std::min(ax, bx) - 2, w_), px1 = pixel(std::max(ax, bx) + 3, w_);
    const int py0 = pixel(oy_ + scale_ * s.y0 - 2, h_), py1 = pixel(oy_ + scale_ * s.y1 + 3, h_);
    const double sign = mirror_ ? -1.0 : 1.0;
    auto model = [&](double x, double y) { return V2{(x - ox_) / scale_ * sign, (y - oy_) / scale_}; };
    const auto& bound = bound_of(s);
    // Blocks of pixels: one value at the centre tells whether the whole block is outside, or
    // inside beyond the outline's stroke; only the blocks on the outline are painted pixel by pixel.
    constexpr int kBlock = 8;
    for (int by = py0; by < py1; by += kBlock) {
      for (int bx = px0; bx < px1; bx += kBlock) {
        const int bw = std::min(kBlock, px1 - bx), bh = std::min(kBlock, py1 - by);
        const double reach = 0.5 * std::sqrt(double(bw * bw + bh * bh));
        const double centre = bound(model(bx + bw / 2.0, by + bh / 2.0)) * scale_;
        if (centre - reach >= 0.5) continue;
        const bool solid = centre + reach <= -(stroke_px + 0.5);
        for (int y = by; y < by + bh; ++y) {
          for (int x = bx; x < bx + bw; ++x) {
            if (solid) {
              blend(x, y, fill, opacity);
              continue;
            }
            const double d = s.sd(model(x + 0.5, y + 0.5)) * scale_;
            const double cover = std::clamp(0.5 - d, 0.0, 1.0);
            if (cover <= 0.0) continue;
            const double inner = stroke_px > 0 ? std::clamp(0.5 - (d + stroke_px), 0.0, 1.0) : cover;
            blend(x, y, mix(stroke, fill, inner / cover), cover * opacity);
          }
        }
      }
    }
  }

  // Rows [y0, y1) from `top` to `bottom`, across the whole width.
  void band(int y0, int y1, Rgb top, Rgb bottom) {
    y0 = std::clamp(y0, 0, h_), y1 = std::clamp(y1, 0, h_);
    const std::size_t row = static_cast<std::size_t>(w_) * 3;
    for (int y = y0; y < y1; ++y) {
      const Rgb c = mix(top, bottom, y1 - y0 > 1 ? static_cast<double>(y - y0) / (y1 - y0 - 1) : 0.0);
      png_byte* line = px_.data() + static_cast<std::size_t>(y) * row;
      line[0] = byte(c.r), line[1] = byte(c.g), line[2] = byte(c.b);
      for (std::size_t done = 3; done < row; done *= 2) std::memcpy(line + done, line, std::min(done, row - done));
    }
  }

  std::string png() const {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(w_);
    image.height = static_cast<png_uint_32>(h_);
    image.format = PNG_FORMAT_RGB;
    png_alloc_size_t size = PNG_IMAGE_PNG_SIZE_MAX(image);
    std::unique_ptr<png_byte[]> out(new png_byte[size]);
    if (!png_image_write_to_memory(&image, out.get(), &size, 0, px_.data(), 0, nullptr)) {
      std::string why = image.message;
      png_image_free(&image);
      throw std::runtime_error("cannot encode a demo picture: " + why);
    }
    return std::string(reinterpret_cast<const char*>(out.get()), size);
  }

 private:
  static int pixel(double v, int limit) { return static_cast<int>(std::clamp(std::floor(v), 0.0, double(limit))); }
  static png_byte byte(double v) { return static_cast<png_byte>(v <= 0 ? 0 : v >= 255 ? 255 : v + 0.5); }

  void blend(int x, int y, Rgb c, double t) {
    const auto at = static_cast<std::size_t>(y) * static_cast<std::size_t>(w_) + static_cast<std::size_t>(x);
    png_byte* p = px_.data() + at * 3;
    p[0] = byte(p[0] + (c.r - p[0]) * t);
    p[1] = byte(p[1] + (c.g - p[1]) * t);
    p[2] = byte(p[2] + (c.b - p[2]) * t);
  }

  int w_, h_;
  std::vector<png_byte> px_;  // RGB, 8 bits a channel, row after row
  double ox_ = 0, oy_ = 0, scale_ = 1;
  bool mirror_ = false;
};

// ---- the vehicles -------------------------------------------------------------------------------

struct Palette {
  Rgb body, body_dark, body_light, stroke;
  Rgb tyre{34, 34, 38}, tyre_inner{62, 64, 70}, rim{182, 188, 194}, rim_dark{112, 118, 126};
  Rgb chrome{208, 212, 216}, chrome_dark{128, 134, 140}, metal{74, 78, 86}, metal_dark{44, 46, 52},
      metal_light{112, 116, 124};
  Rgb seat{44, 40, 38}, glass{168, 204, 226}, lamp{255, 234, 156}, tail{212, 48, 40};
  Rgb canopy{46, 50, 56}, interior{70, 72, 78}, battery{48, 54, 62}, accent{132, 204, 96}, crate{170, 124, 76};
};

Palette palette_of(Rgb body) {
  Palette p;
  p.body = body;
  const bool dark = luminance(body) < 0.25;
  p.body_dark = dark ? lighter(body, 0.12) : darker(body, 0.28);
  p.body_light = lighter(body, dark ? 0.22 : 0.38);
  p.stroke = dark ? lighter(body, 0.30) : darker(body, 0.38);
  return p;
}

enum class Kind { Motorcycle, EMotorcycle, TukTuk, EBike, CargoEBike, Sedan, Wagon, Minivan, Van, Pickup };

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool has_any(const std::string& s, std::initializer_list<const char*> words) {
  return std::any_of(words.begin(), words.end(), [&](const char* w) { return s.find(w) != std::string::npos; });
}

Kind kind_of(const Vehicle& v) {
  const auto model = lower(v.model);
  if (v.category == "motorcycle") return Kind::Motorcycle;
  if (v.category == "e-motorcycle") return Kind::EMotorcycle;
  if (v.category == "tuk-tuk") return Kind::TukTuk;
  if (v.category == "e-bike") return has_any(model, {"cargo"}) ? Kind::CargoEBike : Kind::EBike;
  if (v.category == "van-pickup")
    return has_any(model, {"hilux", "pickup", "ranger", "navara", "d-max", "triton"}) ? Kind::Pickup : Kind::Van;
  if (has_any(model, {"premio", "allion", "axio", "corolla", "sedan"})) return Kind::Sedan;
  if (has_any(model, {"sienta", "noah", "voxy", "wish", "minivan"})) return Kind::Minivan;
  return Kind::Wagon;
}

// Where the close-up centres, in model units.
V2 front_of(Kind k) {
  switch (k) {
    case Kind::Motorcycle:
    case Kind::EMotorcycle: return {140, 66};
    case Kind::TukTuk: return {150, 64};
    case Kind::EBike:
    case Kind::CargoEBike: return {128, 64};
    default: return {158, 68};
  }
}

V2 polar(V2 c, double r, double angle) { return {c.x + r * std::cos(angle), c.y + r * std::sin(angle)}; }

void spoked_wheel(Canvas& k, const Palette& p, V2 c, double r, bool hub_motor) {
  k.paint(circle(c, r), p.tyre);
  k.paint(circle(c, r * 0.80), p.tyre_inner);
  k.paint(ring(c, r * 0.74, r * 0.09), p.rim);
  if (hub_motor) {
    k.paint(spokes(c, r * 0.72, 5, 0.3, r * 0.07), p.rim);
    k.paint(circle(c, r * 0.36), p.metal, p.chrome_dark, 1.2);
  } else {
    k.paint(spokes(c, r * 0.72, 12, 0.2, 0.45), p.rim);
  }
  k.paint(circle(c, r * 0.18), p.chrome, p.metal, 1.0);
}

void disc_wheel(Canvas& k, const Palette& p, V2 c, double r) {
  k.paint(circle(c, r), p.tyre);
  k.paint(circle(c, r * 0.62), p.rim, p.rim_dark, 1.2);
  for (int i = 0; i < 5; ++i) k.paint(circle(polar(c, r * 0.38, -1.5708 + i * 1.2566), r * 0.11), p.rim_dark);
  k.paint(circle(c, r * 0.14), p.chrome, p.rim_dark, 0.8);
}

void bike_wheel(Canvas& k, const Palette& p, V2 c, double r) {
  k.paint(ring(c, r - 1.5, 3.2), p.tyre);
  k.paint(ring(c, r - 3.8, 1.4), p.rim);
  k.paint(spokes(c, r - 4.2, 16, 0.1, 0.3), p.chrome, 0.9);
  k.paint(circle(c, 2.8), p.metal);
}

void motorcycle(Canvas& k, const Palette& p, bool electric) {
  const V2 rear{42, 89}, front{160, 89};
  k.paint(capsule({60, 58}, {48, 84}, 2.2), p.chrome, p.metal, 1.0);  // rear shock
  spoked_wheel(k, p, rear, 23, electric);
  spoked_wheel(k, p, front, 23, false);
  k.paint(capsule(rear, {92, 84}, 3), p.metal);  // swing arm
  if (electric) {
    k.paint(box(76, 62, 120, 92, 6), p.battery, darker(p.battery, 0.4), 1.4);
    k.paint(polygon({{101, 65}, {90, 79}, {97, 79}, {94, 90}, {107, 74}, {100, 74}, {104, 65}}), p.accent);
  } else {
    k.paint(capsule({98, 94}, {40, 86}, 2.6), p.chrome, p.chrome_dark, 1.0);  // exhaust pipe
    k.paint(capsule({62, 88}, {26, 81}, 4.4), p.chrome, p.chrome_dark, 1.2);  // silencer
    k.paint(box(82, 68, 114, 96, 5), p.metal, p.metal_dark, 1.2);            // crankcase
    k.paint(box(100, 58, 118, 78, 3), p.metal_light, p.metal_dark, 1.2);     // cylinder
    for (int i = 0; i < 4; ++i) k.paint(capsule({101, 62.0 + 4 * i}, {117, 62.0 + 4 * i}, 0.6), p.metal_dark);
    k.paint(circle({92, 84}, 7), p.metal_light, p.metal_dark, 1.0);
  }
  k.paint(capsule({138, 38}, {104, 66}, 3.4), p.body_dark);  // frame
  k.paint(capsule({136, 44}, {112, 86}, 3), p.metal);
  k.paint(clip(ring(rear, 27, 4), box(10, 50, 66, 80, 0)), p.body, p.stroke, 1.0);  // rear mudguard
  k.paint(polygon({{54, 56}, {100, 55}, {94, 74}, {62, 76}}), p.body, p.stroke, 1.2);  // side panel
  k.paint(polygon({{94, 47}, {124, 41}, {138, 48}, {132, 60}, {102, 63}, {92, 57}}), p.body, p.stroke, 1.2);  // tank
  k.paint(capsule({104, 48}, {126, 45}, 1.8), p.body_light, 0.8);
  k.paint(box(50, 45, 104, 55, 5), p.seat, lighter(p.seat, 0.15), 1.0);
  k.paint(box(24, 46, 58, 50, 1.5), p.metal);  // carrier
  k.paint(capsule({30, 50}, {46, 64}, 1.4), p.metal);
  k.paint(box(20, 47, 28, 55, 2), p.tail, darker(p.tail, 0.3), 1.0);
  k.paint(capsule({141, 40}, front, 3.2), p.chrome, p.chrome_dark, 1.0);  // fork
  k.paint(clip(ring(front, 27, 4), box(140, 55, 186, 78, 0)), p.body, p.stroke, 1.0);  // front mudguard
  k.paint(circle({151, 42}, 8.5), p.body, p.stroke, 1.2);  // headlight
  k.paint(circle({154, 42}, 5), p.lamp, p.chrome, 1.0);
  k.paint(capsule({130, 31}, {146, 35}, 2), p.metal);  // handlebar, grip, mirror
  k.paint(capsule({124, 30}, {132, 31}, 2.6), p.seat);
  k.paint(capsule({140, 32}, {134, 18}, 0.9), p.chrome);
  k.paint(ellipse({133, 15}, 5, 3), p.metal, p.metal_dark, 1.0);
  k.paint(capsule({88, 96}, {102, 96}, 1.8), p.seat);  // footrest
}

void tuk_tuk(Canvas& k, const Palette& p) {
  const V2 rear{46, 97}, front{164, 99};
  k.paint(box(30, 84, 160, 96, 3), p.metal);
  k.paint(circle(rear, 18), p.metal_dark);
  k.paint(circle(front, 16.5), p.metal_dark);
  disc_wheel(k, p, rear, 15);
  disc_wheel(k, p, front, 13);
  k.paint(box(28, 24, 146, 64, 2), p.interior);  // the open side: seats inside
  k.paint(box(38, 30, 50, 60, 4), p.seat);
  k.paint(box(42, 48, 90, 58, 4), p.seat);
  k.paint(box(108, 46, 128, 58, 3), p.seat);
  k.paint(capsule({96, 30}, {96, 60}, 1.2), p.chrome);  // grab bar
  auto lower = join(box(20, 58, 150, 96, 16),
                    polygon({{136, 58}, {158, 56}, {172, 62}, {184, 82}, {182, 92}, {140, 96}}));
  const auto arches = join(circle(rear, 18.5), circle(front, 17));
  const auto body = cut(lower, arches);
  k.paint(body, p.body, p.stroke, 1.4);
  k.paint(clip(box(0, 67, 200, 71, 0), body), p.body_light, 0.8);
  k.paint(clip(box(0, 86, 200, 97, 0), body), p.body_dark, 0.35);
  k.paint(box(18, 20, 40, 64, 6), p.canopy, lighter(p.canopy, 0.2), 1.2);  // canvas back and roof
  k.paint(polygon({{16, 22}, {24, 12}, {148, 11}, {158, 24}, {16, 26}}), p.canopy, lighter(p.canopy, 0.2), 1.2);
  k.paint(polygon({{148, 25}, {156, 25}, {170, 58}, {154, 58}}), p.glass, p.metal, 1.2, 0.75);
  k.paint(capsule({154, 23}, {168, 58}, 2.2), p.canopy);
  k.paint(capsule({128, 46}, {142, 43}, 1.8), p.metal);
  k.paint(circle({176, 70}, 5.5), p.chrome, p.metal, 1.0);
  k.paint(circle({177, 70}, 3.6), p.lamp);
  k.paint(box(17, 66, 23, 76, 1.5), p.tail);
}

void e_bike(Canvas& k, const Palette& p, bool cargo) {
  const V2 rear{44, 88}, front{156, 88}, crank{88, 90};
  bike_wheel(k, p, rear, 24);
  bike_wheel(k, p, front, 24);
  k.paint(clip(ring(rear, 26.5, 2.2), box(14, 55, 70, 80, 0)), p.body);  // mudguards
  k.paint(clip(ring(front, 26.5, 2.2), box(132, 55, 186, 76, 0)), p.body);
  k.paint(capsule(crank, rear, 1.1), p.metal, 0.8);  // chain
  k.paint(circle(crank, 6.5), p.chrome, p.metal, 1.0);
  k.paint(box(30, 48, 74, 51, 1), p.metal);  // rack
  k.paint(capsule({36, 51}, rear, 1.1), p.metal);
  if (cargo) {
    k.paint(box(30, 28, 70, 48, 2), p.crate, darker(p.crate, 0.35), 1.2);
    k.paint(capsule({31, 38}, {69, 38}, 0.5), darker(p.crate, 0.35));
  }
  k.paint(capsule(crank, rear, 1.8), p.body);  // frame
  k.paint(capsule({74, 50}, rear, 1.8), p.body);
  k.paint(capsule(crank, {74, 46}, 2.4), p.body);
  k.paint(capsule({133, 42}, {76, 50}, 2.2), p.body);
  k.paint(capsule({134, 46}, crank, 3), p.body);
  k.paint(capsule({126, 55}, {100, 79}, 4.6), p.battery, lighter(p.battery, 0.25), 1.0);
  k.paint(circle({121, 60}, 1.3), p.accent);
  k.paint(capsule({132, 36}, {136, 48}, 2.6), p.body_dark);
  k.paint(capsule({136, 46}, front, 1.8), p.chrome, p.chrome_dark, 0.8);  // fork
  k.paint(capsule({74, 46}, {72, 36}, 1.4), p.chrome);                    // seat post and saddle
  k.paint(ellipse({70, 34}, 10, 3), p.seat);
  k.paint(capsule({133, 37}, {128, 26}, 1.6), p.chrome);  // stem and handlebar
  k.paint(capsule({124, 25}, {138, 27}, 1.6), p.metal);
  k.paint(capsule({122, 25}, {128, 25.6}, 2.2), p.seat);
  k.paint(box(137, 40, 143, 45, 1.2), p.lamp, p.metal, 0.8);
  k.paint(capsule(crank, {95, 99}, 1.5), p.metal);  // crank and pedal
  k.paint(box(91, 98, 101, 101, 1), p.seat);
}

// Cars, vans and pickups: one outline per style, windows, lamps, bumpers and door lines.
void four_wheeler(Canvas& k, const Palette& p, Kind kind) {
  const bool van = kind == Kind::Van, pickup = kind == Kind::Pickup;
  const V2 rear{van || pickup ? 44.0 : 46.0, 95}, front{van || pickup ? 156.0 : 154.0, 95};
  std::vector<V2> outline;
  std::vector<std::vector<V2>> windows;
  switch (kind) {
    case Kind::Sedan:
      outline = {{6, 96},   {5, 76},   {10, 62},  {38, 58},  {62, 55}, {80, 38},
                 {128, 36}, {150, 54}, {184, 59}, {194, 70}, {195, 96}};
      windows = {{{67, 55}, {82, 41}, {108, 40}, {108, 55}}, {{113, 40}, {126, 39}, {144, 55}, {113, 55}}};
      break;
    case Kind::Minivan:
      outline = {{6, 96}, {5, 60}, {10, 30}, {22, 24}, {118, 22}, {150, 52}, {184, 57}, {194, 68}, {195, 96}};
      windows = {{{14, 32}, {24, 28}, {60, 27}, {60, 53}, {12, 53}},
                 {{65, 27}, {102, 26}, {102, 53}, {65, 53}},
                 {{107, 26}, {116, 26}, {145, 53}, {107, 53}}};
      break;
    case Kind::Van:
      outline = {{6, 96}, {5, 24}, {12, 16}, {146, 16}, {170, 44}, {190, 56}, {196, 68}, {196, 96}};
      windows = {{{14, 24}, {58, 24}, {58, 46}, {14, 46}},
                 {{66, 24}, {116, 24}, {116, 46}, {66, 46}},
                 {{124, 24}, {144, 24}, {164, 46}, {124, 46}}};
      break;
    case Kind::Pickup:
      outline = {{6, 96}, {5, 56}, {88, 56}, {90, 30}, {98, 22}, {136, 22}, {160, 50}, {190, 57}, {196, 68}, {196, 96}};
      windows = {{{100, 28}, {132, 28}, {152, 50}, {100, 50}}};
      break;
    default:  // an estate like the Probox
      outline = {{6, 96}, {5, 66}, {10, 42}, {20, 36}, {126, 34}, {150, 54}, {184, 59}, {194, 70}, {195, 96}};
      windows = {{{14, 42}, {22, 39}, {62, 38}, {62, 55}, {12, 55}},
                 {{67, 38}, {106, 37}, {106, 55}, {67, 55}},
                 {{111, 37}, {124, 37}, {144, 55}, {111, 55}}};
  }
  const auto arches = join(circle(rear, 20.5), circle(front, 20.5));
  const auto body = cut(polygon(outline), arches);
  k.paint(arches, {30, 30, 34});
  disc_wheel(k, p, rear, 17);
  disc_wheel(k, p, front, 17);
  k.paint(body, p.body, p.stroke, 1.4);
  // Details stay on the body: seams stop at the wheel arches, stripes at the outline.
  const auto gaps = join(circle(rear, 22), circle(front, 22));
  auto seam = [&](V2 a, V2 b) { k.paint(cut(capsule(a, b, 0.5), gaps), p.stroke); };
  auto handle = [&](double x) { k.paint(box(x, 62, x + 8, 64.5, 1), p.stroke); };
  k.paint(clip(box(0, 84, 200, 97, 0), body), p.body_dark, 0.35);  // the sill, in shade
  if (pickup) {
    k.paint(box(5, 52, 89, 58, 2), p.body_dark);  // the bed's rail
    k.paint(capsule({117, 27}, {117, 51}, 1.6), p.body);
  }
  for (const auto& w : windows) k.paint(polygon(w), p.glass, darker(p.glass, 0.55), 1.2);
  k.paint(clip(capsule({4, 62}, {196, 63}, 0.8), body), p.body_light, 0.5);  // shoulder line
  if (van) {
    k.paint(clip(box(0, 57, 200, 61, 0), body), p.body_dark, 0.6);
    seam({62, 20}, {62, 94});
    seam({120, 20}, {120, 94});
    seam({168, 48}, {168, 94});
    handle(108);
    handle(150);
  } else {
    const double pillar = pickup ? 96.0 : kind == Kind::Sedan ? 110.5 : kind == Kind::Minivan ? 104.5 : 108.5;
    seam({136, 56}, {133, 94});  // front door
    seam({pillar, 56}, {pillar + 1, 94});
    handle(122);
    if (!pickup) {
      seam({kind == Kind::Sedan ? 66.0 : 64.5, 56}, {68, 94});
      handle(pillar - 12);
    }
    k.paint(polygon({{145, 50}, {153, 49}, {154, 55}, {147, 56}}), p.body, p.stroke, 1.0);  // mirror
  }
  k.paint(polygon({{182, 60}, {193, 63}, {195, 69}, {184, 67}}), p.lamp, p.chrome_dark, 0.8);
  k.paint(box(4, 62, 10, 74, 1.5), p.tail);
  k.paint(box(186, 82, 199, 94, 4), p.metal);  // bumpers
  k.paint(box(1, 82, 14, 94, 4), p.metal);
}

void draw(Canvas& k, Kind kind, const Palette& p) {
  switch (kind) {
    case Kind::Motorcycle: return motorcycle(k, p, false);
    case Kind::EMotorcycle: return motorcycle(k, p, true);
    case Kind::TukTuk: return tuk_tuk(k, p);
    case Kind::EBike: return e_bike(k, p, false);
    case Kind::CargoEBike: return e_bike(k, p, true);
    default: return four_wheeler(k, p, kind);
  }
}

// ---- the pictures -------------------------------------------------------------------------------

// FNV-1a: the per-vehicle choices (backdrop, sky, hills) follow from the vehicle, not a clock.
std::uint64_t fingerprint(const Vehicle& v) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::string_view s : {std::string_view(v.vin), std::string_view(v.category), std::string_view(v.model),
                             std::string_view(v.colour ? *v.colour : std::string_view())}) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xFF) * 1099511628211ull;
  }
  return h;
}

Rgb colour_named(std::string_view name, std::uint64_t h) {
  static const std::array<std::pair<const char*, Rgb>, 17> kNamed{{
      {"red", {196, 42, 48}},      {"black", {40, 42, 48}},     {"blue", {36, 90, 170}},
      {"white", {242, 243, 240}},  {"silver", {192, 198, 204}}, {"green", {40, 140, 86}},
      {"grey", {112, 118, 126}},   {"gray", {112, 118, 126}},   {"yellow", {236, 188, 38}},
      {"orange", {234, 122, 34}},  {"brown", {128, 86, 52}},    {"maroon", {122, 30, 40}},
      {"purple", {110, 60, 150}},  {"gold", {206, 166, 70}},    {"beige", {214, 200, 166}},
      {"pink", {226, 120, 160}},   {"navy", {30, 48, 100}},
  }};
  const auto n = lower(name);
  for (const auto& [word, rgb] : kNamed)
    if (n == word) return rgb;
  for (const auto& [word, rgb] : kNamed)  // "dark blue", "pearl white"
    if (n.find(word) != std::string::npos) return rgb;
  return kNamed[h % kNamed.size()].second;
}

// Plain backdrops; a light vehicle gets a deeper one so that it stands out.
Rgb backdrop(std::uint64_t h, Rgb body) {
  static const std::array<Rgb, 5> kBackdrops{{{227, 236, 231}, {238, 230, 216}, {222, 231, 242}, {240, 228, 224},
                                              {232, 232, 226}}};
  static const std::array<Rgb, 3> kDeep{{{168, 190, 206}, {196, 184, 164}, {170, 192, 178}}};
  return luminance(body) > 0.65 ? kDeep[h % kDeep.size()] : kBackdrops[h % kBackdrops.size()];
}

constexpr int kW = kDemoPictureWidth, kH = kDemoPictureHeight;

// The cover: the whole vehicle from the side on a plain backdrop, with its shadow.
std::string side_view(Kind kind, const Palette& p, Rgb bg) {
  Canvas k(kW, kH, bg);
  k.view(40, 80, 2.8);
  k.paint(ellipse({100, 113}, 98, 5.5), darker(bg, 0.16));
  draw(k, kind, p);
  return k.png();
}

// The vehicle on a road under a sky with hills, facing left.
std::string on_the_road(Kind kind, const Palette& p, std::uint64_t h) {
  Canvas k(kW, kH, {0, 0, 0});
  const bool late = (h >> 8) % 3 == 0;
  const Rgb sky_top = late ? Rgb{236, 168, 118} : Rgb{118, 172, 226};
  const Rgb sky_low = late ? Rgb{250, 222, 176} : Rgb{206, 228, 244};
  k.band(0, 300, sky_top, sky_low);
  k.view(0, 0, 1);
  const double sun_x = 90 + static_cast<double>((h >> 16) % 460);
  k.paint(circle({sun_x, 92}, 34), late ? Rgb{255, 206, 120} : Rgb{255, 242, 190});
  const double shift = static_cast<double>((h >> 24) % 200);
  k.paint(ellipse({120 + shift, 330}, 260, 120), late ? Rgb{176, 150, 140} : Rgb{150, 186, 170});
  k.paint(ellipse({560 - shift / 2, 340}, 300, 110), late ? Rgb{150, 138, 110} : Rgb{112, 164, 110});
  k.band(300, 360, {118, 168, 92}, {100, 150, 78});
  k.band(360, 470, {92, 96, 102}, {78, 82, 88});
  k.band(470, 480, {100, 150, 78}, {94, 140, 72});
  k.paint(box(0, 364, kW, 367, 0), {214, 214, 206});
  k.paint(box(0, 463, kW, 466, 0), {214, 214, 206});
  for (int x = -20; x < kW; x += 80) k.paint(box(x, 432, x + 44, 436, 1), {236, 226, 150});
  k.view(520, 420 - 112 * 2.0, 2.0, true);
  k.paint(ellipse({100, 113}, 98, 5), {52, 56, 60}, 0.5);
  draw(k, kind, p);
  return k.png();
}

// A close-up of the front half.
std::string close_up(Kind kind, const Palette& p, Rgb bg) {
  Canvas k(kW, kH, bg);
  const V2 f = front_of(kind);
  constexpr double kScale = 4.6;
  k.view(330 - kScale * f.x, 250 - kScale * f.y, kScale);
  k.paint(ellipse({100, 113}, 98, 5.5), darker(bg, 0.16));
  draw(k, kind, p);
  return k.png();
}

}  // namespace

std::vector<std::string> demo_pictures(const Vehicle& v) {
  const auto h = fingerprint(v);
  const auto kind = kind_of(v);
  const Rgb body = colour_named(v.colour.value_or(""), h);
  const auto p = palette_of(body);
  const Rgb bg = backdrop(h, body);
  const Rgb bg2 = backdrop(h / 7 + 1, body);
  return {side_view(kind, p, bg), on_the_road(kind, p, h), close_up(kind, p, bg2)};
}

}  // namespace vehicle_service::tools
