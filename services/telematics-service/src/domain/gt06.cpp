#include "domain/gt06.hpp"

#include <chrono>

#include "domain/checksum.hpp"

namespace telematics::gt06 {

namespace {

std::uint8_t u8(std::string_view s, std::size_t i) { return static_cast<std::uint8_t>(s[i]); }
std::uint16_t u16(std::string_view s, std::size_t i) { return static_cast<std::uint16_t>(u8(s, i) << 8 | u8(s, i + 1)); }
std::uint32_t u32(std::string_view s, std::size_t i) {
  return static_cast<std::uint32_t>(u16(s, i)) << 16 | u16(s, i + 2);
}

void need(std::string_view content, std::size_t n, const char* what) {
  if (content.size() < n) throw DecodeError(what, "content too short");
}

void put16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xFF));
}

// The 18-byte GPS block at `at`.
Fix decode_gps(std::string_view c, std::size_t at, int tz_offset_minutes) {
  need(c, at + 18, "gps");
  const int yy = u8(c, at), mo = u8(c, at + 1), dd = u8(c, at + 2);
  const int hh = u8(c, at + 3), mi = u8(c, at + 4), ss = u8(c, at + 5);
  if (mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59) throw DecodeError("gps.time", "not a valid date and time");
  using namespace std::chrono;
  const year_month_day ymd{year{2000 + yy}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(dd)}};
  if (!ymd.ok()) throw DecodeError("gps.time", "not a valid date");
  Fix f;
  f.time = sys_days{ymd} + hours{hh} + minutes{mi} + seconds{ss} - minutes{tz_offset_minutes};
  f.satellites = u8(c, at + 6) & 0x0F;
  double lat = u32(c, at + 7) / 1800000.0;
  double lon = u32(c, at + 11) / 1800000.0;
  f.speed_kmh = u8(c, at + 15);
  const std::uint16_t flags = u16(c, at + 16);
  f.course = flags & 0x03FF;
  if (!(flags & 0x0400)) lat = -lat;  // bit 10 set: north
  if (flags & 0x0800) lon = -lon;     // bit 11 set: west
  if (lat > 90 || lon > 180 || lon < -180) throw DecodeError("gps.position", "out of range");
  f.lat = lat;
  f.lon = lon;
  f.valid = (flags & 0x1000) != 0;
  if (flags & 0x4000) f.ignition = (flags & 0x8000) != 0;
  return f;
}

std::optional<std::string> alarm_of_terminal_info(std::uint8_t info) {
  switch ((info >> 3) & 0x07) {
    case 1: return "vibration";
    case 2: return "power_cut";
    case 3: return "low_battery";
    case 4: return "sos";
    case 6: return "geofence";
    default: return std::nullopt;
  }
}

std::optional<std::string> alarm_of_byte(std::uint8_t a) {
  switch (a) {
    case 0x01: return "sos";
    case 0x02: return "power_cut";
    case 0x03: return "vibration";
    case 0x04: return "geofence_enter";
    case 0x05: return "geofence_exit";
    case 0x06: return "overspeed";
    default: return std::nullopt;
  }
}

// terminalInfo, voltageLevel, gsmSignal, alarm, language at `at`.
void decode_status(std::string_view c, std::size_t at, Message& m, bool with_alarm_byte) {
  need(c, at + 3, "status");
  const std::uint8_t info = u8(c, at);
  m.ignition = (info & 0x02) != 0;
  m.charging = (info & 0x04) != 0;
  m.oil_cut = (info & 0x80) != 0;
  const int level = u8(c, at + 1);
  if (level <= 6 && m.fix) m.fix->battery_percent = level * 100.0 / 6;
  if (with_alarm_byte && c.size() >= at + 4) {
    if (auto a = alarm_of_byte(u8(c, at + 3))) m.alarm = a;
  }
  if (!m.alarm) m.alarm = alarm_of_terminal_info(info);
}

}  // namespace

