#include "rto/main.hpp"

#include <iostream>

#include "rto/db.hpp"
#include "rto/errors.hpp"
#include "rto/log.hpp"

namespace rto {

int run_service(std::string_view name, const std::function<int()>& body) {
  try {
    return body();
  } catch (const ConfigError& e) {
    // The config is read before logging is set up from it.
    log::init(name, "info");
    log::error("refusing to start: configuration", {{"error", e.what()}});
    std::cerr << name << ": " << e.what() << "\n";
    return 2;
  } catch (const db::MigrationError& e) {
    log::error("refusing to start: migrations", {{"error", e.what()}});
    return 3;
  } catch (const std::exception& e) {
    log::error("start-up failed", {{"error", e.what()}});
    return 1;
  }
}

}  // namespace rto
