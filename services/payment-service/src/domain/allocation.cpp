#include "domain/allocation.hpp"

#include <algorithm>
#include <stdexcept>

#include "domain/arith.hpp"

namespace payment_service {

std::string_view to_string(Target t) noexcept {
  switch (t) {
    case Target::Fee: return "fee";
    case Target::Deposit: return "deposit";
    case Target::Overdue: return "overdue";
    case Target::Current: return "current";
    case Target::Future: return "future";
    case Target::Credit: return "credit";
  }
  return "credit";
}

std::int64_t OpenInstalment::remaining_charge() const noexcept {
  // Payments go to the charge first; a waiver removes charge only.
  std::int64_t charge_left = charge - waived - paid;
  return std::clamp<std::int64_t>(charge_left, 0, remaining());
}

namespace {

void add_to(Allocation& a, Target t, std::int64_t v) {
  switch (t) {
    case Target::Fee: a.fees += v; break;
    case Target::Deposit: a.deposit += v; break;
    case Target::Overdue: a.overdue += v; break;
    case Target::Current: a.current += v; break;
    case Target::Future: a.future += v; break;
    case Target::Credit: a.credit += v; break;
  }
}

// Classifies each open instalment relative to `today`: the deposit; due before today (overdue);
// the first one due today or later (current); the rest (future).
template <typename F>
void for_each_classified(OpenItems& items, Date today, F&& f) {
  bool current_taken = false;
  for (auto& in : items.instalments) {
    if (in.remaining() <= 0) continue;
    Target t;
    if (in.seq == 0)
      t = Target::Deposit;
    else if (in.due < today)
      t = Target::Overdue;
    else if (!current_taken) {
      t = Target::Current;
      current_taken = true;
    } else
      t = Target::Future;
    if (!f(in, t)) return;
  }
}

void settle(Allocation& a, const OpenInstalment& in, Date today) {
  a.settled.push_back({in.seq, in.due, std::max(0, days_between(in.due, today)), today});
}

}  // namespace

Allocation allocate(OpenItems& items, std::int64_t amount, Date today) {
  if (amount <= 0) throw std::invalid_argument("allocate: amount must be positive");
  Allocation a;
  std::int64_t left = amount;
  for (auto& fee : items.fees) {
    if (left == 0) break;
    std::int64_t take = std::min(left, fee.remaining());
    if (take <= 0) continue;
    fee.paid += take;
    left -= take;
    a.slices.push_back({Target::Fee, fee.id, take, fee.remaining() == 0});
    a.fees += take;
  }
  for_each_classified(items, today, [&](OpenInstalment& in, Target t) {
    if (left == 0) return false;
    std::int64_t take = std::min(left, in.remaining());
    in.paid += take;
    left -= take;
    bool done = in.remaining() == 0;
    a.slices.push_back({t, in.seq, take, done});
    add_to(a, t, take);
    if (done) settle(a, in, today);
    return true;
  });
  if (left > 0) {
    a.slices.push_back({Target::Credit, 0, left, false});
    a.credit = left;
  }
  return a;
}

PayoffQuote payoff_quote(const OpenItems& items, Date today, int discount_bps, std::int64_t unit) {
  PayoffQuote q;
  for (const auto& f : items.fees) q.fees += std::max<std::int64_t>(0, f.remaining());
  std::vector<const OpenInstalment*> future;
  for (const auto& in : items.instalments) {
    if (in.remaining() <= 0) continue;
    if (in.seq == 0 || in.due <= today) {
      q.due_now += in.remaining();
      continue;
    }
    std::int64_t rc = in.remaining_charge();
    q.future_charge += rc;
    q.future_principal += in.remaining() - rc;
    future.push_back(&in);
  }
  // One rounding for the whole discount, then spread over the instalments from the last one
  // back (never more than an instalment's own unpaid charge).
  q.discount = round_down(mul_div_floor(q.future_charge, discount_bps, 10000), unit);
  std::int64_t left = q.discount;
  for (auto it = future.rbegin(); it != future.rend() && left > 0; ++it) {
    std::int64_t w = std::min(left, (*it)->remaining_charge());
    if (w <= 0) continue;
    q.waivers.emplace_back((*it)->seq, w);
    left -= w;
  }
  std::sort(q.waivers.begin(), q.waivers.end());
  q.amount = q.fees + q.due_now + q.future_principal + q.future_charge - q.discount;
  return q;
}

Allocation settle_payoff(OpenItems& items, const PayoffQuote& quote, std::int64_t amount, Date today) {
  if (amount < quote.amount) throw std::invalid_argument("settle_payoff: amount below the payoff quote");
  // Apply the waivers first, so the ordinary waterfall then pays exactly what is left.
  std::vector<Settled> by_waiver;
  for (auto [seq, w] : quote.waivers) {
    for (auto& in : items.instalments) {
      if (in.seq != seq) continue;
      in.waived += w;
      if (in.remaining() == 0) by_waiver.push_back({in.seq, in.due, 0, today});
    }
  }
  Allocation a = allocate(items, amount, today);
  a.payoff = true;
  a.discount = quote.discount;
  a.waivers = quote.waivers;
  a.settled.insert(a.settled.end(), by_waiver.begin(), by_waiver.end());
  std::sort(a.settled.begin(), a.settled.end(), [](const Settled& x, const Settled& y) { return x.seq < y.seq; });
  return a;
}

Replayed replay(const OpenItems& fresh, const std::vector<ReplayPayment>& payments) {
  Replayed r;
  r.items.instalments = fresh.instalments;
  for (auto& in : r.items.instalments) in.paid = 0;
  std::vector<OpenFee> pending = fresh.fees;
  for (auto& f : pending) f.paid = 0;
  std::size_t next_fee = 0;
  for (const auto& p : payments) {
    while (next_fee < pending.size() && pending[next_fee].assessed <= p.date) r.items.fees.push_back(pending[next_fee++]);
    auto a = allocate(r.items, p.amount, p.date);
    r.credit += a.credit;
    r.allocations.push_back(std::move(a));
  }
  while (next_fee < pending.size()) r.items.fees.push_back(pending[next_fee++]);
  return r;
}

bool fully_settled(const OpenItems& items) noexcept {
  for (const auto& f : items.fees)
    if (f.remaining() > 0) return false;
  for (const auto& in : items.instalments)
    if (in.remaining() > 0) return false;
  return true;
}

}  // namespace payment_service
