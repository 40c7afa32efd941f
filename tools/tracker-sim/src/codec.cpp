#include "trackersim/codec.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace trackersim {

namespace {

void put8(std::string& out, unsigned v) { out.push_back(static_cast<char>(v & 0xFF)); }
void put16(std::string& out, unsigned v) {
  put8(out, v >> 8);
  put8(out, v);
}
void put24(std::string& out, std::uint32_t v) {
  put8(out, v >> 16);
  put16(out, v & 0xFFFF);
}
void put32(std::string& out, std::uint32_t v) {
  put16(out, v >> 16);
  put16(out, v & 0xFFFF);
}
void put64(std::string& out, std::uint64_t v) {
  put32(out, static_cast<std::uint32_t>(v >> 32));
  put32(out, static_cast<std::uint32_t>(v));
}
std::uint64_t get(std::string_view s, std::size_t at, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = v << 8 | static_cast<unsigned char>(s[at + i]);
  return v;
}

template <typename T>
T clamp_round(double v, T lo, T hi) {
  const double r = std::round(v);
  if (r < static_cast<double>(lo)) return lo;
  if (r > static_cast<double>(hi)) return hi;
  return static_cast<T>(r);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::uint16_t crc16_x25(std::string_view bytes) noexcept {
  std::uint16_t crc = 0xFFFF;
  for (unsigned char b : bytes) {
    crc ^= b;
    for (int i = 0; i < 8; ++i) crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ 0x8408) : static_cast<std::uint16_t>(crc >> 1);
  }
  return static_cast<std::uint16_t>(~crc);
}

std::uint16_t crc16_ibm(std::string_view bytes) noexcept {
  std::uint16_t crc = 0;
  for (unsigned char b : bytes) {
    crc ^= b;
    for (int i = 0; i < 8; ++i) crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001) : static_cast<std::uint16_t>(crc >> 1);
  }
  return crc;
}

