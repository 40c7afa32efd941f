#pragma once
// Double-entry journal entries, built here and only appended by storage. A line's amount is a
// debit when positive and a credit when negative; every entry's lines sum to zero (one
// currency per entry — a plan has one currency). Accounts are per plan:
//
//   receivable               what the customer owes on the plan (asset)
//   clearing:<provider>      money received through a provider, e.g. clearing:mtn_momo, clearing:cash
//   customer_credit          money held for the customer beyond what is owed (liability, for refund)
//   vehicle_sales            the vehicle's price, recognised when the contract is signed
//   unearned_finance_income  markup/interest not yet earned (liability until completion)
//   finance_income           markup/interest earned (at completion)
//   fee_income               late fees
//   repossessed_vehicles     the carrying amount of a vehicle taken back (asset, until resold)
//
// Balances are derived by summing lines; nothing is updated in place.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace payment_service {

namespace account {
inline constexpr std::string_view kReceivable = "receivable";
inline constexpr std::string_view kCustomerCredit = "customer_credit";
inline constexpr std::string_view kVehicleSales = "vehicle_sales";
inline constexpr std::string_view kUnearned = "unearned_finance_income";
inline constexpr std::string_view kFinanceIncome = "finance_income";
inline constexpr std::string_view kFeeIncome = "fee_income";
inline constexpr std::string_view kRepossessed = "repossessed_vehicles";
std::string clearing(std::string_view provider);
}  // namespace account

struct Line {
  std::string account;
  std::int64_t amount = 0;  // + debit, − credit
};

struct Entry {
  std::string kind;  // contract, payment, late_fee, payoff_discount, completion, cancellation, reversal, reclass,
                     // repossession, refund
  std::vector<Line> lines;
};

bool balanced(const Entry& e) noexcept;
std::int64_t balance_of(const std::vector<Entry>& entries, std::string_view account) noexcept;

// The plan is signed: the customer owes price + charge.
Entry contract_entry(std::int64_t price, std::int64_t charge);
// Money received: part pays what is owed, the rest is held as credit.
Entry payment_entry(std::string_view provider, std::int64_t to_receivable, std::int64_t to_credit);
Entry late_fee_entry(std::int64_t amount);
// Unearned charge waived on an early payoff.
Entry payoff_discount_entry(std::int64_t amount);
// The plan is complete: the charge that was not waived is earned.
Entry completion_entry(std::int64_t earned_charge);
// A pending plan is cancelled: the contract is undone and what was paid is held as credit.
Entry cancellation_entry(std::int64_t price, std::int64_t charge, std::int64_t paid);
// A defaulted plan is closed by taking the vehicle back. What is still owed leaves the
// receivable: the charge not yet earned (`unearned`, i.e. charge − payoff discounts) is
// unwound, the rest — the unpaid price and fees — becomes the carrying amount of the vehicle
// taken back. When the customer had already paid more than price and fees, that excess was
// finance income earned, and the vehicle is carried at nothing.
Entry repossession_entry(std::int64_t outstanding, std::int64_t unearned);
// Credit held for the customer is paid back to them through `method` (cash, mtn_momo, …).
Entry refund_entry(std::string_view method, std::int64_t amount);
// The mirror image of an entry (a payment reversed).
Entry reversal_of(const Entry& e);
// Moves `amount` from customer_credit to receivable (positive: credit now pays what is owed;
// negative: the other way), after a reversal re-derives the allocation.
Entry reclass_entry(std::int64_t amount);

}  // namespace payment_service
