#pragma once
// The model version 1 document exactly as migration V0001 seeds it (between the $model$ quotes),
// so the worked examples check the model that ships; and the version migration V0004 makes of it,
// version 1 with the factors between its $factor$ quotes added.
#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "domain/model.hpp"

// The JSON between the first two `mark`s of a migration file.
inline boost::json::value quoted_json(const char* path, const std::string& mark) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(std::string("cannot read ") + path);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string sql = ss.str();
  auto b = sql.find(mark);
  auto e = b == std::string::npos ? b : sql.find(mark, b + mark.size());
  if (b == std::string::npos || e == std::string::npos)
    throw std::runtime_error("no " + mark + " block in " + path);
  return boost::json::parse(sql.substr(b + mark.size(), e - b - mark.size()));
}

inline boost::json::object seed_model_document() {
  return quoted_json(CREDIT_SEED_MIGRATION, "$model$").as_object();
}

// Version 1 with the factors V0004 appends (its `name` and `description` aside, which do not score).
inline boost::json::object usage_model_document() {
  auto doc = seed_model_document();
  const auto added = quoted_json(CREDIT_USAGE_FACTOR_MIGRATION, "$factor$");
  for (const auto& f : added.as_array()) doc["factors"].as_array().push_back(f);
  doc["name"] = "rto-v1-usage";
  return doc;
}

inline credit_service::Model seed_model() {
  auto m = credit_service::parse_model(seed_model_document());
  m.version = 1;
  return m;
}

inline credit_service::Model usage_model() {
  auto m = credit_service::parse_model(usage_model_document());
  m.version = 2;
  return m;
}
