#pragma once
// The model version 1 document exactly as migration V0001 seeds it (between the $model$ quotes),
// so the worked examples check the model that ships.
#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "domain/model.hpp"

inline boost::json::object seed_model_document() {
  std::ifstream f(CREDIT_SEED_MIGRATION);
  if (!f) throw std::runtime_error("cannot read " CREDIT_SEED_MIGRATION);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string sql = ss.str();
  const std::string mark = "$model$";
  auto b = sql.find(mark);
  auto e = sql.find(mark, b + mark.size());
  if (b == std::string::npos || e == std::string::npos) throw std::runtime_error("no $model$ block in the migration");
  return boost::json::parse(sql.substr(b + mark.size(), e - b - mark.size())).as_object();
}

inline credit_service::Model seed_model() {
  auto m = credit_service::parse_model(seed_model_document());
  m.version = 1;
  return m;
}
