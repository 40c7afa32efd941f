#include "domain/teltonika.hpp"

#include <chrono>

#include "domain/checksum.hpp"
#include "domain/time.hpp"

namespace telematics::teltonika {

namespace {

struct Reader {
  std::string_view s;
  std::size_t at = 0;
  bool ok = true;
  std::uint64_t take(std::size_t n) {
    if (at + n > s.size()) {
      ok = false;
      at = s.size();
      return 0;
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = v << 8 | static_cast<unsigned char>(s[at + i]);
    at += n;
    return v;
  }
  std::string_view bytes(std::size_t n) {
    if (at + n > s.size()) {
      ok = false;
      at = s.size();
      return {};
    }
    auto out = s.substr(at, n);
    at += n;
    return out;
  }
};

std::string be32(std::uint32_t v) {
  return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                     static_cast<char>(v)};
}

bool read_record(Reader& r, bool extended, Record& rec) {
  using namespace std::chrono;
  const auto ms = r.take(8);
  if (ms > static_cast<std::uint64_t>(kMaxDeviceMillis)) return false;  // no device clock (and past TimePoint's range)
  rec.fix.time = TimePoint(milliseconds(static_cast<std::int64_t>(ms)));
  rec.priority = static_cast<int>(r.take(1));
  rec.fix.lon = static_cast<std::int32_t>(r.take(4)) / 1e7;
  rec.fix.lat = static_cast<std::int32_t>(r.take(4)) / 1e7;
  rec.fix.altitude = static_cast<double>(static_cast<std::int16_t>(r.take(2)));
  rec.fix.course = static_cast<double>(r.take(2));
  rec.fix.satellites = static_cast<int>(r.take(1));
  rec.fix.speed_kmh = static_cast<double>(r.take(2));
  rec.fix.valid = rec.fix.satellites > 0;
  const std::size_t w = extended ? 2 : 1;
  rec.event_io = static_cast<int>(r.take(w));
  r.take(w);  // total IO count
  for (std::size_t size : {1u, 2u, 4u, 8u}) {
    const auto n = r.take(w);
    for (std::uint64_t i = 0; i < n && r.ok; ++i) {
      const int id = static_cast<int>(r.take(w));
      const auto value = r.take(size);
      rec.io.emplace_back(id, value);
      if (id == kIoIgnition) rec.fix.ignition = value != 0;
      if (id == kIoExternalVoltage) rec.fix.external_voltage = static_cast<double>(value) / 1000.0;
    }
  }
  if (extended) {  // variable-length values
    const auto n = r.take(2);
    for (std::uint64_t i = 0; i < n && r.ok; ++i) {
      r.take(2);
      r.bytes(static_cast<std::size_t>(r.take(2)));
    }
  }
  if (rec.fix.lat < -90 || rec.fix.lat > 90 || rec.fix.lon < -180 || rec.fix.lon > 180) return false;
  return r.ok;
}

}  // namespace

Handshake parse_handshake(std::string_view in) {
  Handshake h;
  if (in.size() < 2) return h;
  const std::size_t len = static_cast<unsigned char>(in[0]) << 8 | static_cast<unsigned char>(in[1]);
  if (len == 0 || len > 32) {
    h.status = Status::Bad;
    h.consumed = in.size();
    return h;
  }
  if (in.size() < 2 + len) return h;
  h.consumed = 2 + len;
  h.imei = std::string(in.substr(2, len));
  for (char c : h.imei)
    if (c < '0' || c > '9') {
      h.status = Status::Bad;
      return h;
    }
  h.status = Status::Ok;
  return h;
}

Packet parse_packet(std::string_view in, std::size_t max_packet) {
  Packet p;
  if (in.size() < 8) return p;
  Reader head{in};
  const auto preamble = head.take(4);
  const auto len = head.take(4);
  if (preamble != 0 || len < 3 || 12 + len > max_packet) {
    p.status = Status::Bad;
    p.consumed = in.size();  // out of step: drop what is buffered
    p.error = preamble != 0 ? "preamble" : "length";
    return p;
  }
  if (in.size() < 12 + len) return p;
  p.consumed = 12 + len;
  const auto data = in.substr(8, len);
  Reader crc_r{in.substr(8 + len, 4)};
  if ((crc_r.take(4) & 0xFFFF) != crc16_ibm(data)) {
    p.status = Status::Bad;
    p.error = "crc";
    return p;
  }
  Reader r{data};
  p.codec = static_cast<int>(r.take(1));
  const auto n1 = r.take(1);
  if (p.codec == 0x0C) {
    const auto type = r.take(1);
    const auto size = r.take(4);
    p.response = std::string(r.bytes(static_cast<std::size_t>(size)));
    if (!r.ok || type != 0x06) {
      p.status = Status::Bad;
      p.error = "codec 12 layout";
      return p;
    }
  } else if (p.codec == 0x08 || p.codec == 0x8E) {
    for (std::uint64_t i = 0; i < n1; ++i) {
      Record rec;
      if (!read_record(r, p.codec == 0x8E, rec)) {
        p.status = Status::Bad;
        p.error = "record layout";
        return p;
      }
      p.records.push_back(std::move(rec));
    }
  } else {
    p.status = Status::Bad;
    p.error = "codec";
    return p;
  }
  const auto n2 = r.take(1);
  if (!r.ok || n2 != n1 || r.at != data.size()) {
    p.status = Status::Bad;
    p.error = "record count";
    return p;
  }
  p.status = Status::Ok;
  return p;
}

std::optional<std::string> alarm_of(const Record& r) {
  const char* name = nullptr;
  switch (r.event_io) {
    case 252: name = "power_cut"; break;
    case 246: name = "tamper"; break;
    case 247: name = "accident"; break;
    case 249: name = "jamming"; break;
    case 255: name = "overspeed"; break;
    default: return std::nullopt;
  }
  for (const auto& [id, value] : r.io)
    if (id == r.event_io) return value != 0 ? std::optional<std::string>(name) : std::nullopt;
  return std::nullopt;
}

std::string encode_ack(std::uint32_t records) { return be32(records); }

std::string encode_command(std::string_view text) {
  std::string data = "\x0c\x01\x05";
  data += be32(static_cast<std::uint32_t>(text.size()));
  data.append(text);
  data.push_back('\x01');
  return std::string(4, '\0') + be32(static_cast<std::uint32_t>(data.size())) + data + be32(crc16_ibm(data));
}

}  // namespace telematics::teltonika
