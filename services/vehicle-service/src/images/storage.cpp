#include "images/storage.hpp"

#include <fstream>
#include <rto/crypto.hpp>
#include <stdexcept>
#include <system_error>

namespace vehicle_service {

namespace fs = std::filesystem;

LocalDirectoryStorage::LocalDirectoryStorage(fs::path root) : root_(fs::absolute(std::move(root))) {
  std::error_code ec;
  fs::create_directories(root_, ec);
  if (ec || !fs::is_directory(root_)) throw std::runtime_error("cannot create the image directory " + root_.string());
}

fs::path LocalDirectoryStorage::path_of(std::string_view key) const {
  bool ok = key.size() >= 3 && key.size() <= 80 && key.front() != '.';
  for (char c : key)
    ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '.');
  if (!ok) throw std::invalid_argument("invalid image storage key");
  return root_ / std::string(key.substr(0, 2)) / std::string(key);
}

void LocalDirectoryStorage::put(std::string_view key, std::string_view bytes) {
  auto target = path_of(key);
  fs::create_directories(target.parent_path());
  auto tmp = target;
  tmp += ".tmp-" + rto::crypto::random_token(6);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw std::runtime_error("cannot write an image file");
    }
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw std::runtime_error("cannot move an image file into place");
  }
}

std::optional<std::string> LocalDirectoryStorage::get(std::string_view key) const {
  std::ifstream in(path_of(key), std::ios::binary);
  if (!in) return std::nullopt;
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return data;
}

void LocalDirectoryStorage::remove(std::string_view key) {
  std::error_code ec;
  fs::remove(path_of(key), ec);
}

}  // namespace vehicle_service
