-- Payment service schema: plan templates, plans (contracts) with their immutable terms and
-- schedules, late fees, payments and reversals, the append-only double-entry journal, and the
-- daily delinquency runs. Money is bigint minor units of the plan's currency; due dates are
-- the operator's local dates; instants are timestamptz (UTC).

-- ---- plan templates ---------------------------------------------------------------------------
-- One row per version. An admin's change writes a new version and marks the old one
-- superseded; plans keep a copy of the terms they were signed under, so no change reaches them.
CREATE TABLE plan_templates (
  id            uuid        PRIMARY KEY,
  slug          text        NOT NULL,
  version       int         NOT NULL,
  active        boolean     NOT NULL DEFAULT true,
  superseded_by uuid        REFERENCES plan_templates (id) DEFERRABLE INITIALLY DEFERRED,
  terms         jsonb       NOT NULL,  -- the template's terms (see domain/plan_template.hpp)
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    text,
  CONSTRAINT plan_templates_slug_version UNIQUE (slug, version),
  CONSTRAINT plan_templates_slug_format CHECK (slug ~ '^[a-z0-9-]{3,64}$'),
  CONSTRAINT plan_templates_terms_id CHECK (terms ->> 'id' = id::text AND terms ->> 'slug' = slug
                                            AND (terms ->> 'version')::int = version)
);
-- At most one current version per slug.
CREATE UNIQUE INDEX plan_templates_current ON plan_templates (slug) WHERE superseded_by IS NULL;

-- A version's terms never change once written.
CREATE FUNCTION plan_templates_terms_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.terms IS DISTINCT FROM OLD.terms OR NEW.slug <> OLD.slug OR NEW.version <> OLD.version THEN
    RAISE EXCEPTION 'plan template % is immutable; write a new version', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER plan_templates_terms_frozen BEFORE UPDATE ON plan_templates
  FOR EACH ROW EXECUTE FUNCTION plan_templates_terms_frozen();

-- Seeded products (fixed ids so clients and tests can name them). The amortised ones use whole
-- shillings: rounding an annuity down to a coarser unit compounds the difference onto the last
-- instalment (UGX 100 on the daily e-motorcycle plan would make it UGX 95,344 after 727 of 7,100).
INSERT INTO plan_templates (id, slug, version, terms, created_by) VALUES
('5e3d0001-0000-4000-8000-000000000001', 'motorcycle-daily-18m', 1, '{
  "id": "5e3d0001-0000-4000-8000-000000000001", "slug": "motorcycle-daily-18m", "version": 1,
  "name": "Motorcycle, daily, 18 months", "category": "motorcycle", "currency": "UGX",
  "frequency": "daily", "instalment_count": 546, "min_deposit_bps": 1500,
  "pricing": "flat_markup", "rate_bps": 3500, "grace_days": 1,
  "late_fee": {"kind": "percent", "percent_bps": 500, "cap": 5000},
  "lock_after_days": 3, "rounding_unit": 100, "payoff_discount_bps": 10000}', 'seed'),
('5e3d0002-0000-4000-8000-000000000002', 'motorcycle-weekly-78w', 1, '{
  "id": "5e3d0002-0000-4000-8000-000000000002", "slug": "motorcycle-weekly-78w", "version": 1,
  "name": "Motorcycle, weekly, 78 weeks", "category": "motorcycle", "currency": "UGX",
  "frequency": "weekly", "instalment_count": 78, "min_deposit_bps": 1500,
  "pricing": "flat_markup", "rate_bps": 3500, "grace_days": 2,
  "late_fee": {"kind": "fixed", "amount": 10000},
  "lock_after_days": 7, "rounding_unit": 500, "payoff_discount_bps": 10000}', 'seed'),
