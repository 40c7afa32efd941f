#include "domain/ledger.hpp"

#include <algorithm>

namespace payment_service {

std::string account::clearing(std::string_view provider) { return "clearing:" + std::string(provider); }

bool balanced(const Entry& e) noexcept {
  std::int64_t sum = 0;
  for (const auto& l : e.lines) sum += l.amount;
  return sum == 0 && !e.lines.empty();
}

std::int64_t balance_of(const std::vector<Entry>& entries, std::string_view account) noexcept {
  std::int64_t sum = 0;
  for (const auto& e : entries)
    for (const auto& l : e.lines)
      if (l.account == account) sum += l.amount;
  return sum;
}

namespace {
// Drops zero lines so entries stay readable; keeps at least the two sides.
Entry make(std::string kind, std::vector<Line> lines) {
  Entry e{std::move(kind), {}};
  for (auto& l : lines)
    if (l.amount != 0) e.lines.push_back(std::move(l));
  return e;
}
std::string acc(std::string_view a) { return std::string(a); }
}  // namespace

Entry contract_entry(std::int64_t price, std::int64_t charge) {
  return make("contract", {{acc(account::kReceivable), price + charge},
                           {acc(account::kVehicleSales), -price},
                           {acc(account::kUnearned), -charge}});
}

Entry payment_entry(std::string_view provider, std::int64_t to_receivable, std::int64_t to_credit) {
  return make("payment", {{account::clearing(provider), to_receivable + to_credit},
                          {acc(account::kReceivable), -to_receivable},
                          {acc(account::kCustomerCredit), -to_credit}});
}

Entry late_fee_entry(std::int64_t amount) {
  return make("late_fee", {{acc(account::kReceivable), amount}, {acc(account::kFeeIncome), -amount}});
}

Entry payoff_discount_entry(std::int64_t amount) {
  return make("payoff_discount", {{acc(account::kUnearned), amount}, {acc(account::kReceivable), -amount}});
}

Entry completion_entry(std::int64_t earned) {
  return make("completion", {{acc(account::kUnearned), earned}, {acc(account::kFinanceIncome), -earned}});
}

Entry cancellation_entry(std::int64_t price, std::int64_t charge, std::int64_t paid) {
  return make("cancellation", {{acc(account::kVehicleSales), price},
                               {acc(account::kUnearned), charge},
                               {acc(account::kReceivable), -(price + charge - paid)},
                               {acc(account::kCustomerCredit), -paid}});
}

Entry repossession_entry(std::int64_t outstanding, std::int64_t unearned) {
  const std::int64_t carried = std::max<std::int64_t>(0, outstanding - unearned);
  return make("repossession", {{acc(account::kUnearned), unearned},
                               {acc(account::kRepossessed), carried},
                               {acc(account::kFinanceIncome), outstanding - unearned - carried},
                               {acc(account::kReceivable), -outstanding}});
}

Entry refund_entry(std::string_view method, std::int64_t amount) {
  return make("refund", {{acc(account::kCustomerCredit), amount}, {account::clearing(method), -amount}});
}

Entry reversal_of(const Entry& e) {
  Entry r{"reversal", {}};
  for (const auto& l : e.lines) r.lines.push_back({l.account, -l.amount});
  return r;
}

Entry reclass_entry(std::int64_t amount) {
  return make("reclass", {{acc(account::kCustomerCredit), amount}, {acc(account::kReceivable), -amount}});
}

}  // namespace payment_service
