#include <boost/json.hpp>
#include <rto/errors.hpp>

#include "storage/queries.hpp"
#include "storage/rows.hpp"
#include "storage/storage.hpp"

namespace user_service::storage {
using namespace detail;

namespace {

// Reads the columns of sql::kUserColumns (in that order) from the start of a row.
User read_user(const pqxx::row& r) {
  User u;
  u.id = r[0].as<std::string>();
  u.phone = r[1].as<std::string>();
  u.email = opt_text(r[2]);
  u.full_name = r[3].as<std::string>();
  u.language = r[4].as<std::string>();
  u.roles = roles_from(r[5]);
  u.status = r[6].as<std::string>();
  u.kyc_status = r[7].as<std::string>();
  u.created_at = time_of(r[8]);
  u.updated_at = time_of(r[9]);
  return u;
}

}  // namespace

User insert_user(pqxx::transaction_base& tx, const NewUser& u) {
  try {
    tx.exec_prepared0(sql::kUserInsert.name, u.id, u.phone, u.email, u.full_name, u.password_hash, u.language,
                      roles_param(u.roles), to_micros(u.now));
  } catch (const pqxx::unique_violation&) {
    throw rto::Conflict("this phone number is already registered", {{"phone", "is already registered"}})
        .with_code("phone-taken");
  }
  User out;
  out.id = u.id;
  out.phone = u.phone;
  out.email = u.email;
  out.full_name = u.full_name;
  out.language = u.language;
  out.roles = u.roles;
  out.status = "active";
  out.created_at = out.updated_at = from_micros(to_micros(u.now));
  return out;
}

bool insert_user_if_absent(pqxx::transaction_base& tx, const NewUser& u) {
  auto r = tx.exec_prepared(sql::kUserInsertIfAbsent.name, u.id, u.phone, u.email, u.full_name, u.password_hash,
                            u.language, roles_param(u.roles), to_micros(u.now));
  return !r.empty();
}

bool phone_registered(pqxx::transaction_base& tx, const std::string& phone) {
  return !tx.exec_prepared(sql::kUserExistsByPhone.name, phone).empty();
}

std::optional<User> find_user(pqxx::transaction_base& tx, const std::string& id) {
  auto r = tx.exec_prepared(sql::kUserById.name, id);
  if (r.empty()) return std::nullopt;
  return read_user(r[0]);
}

std::vector<std::pair<User, std::optional<std::string>>> find_users(pqxx::transaction_base& tx,
                                                                    const std::vector<std::string>& ids) {
  boost::json::array arr;
  arr.reserve(ids.size());
  for (const auto& id : ids) arr.emplace_back(id);
  auto r = tx.exec_prepared(sql::kUsersByIds.name, boost::json::serialize(arr));
  std::vector<std::pair<User, std::optional<std::string>>> out;
  out.reserve(r.size());
  for (const auto& row : r) out.emplace_back(read_user(row), opt_text(row[10]));
  return out;
}

std::optional<UserWithCredentials> find_by_phone(pqxx::transaction_base& tx, const std::string& phone) {
  auto r = tx.exec_prepared(sql::kUserByPhoneWithHash.name, phone);
  if (r.empty()) return std::nullopt;
  return UserWithCredentials{read_user(r[0]), r[0][10].as<std::string>()};
}

void update_profile(pqxx::transaction_base& tx, const std::string& id, const ProfilePatch& p, TimePoint now) {
  std::optional<std::string> email = p.email ? *p.email : std::nullopt;
  tx.exec_prepared0(sql::kUserUpdateProfile.name, id, p.full_name, p.email.has_value(), email, p.language,
                    to_micros(now));
}

void set_roles(pqxx::transaction_base& tx, const std::string& id, const std::vector<std::string>& roles, TimePoint now) {
  tx.exec_prepared0(sql::kUserSetRoles.name, id, roles_param(roles), to_micros(now));
}

bool set_status(pqxx::transaction_base& tx, const std::string& id, const std::string& status, TimePoint now) {
  return !tx.exec_prepared(sql::kUserSetStatus.name, id, status, to_micros(now)).empty();
}

UserPage list_users(pqxx::transaction_base& tx, const UserListQuery& q) {
  // One row more than asked tells whether another page follows.
  const int fetch = q.limit + 1;
  pqxx::result r = q.after ? tx.exec_prepared(sql::kUserListAfter.name, q.status, q.role, q.text_pattern,
                                              q.phone_pattern, fetch, q.after->created_us, q.after->id, q.kyc_status)
                           : tx.exec_prepared(sql::kUserListFirst.name, q.status, q.role, q.text_pattern,
                                              q.phone_pattern, fetch, q.kyc_status);
  UserPage page;
  for (const auto& row : r) {
    if (static_cast<int>(page.items.size()) == q.limit) {
      const auto& last = page.items.back();
      page.next = PageCursor{to_micros(last.created_at), last.id};
      break;
    }
    page.items.push_back(read_user(row));
  }
  return page;
}

}  // namespace user_service::storage
