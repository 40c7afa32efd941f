-- Amounts are bounded: every amount taken from a request is at most 10^12 minor units
-- (rto::kMaxAmount), and a plan's running totals stay far inside bigint, so no sum of them can
-- overflow. What the application checks, the database holds too.
ALTER TABLE plans
  ADD CONSTRAINT plans_totals_bounded CHECK (paid_total >= 0 AND paid_total <= 1000000000000000
                                             AND outstanding <= 1000000000000000
                                             AND credit_balance <= 1000000000000000
                                             AND price <= 1000000000000);
ALTER TABLE payments ADD CONSTRAINT payments_amount_bounded CHECK (amount <= 1000000000000);
ALTER TABLE payment_requests ADD CONSTRAINT payment_requests_amount_bounded CHECK (amount <= 1000000000000);
