-- Closing a defaulted plan by taking the vehicle back, and paying back money held for a
-- customer (credit balance). Both are append-only records with their journal entry.

ALTER TABLE journal_entries DROP CONSTRAINT journal_entries_kind;
ALTER TABLE journal_entries ADD CONSTRAINT journal_entries_kind
  CHECK (kind IN ('contract', 'payment', 'late_fee', 'payoff_discount', 'completion', 'cancellation', 'reversal',
                  'reclass', 'repossession', 'refund'));

-- One per plan: defaulted → repossessed happens once.
CREATE TABLE repossessions (
  plan_id        uuid        PRIMARY KEY REFERENCES plans (id),
  reason         text        NOT NULL,
  repossessed_by text        NOT NULL,  -- the staff member's user id
  repossessed_at timestamptz NOT NULL,
  written_off    bigint      NOT NULL,  -- what was still owed, taken off the receivable
  entry_id       bigint      REFERENCES journal_entries (id),  -- NULL when nothing was owed
  CONSTRAINT repossessions_written_off CHECK (written_off >= 0)
);

-- Money paid back to the customer out of the plan's credit balance. The method's own
-- reference (a cash voucher, the provider's transaction id) is unique per method, so the same
-- refund recorded twice pays once.
CREATE TABLE refunds (
  id         uuid        PRIMARY KEY,
  seq        bigserial   NOT NULL,  -- order recorded
  plan_id    uuid        NOT NULL REFERENCES plans (id),
  amount     bigint      NOT NULL,
  currency   char(3)     NOT NULL,
  method     text        NOT NULL,  -- cash, mtn_momo, airtel_money, mpesa, bank
  reference  text        NOT NULL,
  reason     text        NOT NULL,
  paid_by    text        NOT NULL,  -- the staff member's user id
  paid_at    timestamptz NOT NULL,
  entry_id   bigint      NOT NULL REFERENCES journal_entries (id),
  CONSTRAINT refunds_method_reference UNIQUE (method, reference),
  CONSTRAINT refunds_amount CHECK (amount > 0)
);
CREATE INDEX refunds_plan ON refunds (plan_id, seq);

CREATE TRIGGER repossessions_append_only BEFORE UPDATE OR DELETE ON repossessions
  FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER refunds_append_only BEFORE UPDATE OR DELETE ON refunds
  FOR EACH ROW EXECUTE FUNCTION append_only();
