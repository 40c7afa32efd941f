#pragma once
// Where a payment goes, and what closes a plan today. Pure functions over a plan's open
// items; the service loads them, calls these, and writes the result.
//
// Waterfall (one order, always): unpaid late fees (oldest first) → the deposit → the oldest
// overdue instalment … → the current one (the next falling due) → future instalments
// (pay-ahead). Money beyond everything owed is a credit balance, flagged for refund.
// Within an instalment the charge part is paid before the principal part.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "domain/calendar.hpp"

namespace payment_service {

struct OpenInstalment {
  int seq = 0;  // 0 = deposit
  Date due{};
  std::int64_t amount = 0;
  std::int64_t charge = 0;  // part of amount that is markup/interest
  std::int64_t paid = 0;
  std::int64_t waived = 0;  // discounted away by an early payoff
  std::int64_t remaining() const noexcept { return amount - paid - waived; }
  // Unpaid principal and charge, charge being paid first.
  std::int64_t remaining_charge() const noexcept;
  std::int64_t remaining_principal() const noexcept { return remaining() - remaining_charge(); }
};

struct OpenFee {
  std::int64_t id = 0;
  int seq = 0;  // the instalment whose lateness it charges
  Date assessed{};
  std::int64_t amount = 0;
  std::int64_t paid = 0;
  std::int64_t remaining() const noexcept { return amount - paid; }
};

// A plan's open items in order (fees by assessment, instalments by seq). May be a prefix of
// the unpaid instalments when the caller knows the payment cannot reach further.
struct OpenItems {
  std::vector<OpenFee> fees;
  std::vector<OpenInstalment> instalments;
};

enum class Target { Fee, Deposit, Overdue, Current, Future, Credit };
std::string_view to_string(Target t) noexcept;

struct Slice {
  Target target = Target::Credit;
  std::int64_t ref = 0;  // fee id, or instalment seq; 0 for credit
  std::int64_t amount = 0;
  bool settled = false;  // this slice finished paying the item
};

struct Settled {
  int seq = 0;
  Date due{};
  int days_late = 0;
  Date on{};  // the local date of the payment that finished it
};

struct Allocation {
  std::vector<Slice> slices;
  std::int64_t fees = 0, deposit = 0, overdue = 0, current = 0, future = 0, credit = 0;
  std::int64_t discount = 0;  // payoff only
  bool payoff = false;
  std::vector<std::pair<int, std::int64_t>> waivers;  // payoff only: (seq, waived)
  std::vector<Settled> settled;  // instalments this payment finished (deposit included)

  std::int64_t to_receivable() const noexcept { return fees + deposit + overdue + current + future; }
  std::int64_t total() const noexcept { return to_receivable() + credit; }
};

// Applies `amount` (> 0) on `today` (the payment's local date) and returns the allocation.
// Also updates `items` (paid amounts) so several payments can be applied in sequence.
Allocation allocate(OpenItems& items, std::int64_t amount, Date today);

struct PayoffQuote {
  std::int64_t fees = 0;               // unpaid late fees
  std::int64_t due_now = 0;            // deposit and instalments due on or before today, unpaid
  std::int64_t future_principal = 0;   // unpaid principal of instalments not yet due
  std::int64_t future_charge = 0;      // unpaid (unearned) charge of instalments not yet due
  std::int64_t discount = 0;           // waived part of the unearned charge
  std::int64_t amount = 0;             // what closes the plan today
  std::vector<std::pair<int, std::int64_t>> waivers;  // (seq, discount) per future instalment
};

// `items` must hold every open instalment. Unearned charge is that of instalments falling due
// after today; `discount_bps` of it is waived (the total rounded down to `unit`).
PayoffQuote payoff_quote(const OpenItems& items, Date today, int discount_bps, std::int64_t unit);

// Applies a payment of at least quote.amount: everything owed is paid, the waivers applied,
// the rest is credit. Updates `items`.
Allocation settle_payoff(OpenItems& items, const PayoffQuote& quote, std::int64_t amount, Date today);

// Re-derives a plan's items from scratch: `fresh` holds every fee (sorted by assessment) and
// every instalment with nothing paid; the payments are applied in the order they were
// received, each seeing only the fees assessed on or before its date. Returns the items as
// they stand and the total credit. (Plans closed by a payoff are never replayed.)
struct ReplayPayment {
  std::int64_t amount = 0;
  Date date{};
};
struct Replayed {
  OpenItems items;
  std::int64_t credit = 0;
  std::vector<Allocation> allocations;
};
Replayed replay(const OpenItems& fresh, const std::vector<ReplayPayment>& payments);

// True when nothing is owed (every fee and instalment paid or waived).
bool fully_settled(const OpenItems& items) noexcept;

}  // namespace payment_service