('5e3d0003-0000-4000-8000-000000000003', 'e-motorcycle-daily-24m', 1, '{
  "id": "5e3d0003-0000-4000-8000-000000000003", "slug": "e-motorcycle-daily-24m", "version": 1,
  "name": "Electric motorcycle, daily, 24 months", "category": "e-motorcycle", "currency": "UGX",
  "frequency": "daily", "instalment_count": 728, "min_deposit_bps": 1000,
  "pricing": "annual_rate", "rate_bps": 4000, "grace_days": 1,
  "late_fee": {"kind": "percent", "percent_bps": 500, "cap": 5000},
  "lock_after_days": 3, "rounding_unit": 1, "payoff_discount_bps": 10000}', 'seed'),
('5e3d0004-0000-4000-8000-000000000004', 'car-weekly-104w', 1, '{
  "id": "5e3d0004-0000-4000-8000-000000000004", "slug": "car-weekly-104w", "version": 1,
  "name": "Car, weekly, 104 weeks", "category": "car", "currency": "UGX",
  "frequency": "weekly", "instalment_count": 104, "min_deposit_bps": 2000,
  "pricing": "annual_rate", "rate_bps": 2800, "grace_days": 2,
  "late_fee": {"kind": "percent", "percent_bps": 500, "cap": 50000},
  "lock_after_days": 14, "rounding_unit": 1, "payoff_discount_bps": 5000}', 'seed');

-- ---- plans (contracts) --------------------------------------------------------------------------
CREATE TABLE plans (
  id                 uuid        PRIMARY KEY,
  reference          text        NOT NULL,  -- RTO-XXXXXX, quoted when paying
  customer_id        uuid        NOT NULL,
  vehicle_id         uuid        NOT NULL,
  template_id        uuid        NOT NULL REFERENCES plan_templates (id),
  credit_decision_id uuid        NOT NULL,
  status             text        NOT NULL,
  currency           char(3)     NOT NULL,
  -- The contract (immutable, see plans_terms_frozen).
  price              bigint      NOT NULL,
  deposit            bigint      NOT NULL,
  financed           bigint      NOT NULL,
  charge             bigint      NOT NULL,
  total_payable      bigint      NOT NULL,
  instalment         bigint      NOT NULL,
  last_instalment    bigint      NOT NULL,
  instalment_count   int         NOT NULL,
  terms              jsonb       NOT NULL,  -- {template, quote, vehicle} as signed
  -- Life cycle.
  schedule_start     date        NOT NULL,  -- instalments count from here (the deposit day)
  deposit_due_by     timestamptz NOT NULL,
  created_at         timestamptz NOT NULL,
  activated_at       timestamptz,
  completed_at       timestamptz,
  defaulted_at       timestamptz,
  cancelled_at       timestamptz,
  cancel_reason      text,
  -- Projections, derived from the journal and the schedule and rewritten with them.
  outstanding        bigint      NOT NULL,  -- still owed: deposit, instalments and fees
  credit_balance     bigint      NOT NULL DEFAULT 0,  -- held beyond what is owed; due for refund
  paid_total         bigint      NOT NULL DEFAULT 0,
  discount_total     bigint      NOT NULL DEFAULT 0,  -- payoff waivers
  days_past_due      int         NOT NULL DEFAULT 0,
  bucket             text        NOT NULL DEFAULT 'current',
  locked             boolean     NOT NULL DEFAULT false,
  updated_at         timestamptz NOT NULL,
  CONSTRAINT plans_reference_key UNIQUE (reference),
  CONSTRAINT plans_credit_decision_key UNIQUE (credit_decision_id),
  CONSTRAINT plans_reference_format CHECK (reference ~ '^RTO-[0-9A-HJKMNP-TV-Z]{6}$'),
  CONSTRAINT plans_status CHECK (status IN ('pending_deposit', 'active', 'completed', 'defaulted', 'repossessed', 'cancelled')),
  CONSTRAINT plans_bucket CHECK (bucket IN ('current', '1-7', '8-30', '31-60', '61-90', '90+')),
  CONSTRAINT plans_amounts CHECK (price > 0 AND deposit >= 0 AND financed = price - deposit AND charge >= 0
                                  AND total_payable = price + charge AND instalment > 0 AND instalment_count > 0
                                  AND deposit + instalment * (instalment_count - 1) + last_instalment = total_payable),
  CONSTRAINT plans_projection CHECK (outstanding >= 0 AND credit_balance >= 0 AND days_past_due >= 0)
);
CREATE INDEX plans_customer ON plans (customer_id, created_at DESC);
CREATE INDEX plans_collections ON plans (days_past_due DESC, id) WHERE status IN ('active', 'defaulted');
CREATE INDEX plans_pending_deposit ON plans (deposit_due_by) WHERE status = 'pending_deposit';

