#include "rto/zone.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace rto {

using namespace std::chrono;
using TimePoint = system_clock::time_point;
using Date = sys_days;

bool valid_zone_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.find("..") != std::string_view::npos) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+')) return false;
  return true;
}

Zone Zone::fixed(std::string name, int offset_seconds) {
  Zone z;
  z.name_ = std::move(name);
  z.initial_offset_ = offset_seconds;
  return z;
}

namespace {
std::int64_t be(std::string_view b, std::size_t at, int bytes) {
  if (at + static_cast<std::size_t>(bytes) > b.size()) throw std::invalid_argument("TZif: truncated");
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(i)]);
  if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}
}  // namespace

Zone Zone::from_tzif(std::string name, std::string_view b) {
  if (b.size() < 44 || b.substr(0, 4) != "TZif") throw std::invalid_argument("TZif: bad magic");
  struct Header {
    std::int64_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
  };
  auto header = [&](std::size_t at) {
    return Header{be(b, at + 20, 4), be(b, at + 24, 4), be(b, at + 28, 4),
                  be(b, at + 32, 4), be(b, at + 36, 4), be(b, at + 40, 4)};
  };
  auto block_size = [](const Header& h, int tsize) {
    return static_cast<std::size_t>(h.timecnt * tsize + h.timecnt + h.typecnt * 6 + h.charcnt +
                                    h.leapcnt * (tsize + 4) + h.isstdcnt + h.isutcnt);
  };
  char version = b[4];
  Header h = header(0);
  std::size_t at = 44;
  int tsize = 4;
  if (version >= '2') {  // skip the 32-bit block; use the 64-bit one
    at += block_size(h, 4);
    if (b.size() < at + 44 || b.substr(at, 4) != "TZif") throw std::invalid_argument("TZif: bad second header");
    h = header(at);
    at += 44;
    tsize = 8;
  }
  if (h.typecnt < 1 || h.timecnt < 0 || h.typecnt > 256) throw std::invalid_argument("TZif: bad counts");
  if (b.size() < at + block_size(h, tsize)) throw std::invalid_argument("TZif: truncated");
  Zone z;
  z.name_ = std::move(name);
  std::vector<std::int64_t> times(static_cast<std::size_t>(h.timecnt));
  for (std::size_t i = 0; i < times.size(); ++i) times[i] = be(b, at + i * static_cast<std::size_t>(tsize), tsize);
  std::size_t idx_at = at + times.size() * static_cast<std::size_t>(tsize);
  std::size_t types_at = idx_at + times.size();
  std::vector<int> type_offsets(static_cast<std::size_t>(h.typecnt));
  for (std::size_t i = 0; i < type_offsets.size(); ++i) type_offsets[i] = static_cast<int>(be(b, types_at + i * 6, 4));
  z.initial_offset_ = type_offsets[0];
  for (std::size_t i = 0; i < times.size(); ++i) {
    auto t = static_cast<unsigned char>(b[idx_at + i]);
    if (t >= type_offsets.size()) throw std::invalid_argument("TZif: bad type index");
    if (!z.transitions_.empty() && times[i] <= z.transitions_.back()) throw std::invalid_argument("TZif: unordered");
    z.transitions_.push_back(times[i]);
    z.offsets_.push_back(type_offsets[t]);
  }
  return z;
}

int Zone::offset_at(TimePoint t) const noexcept {
  auto s = duration_cast<seconds>(t.time_since_epoch()).count();
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s);
  if (it == transitions_.begin()) return initial_offset_;
  return offsets_[static_cast<std::size_t>(it - transitions_.begin() - 1)];
}

Date Zone::local_date(TimePoint t) const noexcept {
  return floor<days>(t + seconds{offset_at(t)});
}

int Zone::local_minutes(TimePoint t) const noexcept {
  auto local = t + seconds{offset_at(t)};
  return static_cast<int>(duration_cast<minutes>(local - floor<days>(local)).count());
}

TimePoint Zone::start_of(Date d) const noexcept {
  // Local midnight of d is UTC midnight minus the offset in force then (the offset one day
  // earlier is a fine estimate for zones whose offset changes rarely).
  TimePoint guess = TimePoint(d.time_since_epoch()) - seconds{offset_at(TimePoint(d.time_since_epoch()))};
  return TimePoint(d.time_since_epoch()) - seconds{offset_at(guess)};
}

}  // namespace rto
