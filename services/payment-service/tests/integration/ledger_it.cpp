// The journal in the database: balanced at commit, append-only, and plans' terms frozen.
#include "fixture.hpp"

using namespace it;

namespace {

// Runs sql in its own transaction; returns the error text ("" when it committed).
std::string attempt(const std::string& sql) {
  try {
    auto c = raw_db();
    pqxx::work tx(c);
    tx.exec(sql);
    tx.commit();
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace

TEST(Journal, AnUnbalancedEntryIsRefusedAtCommit) {
  auto c = new_customer();
  auto plan = active_plan(c);
  auto id = text(plan.at("id"));
  auto entry = "(INSERT INTO journal_entries (plan_id, kind, created_at) VALUES ('" + id + "', 'reclass', now()) RETURNING id)";
  auto unbalanced = attempt("WITH e AS " + entry +
                            " INSERT INTO journal_lines (entry_id, line_no, plan_id, currency, account, amount) "
                            "SELECT e.id, n, '" + id + "', 'UGX', a, v FROM e, (VALUES (1, 'receivable', 100), "
                            "(2, 'customer_credit', -99)) AS l(n, a, v)");
  EXPECT_NE(unbalanced.find("does not balance"), std::string::npos) << unbalanced;
  auto lonely = attempt("INSERT INTO journal_entries (plan_id, kind, created_at) VALUES ('" + id + "', 'reclass', now())");
  EXPECT_NE(lonely.find("fewer than two lines"), std::string::npos) << lonely;
  auto mixed = attempt("WITH e AS " + entry +
                       " INSERT INTO journal_lines (entry_id, line_no, plan_id, currency, account, amount) "
                       "SELECT e.id, n, '" + id + "', cur, a, v FROM e, (VALUES (1, 'UGX', 'receivable', 100), "
                       "(2, 'KES', 'customer_credit', -100)) AS l(n, cur, a, v)");
  EXPECT_NE(mixed.find("does not balance"), std::string::npos) << mixed;
  auto fine = attempt("WITH e AS " + entry +
                      " INSERT INTO journal_lines (entry_id, line_no, plan_id, currency, account, amount) "
                      "SELECT e.id, n, '" + id + "', 'UGX', a, v FROM e, (VALUES (1, 'vehicle_sales', 100), "
                      "(2, 'unearned_finance_income', -100)) AS l(n, a, v)");
  EXPECT_EQ(fine, "");
  EXPECT_TRUE(journal_balanced());
}

TEST(Journal, NothingIsChangedOrRemoved) {
  auto c = new_customer();
  auto plan = active_plan(c);
  auto id = text(plan.at("id"));
  for (auto sql : {"UPDATE journal_lines SET amount = amount + 1", "DELETE FROM journal_lines",
                   "DELETE FROM journal_entries", "UPDATE payments SET amount = 1", "DELETE FROM payments",
                   "TRUNCATE journal_lines CASCADE", "TRUNCATE payments CASCADE"}) {
    auto err = attempt(sql);
    EXPECT_NE(err.find("append-only"), std::string::npos) << sql << ": " << err;
  }
  auto price = attempt("UPDATE plans SET price = price + 1 WHERE id = '" + id + "'");
  EXPECT_NE(price.find("cannot change"), std::string::npos) << price;
  auto terms = attempt("UPDATE plans SET terms = '{}' WHERE id = '" + id + "'");
  EXPECT_NE(terms.find("cannot change"), std::string::npos) << terms;
  auto tmpl = attempt("UPDATE plan_templates SET terms = terms || '{\"rate_bps\": 1}'");
  EXPECT_NE(tmpl.find("immutable"), std::string::npos) << tmpl;
}

TEST(Journal, EveryPlanAgreesWithItsLedger) {
  // After whatever the other tests in this process did, and a fresh lifecycle here.
  set_local(2026, 3, 2);
  auto c = new_customer();
  auto plan = active_plan(c);
  set_local(2026, 3, 9);
  run_delinquency(payment_service::make_date(2026, 3, 9));
  pay(text(plan.at("reference")), 30'000);
  EXPECT_TRUE(journal_balanced());
  auto conn = raw_db();
  pqxx::read_transaction tx(conn);
  auto off = tx.exec(
      "SELECT p.id FROM plans p WHERE p.outstanding <> (SELECT COALESCE(sum(amount), 0) FROM journal_lines l "
      "WHERE l.plan_id = p.id AND l.account = 'receivable') OR p.credit_balance <> -(SELECT COALESCE(sum(amount), 0) "
      "FROM journal_lines l WHERE l.plan_id = p.id AND l.account = 'customer_credit') OR p.paid_total <> "
      "(SELECT COALESCE(sum(amount), 0) FROM journal_lines l WHERE l.plan_id = p.id AND l.account LIKE 'clearing:%')");
  EXPECT_EQ(off.size(), 0u);
}