CREATE FUNCTION plans_terms_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.terms IS DISTINCT FROM OLD.terms OR NEW.price <> OLD.price OR NEW.deposit <> OLD.deposit
     OR NEW.charge <> OLD.charge OR NEW.total_payable <> OLD.total_payable OR NEW.instalment <> OLD.instalment
     OR NEW.last_instalment <> OLD.last_instalment OR NEW.instalment_count <> OLD.instalment_count
     OR NEW.customer_id <> OLD.customer_id OR NEW.vehicle_id <> OLD.vehicle_id OR NEW.reference <> OLD.reference
     OR NEW.template_id <> OLD.template_id OR NEW.currency <> OLD.currency THEN
    RAISE EXCEPTION 'the terms of plan % cannot change', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER plans_terms_frozen BEFORE UPDATE ON plans FOR EACH ROW EXECUTE FUNCTION plans_terms_frozen();

-- The schedule: seq 0 is the deposit, 1..n the instalments. Amounts never change; `paid`,
-- `waived` and `settled_on` are projections of the allocations (re-derived on a reversal).
CREATE TABLE schedule (
  plan_id    uuid   NOT NULL REFERENCES plans (id),
  seq        int    NOT NULL,
  due_date   date   NOT NULL,
  amount     bigint NOT NULL,
  principal  bigint NOT NULL,
  charge     bigint NOT NULL,
  paid       bigint NOT NULL DEFAULT 0,
  waived     bigint NOT NULL DEFAULT 0,
  settled_on date,
  PRIMARY KEY (plan_id, seq),
  CONSTRAINT schedule_parts CHECK (seq >= 0 AND amount > 0 AND principal >= 0 AND charge >= 0 AND principal + charge = amount),
  CONSTRAINT schedule_paid CHECK (paid >= 0 AND waived >= 0 AND paid + waived <= amount)
);
CREATE INDEX schedule_open ON schedule (plan_id, seq) WHERE paid + waived < amount;
CREATE INDEX schedule_due ON schedule (due_date);

CREATE TABLE late_fees (
  id          bigserial PRIMARY KEY,
  plan_id     uuid      NOT NULL REFERENCES plans (id),
  seq         int       NOT NULL,  -- the instalment whose lateness it charges
  assessed_on date      NOT NULL,
  amount      bigint    NOT NULL,
  paid        bigint    NOT NULL DEFAULT 0,
  CONSTRAINT late_fees_once UNIQUE (plan_id, seq),
  CONSTRAINT late_fees_amounts CHECK (amount > 0 AND paid >= 0 AND paid <= amount)
);

-- ---- the journal: append-only double entry -----------------------------------------------------
CREATE TABLE journal_entries (
  id         bigserial   PRIMARY KEY,
  plan_id    uuid        NOT NULL REFERENCES plans (id),
  kind       text        NOT NULL,
  payment_id uuid,
  created_at timestamptz NOT NULL,
  CONSTRAINT journal_entries_kind CHECK (kind IN ('contract', 'payment', 'late_fee', 'payoff_discount', 'completion',
                                                  'cancellation', 'reversal', 'reclass'))
);
CREATE INDEX journal_entries_plan ON journal_entries (plan_id, id);

CREATE TABLE journal_lines (
  entry_id bigint  NOT NULL REFERENCES journal_entries (id),
  line_no  int     NOT NULL,
  plan_id  uuid    NOT NULL,
  currency char(3) NOT NULL,
  account  text    NOT NULL,
  amount   bigint  NOT NULL,  -- debit > 0, credit < 0
  PRIMARY KEY (entry_id, line_no),
  CONSTRAINT journal_lines_nonzero CHECK (amount <> 0)
);
CREATE INDEX journal_lines_plan_account ON journal_lines (plan_id, account);