ScanResult scan(std::string_view in, std::size_t max_frame) {
  ScanResult r;
  // Skip to the first start marker.
  std::size_t start = 0;
  while (start + 1 < in.size() && !((in[start] == '\x78' && in[start + 1] == '\x78') ||
                                    (in[start] == '\x79' && in[start + 1] == '\x79')))
    ++start;
  if (start > 0) {
    // Drop what precedes the marker; a lone last 0x78/0x79 may start a frame, so keep it.
    const bool at_marker = start + 1 < in.size();
    const bool last_may_start = !at_marker && (in[start] == '\x78' || in[start] == '\x79');
    r.status = Scan::Garbage;
    r.consumed = (at_marker || last_may_start) ? start : in.size();
    return r;
  }
  if (in.size() < 2) return r;  // NeedMore
  const bool extended = in[0] == '\x79';
  const std::size_t header = extended ? 4 : 3;
  if (in.size() < header) return r;
  const std::size_t len = extended ? u16(in, 2) : u8(in, 2);
  const std::size_t total = header + len + 2;  // + 0D 0A
  if (len < 5 || total > max_frame) {
    r.status = Scan::Garbage;
    r.consumed = 2;  // drop the marker; resynchronise on the next one
    return r;
  }
  if (in.size() < total) return r;  // NeedMore
  r.consumed = total;
  const std::string_view covered = in.substr(2, header - 2 + len - 2);  // LEN .. SERIAL
  const std::uint16_t crc = u16(in, header + len - 2);
  if (in[total - 2] != '\x0D' || in[total - 1] != '\x0A' || crc16_x25(covered) != crc) {
    r.status = Scan::BadCrc;
    return r;
  }
  Frame f;
  f.extended = extended;
  f.protocol = u8(in, header);
  f.content = std::string(in.substr(header + 1, len - 5));
  f.serial = u16(in, header + len - 4);
  r.status = Scan::Frame;
  r.frame = std::move(f);
  return r;
}

Message decode(const Frame& f, int tz_offset_minutes) {
  Message m;
  m.protocol = f.protocol;
  m.serial = f.serial;
  m.needs_ack = !f.extended && !(f.protocol >= 0x80 && f.protocol <= 0x82) && f.protocol != kCommandReply;
  const std::string_view c = f.content;
  switch (f.protocol) {
    case kLogin: {
      need(c, 8, "imei");
      static const char* hex = "0123456789abcdef";
      std::string digits;
      for (std::size_t i = 0; i < 8; ++i) {
        digits.push_back(hex[u8(c, i) >> 4]);
        digits.push_back(hex[u8(c, i) & 0x0F]);
      }
      m.imei = digits.substr(1);
      for (char ch : m.imei)
        if (ch < '0' || ch > '9') throw DecodeError("imei", "not BCD digits");
      break;
    }
    case kGps:
      m.fix = decode_gps(c, 0, tz_offset_minutes);
      m.ignition = m.fix->ignition;
      break;
    case kGpsN:
      m.fix = decode_gps(c, 0, tz_offset_minutes);
      m.ignition = m.fix->ignition;
      // GPS(18) + LBS(8) + ACC(1) + upload mode(1) + re-upload(1)
      if (c.size() >= 18 + 8 + 1) {
        m.ignition = u8(c, 26) != 0;
        m.fix->ignition = m.ignition;
      }
      break;
    case kStatus:
    case kHeartbeatGk310:
      if (f.protocol == kStatus) decode_status(c, 0, m, true);
      break;
    case kAlarm:
    case kAlarmN: {
      m.fix = decode_gps(c, 0, tz_offset_minutes);
      // GPS(18) + LBS length byte + LBS, then the status block.
      need(c, 19, "lbs");
      const std::size_t lbs_len = u8(c, 18);
      decode_status(c, 18 + 1 + lbs_len, m, true);
      if (m.ignition) m.fix->ignition = m.ignition;
      break;
    }
    case kCommandReply: {
      need(c, 5, "reply");
      const std::size_t len = u8(c, 0);
      m.server_flag = u32(c, 1);
      if (len < 4 || c.size() < 1 + len) throw DecodeError("reply", "length out of range");
      m.text = std::string(c.substr(5, len - 4));
      break;
    }
    default:
      break;
  }
  return m;
}

std::string encode_frame(std::uint8_t protocol, std::string_view content, std::uint16_t serial) {
  const std::size_t len = 1 + content.size() + 2 + 2;
  const bool extended = len > 0xFF;
  std::string out;
  out.reserve(len + 6);
  out.append(extended ? "\x79\x79" : "\x78\x78");
  if (extended) put16(out, static_cast<std::uint16_t>(len));
  else out.push_back(static_cast<char>(len));
  out.push_back(static_cast<char>(protocol));
  out.append(content);
  put16(out, serial);
  put16(out, crc16_x25(std::string_view(out).substr(2)));
  out.append("\x0D\x0A");
  return out;
}

std::string encode_ack(std::uint8_t protocol, std::uint16_t serial) { return encode_frame(protocol, {}, serial); }

std::string encode_command(std::string_view text, std::uint32_t server_flag, std::uint16_t serial) {
  std::string content;
  content.push_back(static_cast<char>(4 + text.size()));
  put16(content, static_cast<std::uint16_t>(server_flag >> 16));
  put16(content, static_cast<std::uint16_t>(server_flag & 0xFFFF));
  content.append(text);
  return encode_frame(kCommand, content, serial);
}

}  // namespace telematics::gt06
