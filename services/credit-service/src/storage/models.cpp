#include <rto/clock.hpp>

#include "storage/queries.hpp"
#include "storage/rows.hpp"
#include "storage/storage.hpp"

namespace credit_service::storage {
using namespace detail;
namespace js = boost::json;

namespace {
ModelRow read_model(const pqxx::row& row) {
  ModelRow m;
  m.version = row[0].as<int>();
  m.name = row[1].as<std::string>();
  m.model = object_of(row[2]);
  m.active = row[3].as<bool>();
  m.created_by = opt_text(row[4]);
  m.created_at = time_of(row[5]);
  m.activated_by = opt_text(row[6]);
  m.activated_at = opt_time(row[7]);
  return m;
}
js::value text_or_null(const std::optional<std::string>& s) { return s ? js::value(*s) : js::value(nullptr); }
}  // namespace

js::object to_json(const ModelRow& m) {
  return {{"version", m.version},
          {"name", m.name},
          {"active", m.active},
          {"created_by", text_or_null(m.created_by)},
          {"created_at", rto::to_rfc3339(m.created_at)},
          {"activated_by", text_or_null(m.activated_by)},
          {"activated_at", m.activated_at ? js::value(rto::to_rfc3339(*m.activated_at)) : js::value(nullptr)},
          {"model", m.model}};
}

std::optional<ModelRow> find_model(Tx& tx, int version) {
  auto r = tx.exec_prepared(sql::kModelByVersion.name, version);
  if (r.empty()) return std::nullopt;
  return read_model(r[0]);
}

std::vector<ModelRow> list_models(Tx& tx) {
  std::vector<ModelRow> out;
  for (const auto& row : tx.exec_prepared(sql::kModelList.name)) out.push_back(read_model(row));
  return out;
}

void lock_models(Tx& tx) { tx.exec_prepared(sql::kModelLock.name); }

int insert_model(Tx& tx, const std::string& name, const js::object& doc, const std::string& created_by, TimePoint now) {
  return tx.exec_prepared1(sql::kModelInsert.name, name, js::serialize(doc), created_by, to_micros(now))[0].as<int>();
}

bool activate_model(Tx& tx, int version, const std::string& by, TimePoint now) {
  // The others first: the one-active index is checked per statement. When `version` is already
  // the active one, neither statement changes anything.
  tx.exec_prepared0(sql::kModelDeactivateOthers.name, version);
  return !tx.exec_prepared(sql::kModelActivate.name, version, by, to_micros(now)).empty();
}

}  // namespace credit_service::storage