char luhn_digit(std::string_view body) {
  if (body.size() != 14) throw std::invalid_argument("an IMEI body has 14 digits");
  int sum = 0;
  // Counted from the right of the whole number (check digit at position 1): the body's last
  // digit is at position 2 and is doubled, and so on every other one.
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[body.size() - 1 - i];
    if (c < '0' || c > '9') throw std::invalid_argument("an IMEI has only digits");
    int d = c - '0';
    if (i % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

bool valid_imei(std::string_view imei) {
  if (imei.size() != 15) return false;
  if (!std::all_of(imei.begin(), imei.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  return luhn_digit(imei.substr(0, 14)) == imei[14];
}

std::string imei_from(std::string_view base, std::uint64_t n) {
  if (base.empty() || base.size() > 14 || !std::all_of(base.begin(), base.end(), [](char c) { return c >= '0' && c <= '9'; }))
    throw std::invalid_argument("an IMEI base has 1 to 14 digits");
  std::string padded(base);
  padded.append(14 - base.size(), '0');
  const std::uint64_t body = std::stoull(padded) + n;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%014llu", static_cast<unsigned long long>(body));
  std::string out(buf);
  if (out.size() != 14) throw std::invalid_argument("the IMEI base leaves no room for that many devices");
  out.push_back(luhn_digit(out));
  return out;
}

// ---------------------------------------------------------------------------------------- GT06

namespace gt06 {

std::string frame(std::uint8_t protocol, std::string_view content, std::uint16_t serial) {
  const std::size_t len = 1 + content.size() + 2 + 2;  // PROTO .. CRC
  const bool extended = len > 0xFF;
  std::string body;  // LEN .. SERIAL, what the CRC covers
  if (extended) put16(body, static_cast<unsigned>(len));
  else put8(body, static_cast<unsigned>(len));
  put8(body, protocol);
  body.append(content);
  put16(body, serial);
  std::string out = extended ? "\x79\x79" : "\x78\x78";
  out += body;
  put16(out, crc16_x25(body));
  out += "\r\n";
  return out;
}

std::string login(std::string_view imei, std::uint16_t serial) {
  if (imei.size() != 15) throw std::invalid_argument("an IMEI has 15 digits");
  const std::string digits = "0" + std::string(imei);
  std::string bcd;
  for (std::size_t i = 0; i < 16; i += 2) put8(bcd, static_cast<unsigned>((digits[i] - '0') << 4 | (digits[i + 1] - '0')));
  return frame(kLogin, bcd, serial);
}

namespace {
void gps_block(std::string& out, const Report& r) {
  using namespace std::chrono;
  const auto t = floor<seconds>(r.time);
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  put8(out, static_cast<unsigned>(static_cast<int>(ymd.year()) - 2000));
  put8(out, static_cast<unsigned>(ymd.month()));
  put8(out, static_cast<unsigned>(ymd.day()));
  put8(out, static_cast<unsigned>(hms.hours().count()));
  put8(out, static_cast<unsigned>(hms.minutes().count()));
  put8(out, static_cast<unsigned>(hms.seconds().count()));
  put8(out, 0xC0u | static_cast<unsigned>(std::clamp(r.satellites, 0, 15)));  // 12 bytes of GPS data, satellites
  put32(out, clamp_round<std::uint32_t>(std::abs(r.lat) * 1'800'000.0, 0, 0xFFFFFFFF));
  put32(out, clamp_round<std::uint32_t>(std::abs(r.lon) * 1'800'000.0, 0, 0xFFFFFFFF));
  put8(out, clamp_round<unsigned>(r.speed_kmh, 0, 255));
  unsigned status = clamp_round<unsigned>(r.course, 0, 359) & 0x3FF;
  if (r.satellites > 0) status |= 1u << 12;  // positioned
  if (r.lat >= 0) status |= 1u << 10;        // north
  if (r.lon < 0) status |= 1u << 11;         // west
  put16(out, status);
}
unsigned voltage_level(const Report& r) {
  // 0 no power .. 6 full; from the battery when the external supply is off.
  if (r.external_voltage >= 11.5) return 6;
  return static_cast<unsigned>(std::clamp(r.battery_percent * 6 / 100, 0, 6));
}
}  // namespace

std::string location(const Report& r, std::uint16_t serial) {
  std::string c;
  gps_block(c, r);
  put16(c, static_cast<unsigned>(r.mcc));
  put8(c, static_cast<unsigned>(r.mnc));
  put16(c, r.lac);
  put24(c, r.cell_id & 0xFFFFFF);
  put8(c, r.ignition ? 1 : 0);  // ACC
  put8(c, 0x00);                // upload mode: at a fixed interval
  put8(c, 0x00);                // real time, not a re-upload
  return frame(kLocation, c, serial);
}

std::string heartbeat(const Report& r, std::uint16_t serial) {
  unsigned info = 1u << 6;  // GPS tracking on
  if (r.ignition) info |= 1u << 1;
  if (r.external_voltage >= 11.5) info |= 1u << 2;  // charging from the vehicle
  if (r.immobilised) info |= 1u << 7;               // oil and electricity cut
  std::string c;
  put8(c, info);
  put8(c, voltage_level(r));
  put8(c, 4);     // GSM signal: strong
  put16(c, 0x0002);  // no alarm, English
  return frame(kStatus, c, serial);
}

std::string command_reply(std::uint32_t server_flag, std::string_view text, std::uint16_t serial) {
  std::string c;
  put8(c, static_cast<unsigned>(4 + text.size()));
  put32(c, server_flag);
  c.append(text);
  put16(c, 0x0002);
  return frame(kCommandReply, c, serial);
}

Incoming read(std::string_view in) {
  Incoming m;
  if (in.size() < 2) return m;
  const bool shortf = in[0] == '\x78' && in[1] == '\x78';
  const bool longf = in[0] == '\x79' && in[1] == '\x79';
  if (!shortf && !longf) {
    // Out of step: skip to the next start mark.
    std::size_t next = 1;
    while (next + 1 < in.size() && !((in[next] == '\x78' && in[next + 1] == '\x78') || (in[next] == '\x79' && in[next + 1] == '\x79'))) ++next;
    m.status = Incoming::Status::Bad;
    m.consumed = next;
    return m;
  }
  const std::size_t lw = longf ? 2 : 1;
  if (in.size() < 2 + lw) return m;
  const std::size_t len = get(in, 2, lw);
  const std::size_t total = 2 + lw + len + 2;
  if (len < 5) {
    m.status = Incoming::Status::Bad;
    m.consumed = 2;
    return m;
  }
  if (in.size() < total) return m;
  m.consumed = total;
  const auto covered = in.substr(2, lw + len - 2);
  if (get(in, 2 + lw + len - 2, 2) != crc16_x25(covered) || in.substr(total - 2, 2) != "\r\n") {
    m.status = Incoming::Status::Bad;
    return m;
  }
  m.protocol = static_cast<std::uint8_t>(in[2 + lw]);
  m.content = std::string(in.substr(2 + lw + 1, len - 5));
  m.serial = static_cast<std::uint16_t>(get(in, 2 + lw + len - 4, 2));
  if (m.protocol == kCommand) {
    if (m.content.size() < 5) {
      m.status = Incoming::Status::Bad;
      return m;
    }
    const std::size_t n = static_cast<unsigned char>(m.content[0]);
    if (n < 4 || m.content.size() < 1 + n) {
      m.status = Incoming::Status::Bad;
      return m;
    }
    m.server_flag = static_cast<std::uint32_t>(get(m.content, 1, 4));
    m.text = m.content.substr(5, n - 4);
  }
  m.status = Incoming::Status::Frame;
  return m;
}

}  // namespace gt06

// ----------------------------------------------------------------------------------- Teltonika

namespace teltonika {

namespace {
std::string packet(std::string_view data) {
  std::string out(4, '\0');
  put32(out, static_cast<std::uint32_t>(data.size()));
  out.append(data);
  put32(out, crc16_ibm(data));
  return out;
}
}  // namespace

std::string handshake(std::string_view imei) {
  std::string out;
  put16(out, static_cast<unsigned>(imei.size()));
  out.append(imei);
  return out;
}

AvlRecord record_of(const Report& r) {
  using namespace std::chrono;
  AvlRecord a;
  a.timestamp_ms = static_cast<std::uint64_t>(duration_cast<milliseconds>(r.time.time_since_epoch()).count());
  a.priority = 0;  // low: a periodic record
  a.lon = clamp_round<std::int32_t>(r.lon * 1e7, -1'800'000'000, 1'800'000'000);
  a.lat = clamp_round<std::int32_t>(r.lat * 1e7, -900'000'000, 900'000'000);
  a.altitude = clamp_round<std::int16_t>(r.altitude_m, -32768, 32767);
  a.angle = clamp_round<std::uint16_t>(r.course, 0, 359);
  a.satellites = static_cast<std::uint8_t>(std::clamp(r.satellites, 0, 255));
  a.speed = clamp_round<std::uint16_t>(r.speed_kmh, 0, 0xFFFF);
  a.event_io = 0;
  a.io1 = {{239, r.ignition ? 1 : 0}, {240, r.speed_kmh > 0 ? 1 : 0}, {21, 4}};
  a.io2 = {{66, clamp_round<std::uint16_t>(r.external_voltage * 1000.0, 0, 0xFFFF)}};
  a.io4 = {{16, r.odometer_m}};
  return a;
}

std::string codec8e(const std::vector<AvlRecord>& records) {
  std::string d;
  put8(d, 0x8E);
  put8(d, static_cast<unsigned>(records.size()));
  for (const auto& a : records) {
    put64(d, a.timestamp_ms);
    put8(d, a.priority);
    put32(d, static_cast<std::uint32_t>(a.lon));
    put32(d, static_cast<std::uint32_t>(a.lat));
    put16(d, static_cast<std::uint16_t>(a.altitude));
    put16(d, a.angle);
    put8(d, a.satellites);
    put16(d, a.speed);
    put16(d, a.event_io);
    put16(d, static_cast<unsigned>(a.io1.size() + a.io2.size() + a.io4.size() + a.io8.size()));
    put16(d, static_cast<unsigned>(a.io1.size()));
    for (const auto& [id, v] : a.io1) {
      put16(d, id);
      put8(d, static_cast<unsigned>(v));
    }
    put16(d, static_cast<unsigned>(a.io2.size()));
    for (const auto& [id, v] : a.io2) {
      put16(d, id);
      put16(d, static_cast<unsigned>(v));
    }
    put16(d, static_cast<unsigned>(a.io4.size()));
    for (const auto& [id, v] : a.io4) {
      put16(d, id);
      put32(d, static_cast<std::uint32_t>(v));
    }
    put16(d, static_cast<unsigned>(a.io8.size()));
    for (const auto& [id, v] : a.io8) {
      put16(d, id);
      put64(d, v);
    }
    put16(d, 0);  // no variable-length values
  }
  put8(d, static_cast<unsigned>(records.size()));
  return packet(d);
}

std::string avl(const Report& r) { return codec8e({record_of(r)}); }

std::string codec12_response(std::string_view text) {
  std::string d;
  put8(d, 0x0C);
  put8(d, 1);
  put8(d, 0x06);
  put32(d, static_cast<std::uint32_t>(text.size()));
  d.append(text);
  put8(d, 1);
  return packet(d);
}

Incoming read(std::string_view in) {
  Incoming m;
  if (in.size() < 4) return m;
  const auto first = get(in, 0, 4);
  if (first != 0) {
    m.kind = Incoming::Kind::Ack;
    m.records = static_cast<std::uint32_t>(first);
    m.consumed = 4;
    return m;
  }
  if (in.size() < 8) return m;
  const std::size_t len = get(in, 4, 4);
  if (len < 8 || len > 64 * 1024) {
    m.kind = Incoming::Kind::Bad;
    m.consumed = in.size();
    return m;
  }
  if (in.size() < 12 + len) return m;
  m.consumed = 12 + len;
  const auto data = in.substr(8, len);
  if ((get(in, 8 + len, 4) & 0xFFFF) != crc16_ibm(data) || static_cast<unsigned char>(data[0]) != 0x0C) {
    m.kind = Incoming::Kind::Bad;
    return m;
  }
  // 0C | quantity | type 05 | size u32 | text | quantity
  const std::size_t size = get(data, 3, 4);
  if (static_cast<unsigned char>(data[2]) != 0x05 || 7 + size + 1 != data.size()) {
    m.kind = Incoming::Kind::Bad;
    return m;
  }
  m.text = std::string(data.substr(7, size));
  m.kind = Incoming::Kind::Command;
  return m;
}

}  // namespace teltonika

// -------------------------------------------------------------------------------------- OsmAnd

namespace osmand {

std::string target(std::string_view imei, const Report& r) {
  using namespace std::chrono;
  char buf[320];
  std::snprintf(buf, sizeof buf, "/?id=%.*s&lat=%.6f&lon=%.6f&timestamp=%lld&speed=%.1f&bearing=%.0f&altitude=%.0f&batt=%d",
                static_cast<int>(imei.size()), imei.data(), r.lat, r.lon,
                static_cast<long long>(duration_cast<seconds>(r.time.time_since_epoch()).count()), r.speed_kmh / kKmhPerKnot,
                r.course, r.altitude_m, r.battery_percent);
  return buf;
}

std::string request(std::string_view host, std::string_view imei, const Report& r) {
  std::string out = "GET " + target(imei, r) + " HTTP/1.1\r\nHost: ";
  out.append(host);
  out += "\r\nUser-Agent: tracker-sim\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n";
  return out;
}

Response read(std::string_view in) {
  Response r;
  const auto end = in.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (in.size() > 16 * 1024) {
      r.status = Response::Status::Bad;
      r.consumed = in.size();
    }
    return r;
  }
  const auto head = in.substr(0, end);
  const auto eol = head.find("\r\n");
  const auto status_line = head.substr(0, eol);
  if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/") {
    r.status = Response::Status::Bad;
    r.consumed = in.size();
    return r;
  }
  const auto sp = status_line.find(' ');
  r.code = std::atoi(std::string(status_line.substr(sp + 1, 3)).c_str());
  std::optional<std::size_t> length;
  bool chunked = false;
  if (status_line.substr(0, 8) == "HTTP/1.0") r.close = true;
  std::size_t at = eol == std::string_view::npos ? head.size() : eol + 2;
  while (at < head.size()) {
    auto next = head.find("\r\n", at);
    if (next == std::string_view::npos) next = head.size();
    const auto line = head.substr(at, next - at);
    at = next + 2;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const auto name = lower(line.substr(0, colon));
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (name == "content-length") length = static_cast<std::size_t>(std::strtoull(std::string(value).c_str(), nullptr, 10));
    else if (name == "transfer-encoding" && lower(value).find("chunked") != std::string::npos) chunked = true;
    else if (name == "connection") {
      const auto v = lower(value);
      if (v.find("close") != std::string::npos) r.close = true;
      else if (v.find("keep-alive") != std::string::npos) r.close = false;
    }
  }
  std::size_t pos = end + 4;
  if (chunked) {
    std::string body;
    for (;;) {
      const auto le = in.find("\r\n", pos);
      if (le == std::string_view::npos) return r;
      const std::size_t n = std::strtoull(std::string(in.substr(pos, le - pos)).c_str(), nullptr, 16);
      if (in.size() < le + 2 + n + 2) return r;
      body.append(in.substr(le + 2, n));
      pos = le + 2 + n + 2;
      if (n == 0) break;
    }
    r.body = std::move(body);
    r.consumed = pos;
  } else {
    const std::size_t n = length.value_or(0);
    if (in.size() < pos + n) return r;
    r.body = std::string(in.substr(pos, n));
    r.consumed = pos + n;
  }
  r.status = Response::Status::Complete;
  return r;
}

}  // namespace osmand

}  // namespace trackersim
