// The ledger and the schedule tell the same story: for random payment sequences (with late
// fees, reversals and early payoffs) every entry balances, the receivable equals what the
// re-derived schedule says is owed, the credit equals the money held beyond it, and
// allocated + credit == paid.
#include <gtest/gtest.h>

#include <random>

#include "domain/allocation.hpp"
#include "domain/delinquency.hpp"
#include "domain/ledger.hpp"
#include "domain/schedule.hpp"
#include "test_support.hpp"

using namespace payment_service;
using namespace payment_test;

namespace {

std::int64_t owed(const OpenItems& items) {
  std::int64_t s = 0;
  for (const auto& f : items.fees) s += f.remaining();
  for (const auto& in : items.instalments) s += in.remaining();
  return s;
}

OpenItems items_of(const Quote& q) {
  OpenItems items;
  items.instalments.push_back({0, q.start, q.deposit, 0, 0, 0});
  for (const auto& in : q.instalments) items.instalments.push_back({in.seq, in.due, in.amount, in.charge, 0, 0});
  return items;
}

struct Posted {
  ReplayPayment pay;
  Entry entry;
  bool reversed = false;
};

}  // namespace

TEST(LedgerEntries, EachKindBalances) {
  for (const auto& e : {contract_entry(4'000'000, 1'190'000), payment_entry("mtn_momo", 8'400, 600),
                        late_fee_entry(400), payoff_discount_entry(12'000), completion_entry(1'000),
                        cancellation_entry(4'000'000, 1'190'000, 300'000), reclass_entry(-500),
                        repossession_entry(4'600'000, 1'190'000), repossession_entry(700'000, 1'190'000),
                        refund_entry("cash", 20'000)}) {
    EXPECT_TRUE(balanced(e)) << e.kind;
    EXPECT_TRUE(balanced(reversal_of(e))) << e.kind;
  }
  Entry bad{"payment", {{"receivable", 10}, {"clearing:cash", -9}}};
  EXPECT_FALSE(balanced(bad));
  EXPECT_FALSE(balanced(Entry{"empty", {}}));
}

TEST(LedgerEntries, CancellationClearsTheReceivableAndHoldsWhatWasPaid) {
  std::vector<Entry> ledger{contract_entry(4'000'000, 1'000'000), payment_entry("cash", 250'000, 0)};
  ledger.push_back(cancellation_entry(4'000'000, 1'000'000, 250'000));
  EXPECT_EQ(balance_of(ledger, account::kReceivable), 0);
  EXPECT_EQ(balance_of(ledger, account::kVehicleSales), 0);
  EXPECT_EQ(balance_of(ledger, account::kUnearned), 0);
  EXPECT_EQ(balance_of(ledger, account::kCustomerCredit), -250'000);
  EXPECT_EQ(balance_of(ledger, account::clearing("cash")), 250'000);
}

TEST(LedgerEntries, RepossessionUnwindsTheChargeAndCarriesTheUnpaidPriceAndFees) {
  // Price 4,000,000, charge 1,190,000, 600,000 paid, 12,000 of late fees: 4,602,000 owed. The
  // charge was never earned; 4,000,000 + 12,000 − 600,000 = 3,412,000 is the vehicle taken back.
  std::vector<Entry> ledger{contract_entry(4'000'000, 1'190'000), payment_entry("mtn_momo", 600'000, 0),
                            late_fee_entry(12'000)};
  ASSERT_EQ(balance_of(ledger, account::kReceivable), 4'602'000);
  ledger.push_back(repossession_entry(4'602'000, 1'190'000));
  EXPECT_EQ(balance_of(ledger, account::kReceivable), 0);
  EXPECT_EQ(balance_of(ledger, account::kUnearned), 0);
  EXPECT_EQ(balance_of(ledger, account::kRepossessed), 3'412'000);
  EXPECT_EQ(balance_of(ledger, account::kFinanceIncome), 0);

  // Paid beyond price and fees (4,700,000 of 5,190,000): the 490,000 still owed is less than
  // the charge; the other 700,000 of the charge was earned and the vehicle is carried at nothing.
  std::vector<Entry> late{contract_entry(4'000'000, 1'190'000), payment_entry("cash", 4'700'000, 0)};
  late.push_back(repossession_entry(490'000, 1'190'000));
  EXPECT_EQ(balance_of(late, account::kReceivable), 0);
  EXPECT_EQ(balance_of(late, account::kUnearned), 0);
  EXPECT_EQ(balance_of(late, account::kRepossessed), 0);
  EXPECT_EQ(balance_of(late, account::kFinanceIncome), -700'000);
}

TEST(LedgerEntries, ARefundPaysOutHeldCreditThroughItsMethod) {
  std::vector<Entry> ledger{contract_entry(4'000'000, 1'000'000), payment_entry("mtn_momo", 250'000, 0),
                            cancellation_entry(4'000'000, 1'000'000, 250'000), refund_entry("cash", 250'000)};
  EXPECT_EQ(balance_of(ledger, account::kCustomerCredit), 0);
  EXPECT_EQ(balance_of(ledger, account::clearing("cash")), -250'000);
  EXPECT_EQ(balance_of(ledger, account::clearing("mtn_momo")), 250'000);
}

TEST(LedgerProperty, RandomLifecyclesStayBalancedAndAgreeWithTheSchedule) {
  std::mt19937_64 rng(424242);
  for (int iter = 0; iter < 120; ++iter) {
    SCOPED_TRACE(iter);
    auto t = daily_flat();
    t.instalment_count = 5 + static_cast<int>(rng() % 40);
    t.frequency = static_cast<Frequency>(rng() % 3);
    const Date start = make_date(2026, 3, 1);
    auto q = make_quote(t, rto::Money::of(2'000'000 + static_cast<std::int64_t>(rng() % 3'000'000), "UGX"),
                        std::nullopt, start);
    OpenItems fresh = items_of(q);  // nothing paid; fees appended as assessed
    OpenItems items = fresh;        // as it stands
    std::vector<Entry> ledger{contract_entry(q.price, q.charge)};
    std::vector<Posted> posted;
    std::int64_t credit = 0;
    bool closed = false;
    std::vector<int> charged;
    std::int64_t fee_id = 0;
    Date today = start;

    auto check = [&] {
      for (const auto& e : ledger) ASSERT_TRUE(balanced(e)) << e.kind;
      std::int64_t paid = 0, clearing = 0;
      for (const auto& p : posted)
        if (!p.reversed) paid += p.pay.amount;
      for (const auto& e : ledger)
        for (const auto& l : e.lines)
          if (l.account.rfind("clearing:", 0) == 0) clearing += l.amount;
      EXPECT_EQ(clearing, paid);
      EXPECT_EQ(balance_of(ledger, account::kReceivable), owed(items));
      EXPECT_EQ(-balance_of(ledger, account::kCustomerCredit), credit);
      std::int64_t total_due = 0;
      for (const auto& f : items.fees) total_due += f.amount;
      for (const auto& in : items.instalments) total_due += in.amount - in.waived;
      EXPECT_EQ(total_due - owed(items) + credit, paid);  // allocated + credit == paid
    };

    for (int step = 0; step < 60 && !closed; ++step) {
      today += std::chrono::days(static_cast<int>(rng() % 4));
      // The daily run: late fees.
      for (const auto& f : fees_due(items.instalments, charged, today, t)) {
        OpenFee fee{++fee_id, f.seq, today, f.amount, 0};
        items.fees.push_back(fee);
        fresh.fees.push_back(fee);
        charged.push_back(f.seq);
        std::sort(charged.begin(), charged.end());
        ledger.push_back(late_fee_entry(f.amount));
      }
      auto roll = rng() % 10;
      if (roll < 7) {  // a payment
        std::int64_t amount = 1 + static_cast<std::int64_t>(rng() % (q.instalment * 6 + q.deposit / 2));
        auto a = allocate(items, amount, today);
        credit += a.credit;
        Entry e = payment_entry("mtn_momo", a.to_receivable(), a.credit);
        ledger.push_back(e);
        posted.push_back({{amount, today}, e, false});
      } else if (roll < 9 && !posted.empty()) {  // a reversal: replay and reconcile
        auto& victim = posted[rng() % posted.size()];
        if (victim.reversed) continue;
        victim.reversed = true;
        ledger.push_back(reversal_of(victim.entry));
        std::vector<ReplayPayment> keep;
        for (const auto& p : posted)
          if (!p.reversed) keep.push_back(p.pay);
        auto r = replay(fresh, keep);
        items = r.items;
        credit = r.credit;
        std::int64_t delta = balance_of(ledger, account::kReceivable) - owed(items);
        if (delta != 0) ledger.push_back(reclass_entry(delta));
      } else {  // an early payoff
        auto pq = payoff_quote(items, today, t.payoff_discount_bps, t.rounding_unit);
        std::int64_t amount = pq.amount + static_cast<std::int64_t>(rng() % 1000);
        if (pq.discount > 0) ledger.push_back(payoff_discount_entry(pq.discount));
        auto a = settle_payoff(items, pq, amount, today);
        credit += a.credit;
        Entry e = payment_entry("cash", a.to_receivable(), a.credit);
        ledger.push_back(e);
        posted.push_back({{amount, today}, e, false});
        if (q.charge > pq.discount) ledger.push_back(completion_entry(q.charge - pq.discount));
        EXPECT_TRUE(fully_settled(items));
        EXPECT_EQ(balance_of(ledger, account::kUnearned), 0);
        closed = true;
      }
      check();
    }
    std::int64_t sum = 0;
    for (const auto& e : ledger)
      for (const auto& l : e.lines) sum += l.amount;
    EXPECT_EQ(sum, 0);
  }
}
