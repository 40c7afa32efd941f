// Registration, login, lockout, refresh rotation and family revocation, logout.
#include "fixture.hpp"

using namespace it;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> outbox_types_for(const std::string& subject) {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  std::vector<std::string> out;
  for (const auto& r : tx.exec_params("SELECT type FROM outbox WHERE subject = $1 ORDER BY seq", subject))
    out.push_back(r[0].as<std::string>());
  return out;
}

Reply refresh(const std::string& token) { return post("/api/v1/auth/refresh", {{"refresh_token", token}}); }

}  // namespace

TEST(Register, CreatesTheAccountWithTokensAndAnEvent) {
  auto phone = unique_phone();
  std::string national = "0" + phone.substr(4);  // 07… national form
  auto r = post("/api/v1/auth/register",
                {{"phone", national}, {"password", "boda-rider-42"}, {"full_name", "Amina Nakato"}, {"email", "amina@example.ug"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto& user = r.json.at("user").as_object();
  EXPECT_EQ(text(user.at("phone")), phone);
  EXPECT_EQ(user.at("roles"), js::array{"customer"});
  EXPECT_EQ(user.at("status"), "active");
  EXPECT_EQ(user.at("language"), "en");
  EXPECT_EQ(user.at("kyc_status"), "not_submitted");
  EXPECT_FALSE(user.contains("password_hash"));
  const auto& tokens = r.json.at("tokens").as_object();
  EXPECT_EQ(tokens.at("token_type"), "Bearer");
  EXPECT_EQ(tokens.at("expires_in"), 900);
  EXPECT_FALSE(tokens.at("access_token").as_string().empty());
  EXPECT_GE(tokens.at("refresh_token").as_string().size(), 40u);

  std::string id(user.at("id").as_string());
  EXPECT_EQ(outbox_types_for(id), std::vector<std::string>{"user.account.registered"});
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  auto env = tx.exec_params1("SELECT envelope FROM outbox WHERE subject = $1", id)[0].as<std::string>();
  auto data = js::parse(env).at("data").as_object();
  EXPECT_EQ(text(data.at("user_id")), id);
  EXPECT_EQ(data.at("language"), "en");
  EXPECT_EQ(env.find(phone.substr(1)), std::string::npos) << "no phone in the event";
  EXPECT_EQ(env.find("Amina"), std::string::npos) << "no name in the event";
  // The password is stored as an Argon2id hash, the refresh token as a SHA-256 hash.
  auto hash = tx.exec_params1("SELECT password_hash FROM users WHERE id = $1::uuid", id)[0].as<std::string>();
  EXPECT_TRUE(hash.starts_with("$argon2id$"));
  auto stored = tx.exec_params1("SELECT token_hash FROM refresh_tokens WHERE user_id = $1::uuid", id)[0].as<std::string>();
  EXPECT_EQ(stored, rto::crypto::sha256_hex(std::string(tokens.at("refresh_token").as_string())));
}

TEST(Register, DuplicatePhoneIsAConflictInAnyForm) {
  auto a = register_account();
  auto r = post("/api/v1/auth/register",
                {{"phone", "0" + a.phone.substr(4)}, {"password", "another-pass-1"}, {"full_name", "Someone Else"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_TRUE(r.is_problem());
  EXPECT_TRUE(r.names_field("phone"));
  EXPECT_EQ(outbox_types_for(a.id).size(), 1u);
}

TEST(Register, ConcurrentDuplicatesLeaveOneAccount) {
  auto phone = unique_phone();
  std::atomic<int> created{0}, conflicts{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([&] {
      auto r = post("/api/v1/auth/register", {{"phone", phone}, {"password", "boda-rider-42"}, {"full_name", "Racer"}});
      (r.status == 201 ? created : conflicts)++;
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(conflicts.load(), 3);
}

TEST(Register, RefusalsNameTheField) {
  auto phone = unique_phone();
  struct Case {
    std::string body, field;
  } cases[] = {
      {"{not json", "body"},
      {"[1,2]", "body"},
      {R"({"phone":"12345","password":"boda-rider-42","full_name":"Amina"})", "phone"},
      {R"({"phone":")" + phone + R"(","password":"short","full_name":"Amina"})", "password"},
      {R"({"phone":")" + phone + R"(","password":"12345678901","full_name":"Amina"})", "password"},
      {R"({"phone":")" + phone + R"(","password":")" + phone.substr(4) + R"(xy","full_name":"Amina"})", "password"},
      {R"({"phone":")" + phone + R"(","password":"boda-rider-42","full_name":"A"})", "full_name"},
      {R"({"phone":")" + phone + R"(","password":"boda-rider-42","full_name":"Amina","email":"x@"})", "email"},
      {R"({"phone":")" + phone + R"(","password":"boda-rider-42","full_name":"Amina","roles":["admin"]})", "roles"},
      {R"({"phone":")" + phone + R"(","password":true,"full_name":"Amina"})", "password"},
      {R"({"password":"boda-rider-42","full_name":"Amina"})", "phone"},
  };
  for (const auto& c : cases) {
    auto r = call(Method::Post, "/api/v1/auth/register", c.body);
    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_TRUE(r.is_problem()) << c.body;
    EXPECT_TRUE(r.names_field(c.field)) << c.body << " -> " << r.body;
  }
  // None of them created the account.
  EXPECT_EQ(login(phone, "boda-rider-42").status, 401);
}

TEST(Login, IssuesTokensAndRefusesWrongCredentialsAlike) {
  auto a = register_account();
  auto ok = login(a.phone, a.password);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.str("token_type"), "Bearer");
  EXPECT_FALSE(ok.str("refresh_token").empty());
  auto me = get("/api/v1/users/me", ok.str("access_token"));
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(text(me.json.at("id")), a.id);

  auto wrong = login(a.phone, a.password + "x");
  auto unknown = login(unique_phone(), a.password);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_TRUE(wrong.is_problem());
  EXPECT_EQ(wrong.str("detail"), unknown.str("detail"));
  EXPECT_EQ(wrong.str("type"), unknown.str("type"));
}

TEST(Login, FiveFailuresLockTheAccountForFifteenMinutes) {
  auto a = register_account();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(login(a.phone, "wrong-password-" + std::to_string(i)).status, 401);
  auto locked = login(a.phone, "wrong-password-x");
  ASSERT_EQ(locked.status, 423) << locked.body;
  EXPECT_TRUE(locked.is_problem());
  EXPECT_EQ(locked.str("type"), "/problems/account-locked");
  EXPECT_EQ(locked.header("Retry-After"), "900");
  // While locked, even the right password is not checked.
  EXPECT_EQ(login(a.phone, a.password).status, 423);

  world().clock->advance(10min);
  auto later = login(a.phone, a.password);
  EXPECT_EQ(later.status, 423);
  EXPECT_EQ(later.header("Retry-After"), "300");

  world().clock->advance(5min);
  EXPECT_EQ(login(a.phone, a.password).status, 200);
}

TEST(Login, SuccessClearsTheFailures) {
  auto a = register_account();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(login(a.phone, "wrong-password").status, 401);
  EXPECT_EQ(login(a.phone, a.password).status, 200);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(login(a.phone, "wrong-password").status, 401);
  EXPECT_EQ(login(a.phone, a.password).status, 200);
}

TEST(Login, FailuresOutsideTheWindowDoNotLock) {
  auto a = register_account();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(login(a.phone, "wrong-password").status, 401);
  world().clock->advance(16min);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(login(a.phone, "wrong-password").status, 401);
  EXPECT_EQ(login(a.phone, a.password).status, 200);
}

TEST(Login, UnknownPhonesAreThrottledWithoutBeingStored) {
  auto phone = unique_phone();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(login(phone, "guess-" + std::to_string(i)).status, 401);
  EXPECT_EQ(login(phone, "guess-6").status, 423);
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  auto dump = tx.exec("SELECT string_agg(phone_index, ',') FROM login_failures")[0][0].as<std::string>("");
  EXPECT_EQ(dump.find(phone.substr(1)), std::string::npos);
}

TEST(Login, ParallelGuessesCannotOutrunTheCounter) {
  auto a = register_account();
  std::atomic<int> unauthorized{0}, locked{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < 8; ++i)
    ts.emplace_back([&] {
      auto r = login(a.phone, "parallel-guess");
      (r.status == 401 ? unauthorized : locked)++;
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(unauthorized.load(), 5);
  EXPECT_EQ(locked.load(), 3);
  world().clock->advance(15min);
}

TEST(Login, MalformedRequests) {
  EXPECT_TRUE(call(Method::Post, "/api/v1/auth/login", "").names_field("body"));
  auto r = post("/api/v1/auth/login", {{"phone", "not a phone"}, {"password", 5}});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.names_field("phone"));
  EXPECT_TRUE(r.names_field("password"));
}

TEST(Refresh, RotatesAndDetectsReuse) {
  auto a = register_account();
  auto first = refresh(a.refresh_token);
  ASSERT_EQ(first.status, 200) << first.body;
  auto second_token = first.str("refresh_token");
  EXPECT_NE(second_token, a.refresh_token);
  EXPECT_EQ(get("/api/v1/users/me", first.str("access_token")).status, 200);

  auto second = refresh(second_token);
  ASSERT_EQ(second.status, 200);
  auto third_token = second.str("refresh_token");

  // The first token again: reuse. The whole family dies, the newest token included.
  auto reuse = refresh(a.refresh_token);
  EXPECT_EQ(reuse.status, 401);
  EXPECT_TRUE(reuse.is_problem());
  EXPECT_EQ(refresh(third_token).status, 401);

  // Other sessions (families) of the same user are untouched.
  auto other = login(a.phone, a.password);
  EXPECT_EQ(refresh(other.str("refresh_token")).status, 200);
}

TEST(Refresh, RefusesUnknownAndExpiredTokens) {
  EXPECT_EQ(refresh("not-a-token").status, 401);
  auto r = post("/api/v1/auth/refresh", js::object{});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.names_field("refresh_token"));

  auto a = register_account();
  world().clock->advance(std::chrono::hours(24 * 30) + 1s);
  EXPECT_EQ(refresh(a.refresh_token).status, 401);
}

TEST(Logout, RevokesTheFamily) {
  auto a = register_account();
  auto rotated = refresh(a.refresh_token);
  ASSERT_EQ(rotated.status, 200);
  auto current = rotated.str("refresh_token");
  auto out = post("/api/v1/auth/logout", {{"refresh_token", current}}, a.access_token);
  EXPECT_EQ(out.status, 204);
  EXPECT_EQ(refresh(current).status, 401);
  // Logging out needs a signed-in caller.
  auto anon = post("/api/v1/auth/logout", {{"refresh_token", current}});
  EXPECT_EQ(anon.status, 401);
  EXPECT_TRUE(anon.is_problem());
}

TEST(Logout, CannotRevokeSomeoneElsesSession) {
  auto victim = register_account();
  auto attacker = register_account();
  EXPECT_EQ(post("/api/v1/auth/logout", {{"refresh_token", victim.refresh_token}}, attacker.access_token).status, 204);
  EXPECT_EQ(refresh(victim.refresh_token).status, 200);
}

TEST(Disabled, CannotSignInRefreshOrUseTheApi) {
  auto a = register_account();
  auto admin = admin_token();
  auto d = post("/api/v1/users/" + a.id + "/disable", js::object{}, admin);
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.json.at("status"), "disabled");
  EXPECT_EQ(outbox_types_for(a.id), (std::vector<std::string>{"user.account.registered", "user.account.disabled"}));

  auto l = login(a.phone, a.password);
  EXPECT_EQ(l.status, 403);
  EXPECT_EQ(l.str("type"), "/problems/account-disabled");
  EXPECT_EQ(login(a.phone, "wrong-password").status, 401);  // the state is told only after a correct password
  EXPECT_EQ(refresh(a.refresh_token).status, 401);          // disabling revoked the refresh tokens
  auto me = get("/api/v1/users/me", a.access_token);         // a still-valid access token is refused
  EXPECT_EQ(me.status, 403);
  EXPECT_TRUE(me.is_problem());

  // Disabling twice changes nothing and emits nothing more.
  EXPECT_EQ(post("/api/v1/users/" + a.id + "/disable", js::object{}, admin).status, 200);
  EXPECT_EQ(outbox_types_for(a.id).size(), 2u);

  ASSERT_EQ(post("/api/v1/users/" + a.id + "/enable", js::object{}, admin).status, 200);
  EXPECT_EQ(login(a.phone, a.password).status, 200);
}