-- Every entry balances per currency and has at least two lines: checked at commit, so an
-- entry and its lines are written by separate statements of one transaction.
CREATE FUNCTION journal_check_entry(entry bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT count(*) FROM journal_lines WHERE entry_id = entry) < 2 THEN
    RAISE EXCEPTION 'journal entry % has fewer than two lines', entry USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM journal_lines WHERE entry_id = entry GROUP BY currency HAVING sum(amount) <> 0) THEN
    RAISE EXCEPTION 'journal entry % does not balance', entry USING ERRCODE = 'check_violation';
  END IF;
END $$;
CREATE FUNCTION journal_entries_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM journal_check_entry(NEW.id);
  RETURN NULL;
END $$;
CREATE FUNCTION journal_lines_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM journal_check_entry(NEW.entry_id);
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER journal_entries_balanced AFTER INSERT ON journal_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_entries_balanced();
CREATE CONSTRAINT TRIGGER journal_lines_balanced AFTER INSERT ON journal_lines
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_lines_balanced();

-- Nothing in the journal, the payments or their reversals is ever changed or removed.
CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'check_violation';
END $$;

-- ---- payments -----------------------------------------------------------------------------------
CREATE TABLE payments (
  id              uuid        PRIMARY KEY,
  seq             bigserial   NOT NULL,  -- order received (the order allocations are replayed in)
  plan_id         uuid        NOT NULL REFERENCES plans (id),
  provider        text        NOT NULL,
  provider_txn_id text        NOT NULL,
  amount          bigint      NOT NULL,
  currency        char(3)     NOT NULL,
  paid_at         timestamptz NOT NULL,
  received_at     timestamptz NOT NULL,
  recorded_by     text        NOT NULL,  -- calling service, or the staff member's user id
  receipt_number  text,
  allocation      jsonb       NOT NULL,  -- as allocated when received (the receipt)
  entry_id        bigint      NOT NULL REFERENCES journal_entries (id),
  CONSTRAINT payments_provider_txn UNIQUE (provider, provider_txn_id),
  CONSTRAINT payments_amount CHECK (amount > 0)
);
CREATE INDEX payments_plan ON payments (plan_id, seq);
CREATE INDEX payments_paid_at ON payments (paid_at);

CREATE TABLE payment_reversals (
  payment_id  uuid        PRIMARY KEY REFERENCES payments (id),
  reason      text        NOT NULL,
  reversed_by text        NOT NULL,
  reversed_at timestamptz NOT NULL,
  entry_id    bigint      NOT NULL REFERENCES journal_entries (id)
);

CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON journal_entries
  FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER journal_lines_append_only BEFORE UPDATE OR DELETE ON journal_lines
  FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE ON payments
  FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER payment_reversals_append_only BEFORE UPDATE OR DELETE ON payment_reversals
  FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON journal_entries
  FOR EACH STATEMENT EXECUTE FUNCTION append_only();
CREATE TRIGGER journal_lines_no_truncate BEFORE TRUNCATE ON journal_lines
  FOR EACH STATEMENT EXECUTE FUNCTION append_only();
CREATE TRIGGER payments_no_truncate BEFORE TRUNCATE ON payments
  FOR EACH STATEMENT EXECUTE FUNCTION append_only();

-- ---- delinquency ---------------------------------------------------------------------------------
-- One row per plan and local date: the daily run is idempotent (a second run that day, on
-- another replica or after a restart, finds the row and does nothing).
CREATE TABLE delinquency_runs (
  plan_id       uuid        NOT NULL REFERENCES plans (id),
  as_of         date        NOT NULL,
  days_past_due int         NOT NULL,
  bucket        text        NOT NULL,
  fees_posted   bigint      NOT NULL DEFAULT 0,
  ran_at        timestamptz NOT NULL,
  PRIMARY KEY (plan_id, as_of)
);
