-- Credit service schema: scorecard model versions, applications, decisions, the status history
-- of each application, and the repayment history learnt from the payment service's events.
-- Timestamps are UTC (timestamptz). The guarantor's national id and phone and the references'
-- phones are stored encrypted (XChaCha20-Poly1305 under ENCRYPTION_KEY); only masked forms are
-- kept in clear.

-- A scorecard model is data: factors, bins with their log-odds, the score scaling and the
-- grade -> decision policy (see docs/credit-model.md). Rows are never changed once written,
-- except for the active flag; each decision names the version it used.
CREATE TABLE scorecard_models (
  version      integer     PRIMARY KEY CHECK (version >= 1),
  name         text        NOT NULL,
  model        jsonb       NOT NULL,
  active       boolean     NOT NULL DEFAULT false,
  created_by   uuid,
  created_at   timestamptz NOT NULL,
  activated_by uuid,
  activated_at timestamptz
);
-- At most one active model.
CREATE UNIQUE INDEX scorecard_models_one_active ON scorecard_models (active) WHERE active;

CREATE TABLE applications (
  id                    uuid        PRIMARY KEY,
  customer_id           uuid        NOT NULL,
  vehicle_id            uuid        NOT NULL,
  template_id           text        NOT NULL,
  status                text        NOT NULL,
  currency              text        NOT NULL,
  answers               jsonb       NOT NULL,  -- employment, income, obligations, mobile money, dependants, residence
  contacts              jsonb       NOT NULL,  -- guarantor and references as shown: names, relationship, masked numbers
  guarantor_national_id text        NOT NULL,  -- ciphertext
  guarantor_phone       text        NOT NULL,  -- ciphertext
  reference_phones      text        NOT NULL,  -- ciphertext of a JSON array of E.164 numbers
  instalment            jsonb       NOT NULL,  -- {monthly, source, quote|declared}
  vehicle               jsonb       NOT NULL,  -- what the vehicle service said when the application was made
  applicant_age         integer     NOT NULL CHECK (applicant_age >= 0),
  note                  text,
  decision_id           uuid,                  -- the decision in force (see decisions)
  created_at            timestamptz NOT NULL,
  updated_at            timestamptz NOT NULL,
  decided_at            timestamptz,
  expires_at            timestamptz,
  withdrawn_at          timestamptz,
  CONSTRAINT applications_status CHECK (
    status IN ('submitted', 'scored', 'approved', 'declined', 'referred', 'withdrawn', 'expired')),
  CONSTRAINT applications_template_id CHECK (char_length(template_id) BETWEEN 1 AND 64),
  CONSTRAINT applications_currency CHECK (currency ~ '^[A-Z]{3}$'),
  CONSTRAINT applications_approved_expires CHECK (status <> 'approved' OR expires_at IS NOT NULL)
);
-- One open application per customer: the database decides, so two concurrent submissions
-- cannot both succeed.
CREATE UNIQUE INDEX applications_one_open_per_customer ON applications (customer_id)
  WHERE status IN ('submitted', 'scored', 'referred', 'approved');
CREATE INDEX applications_customer ON applications (customer_id, created_at DESC);
-- The review queue, oldest first.
CREATE INDEX applications_review_queue ON applications (created_at, id) WHERE status = 'referred';
-- The expiry job.
CREATE INDEX applications_approved_expiry ON applications (expires_at) WHERE status = 'approved';

-- Every decision, automatic or an officer's, with the model version and the full breakdown so
-- it can be audited and reproduced.
CREATE TABLE decisions (
  id             uuid        PRIMARY KEY,
  application_id uuid        NOT NULL REFERENCES applications (id),
  kind           text        NOT NULL,
  decision       text        NOT NULL,
  model_version  integer     NOT NULL REFERENCES scorecard_models (version),
  score          integer     NOT NULL CHECK (score BETWEEN 300 AND 850),
  grade          text        NOT NULL,
  reasons        jsonb       NOT NULL,
  terms          jsonb,
  breakdown      jsonb       NOT NULL,
  officer_id     uuid,
  note           text,
  created_at     timestamptz NOT NULL,
  expires_at     timestamptz,
  CONSTRAINT decisions_kind CHECK (kind IN ('automatic', 'officer')),
  CONSTRAINT decisions_decision CHECK (decision IN ('approved', 'declined', 'referred')),
  CONSTRAINT decisions_officer CHECK (kind <> 'officer' OR (officer_id IS NOT NULL AND note IS NOT NULL)),
  CONSTRAINT decisions_officer_final CHECK (kind <> 'officer' OR decision <> 'referred'),
  CONSTRAINT decisions_approved_terms CHECK (decision <> 'approved' OR (terms IS NOT NULL AND expires_at IS NOT NULL))
);
CREATE INDEX decisions_application ON decisions (application_id, created_at);
ALTER TABLE applications ADD CONSTRAINT applications_decision_fk FOREIGN KEY (decision_id) REFERENCES decisions (id);

-- Who moved an application from which status to which, when, and why.
CREATE TABLE application_history (
  id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  application_id uuid        NOT NULL REFERENCES applications (id),
  from_status    text,
  to_status      text        NOT NULL,
  actor          text        NOT NULL,  -- customer | scorecard | officer | system
  actor_id       uuid,
  note           text,
  at             timestamptz NOT NULL
);
CREATE INDEX application_history_application ON application_history (application_id, id);

-- Repayment behaviour per customer, from payment.collection.received and
-- payment.delinquency.changed. Each settled instalment is recorded once (plan_id, seq), so a
-- replayed or overlapping event cannot count an instalment twice.
CREATE TABLE settled_instalments (
  plan_id     text        NOT NULL,
  seq         integer     NOT NULL,
  customer_id uuid        NOT NULL,
  due_date    date,
  days_late   integer     NOT NULL CHECK (days_late >= 0),
  payment_id  text,
  recorded_at timestamptz NOT NULL,
  PRIMARY KEY (plan_id, seq)
);

CREATE TABLE repayment_history (
  customer_id         uuid        PRIMARY KEY,
  instalments_on_time integer     NOT NULL DEFAULT 0 CHECK (instalments_on_time >= 0),
  instalments_late    integer     NOT NULL DEFAULT 0 CHECK (instalments_late >= 0),
  worst_days_late     integer     NOT NULL DEFAULT 0 CHECK (worst_days_late >= 0),
  worst_days_past_due integer     NOT NULL DEFAULT 0 CHECK (worst_days_past_due >= 0),
  payments            integer     NOT NULL DEFAULT 0 CHECK (payments >= 0),
  updated_at          timestamptz NOT NULL
);

-- Model version 1: expert-set log-odds for a first book of boda-boda, tuk-tuk and car riders,
-- to be recalibrated on the operator's own repayment data. Scaling: 600 points at 30:1 good:bad
-- odds, 40 points to double the odds. No protected attribute (sex, religion, ethnicity, marital
-- status, age beyond the legal minimum) is an input.
INSERT INTO scorecard_models (version, name, model, active, created_at, activated_at) VALUES (1, 'rto-v1', $model$
{
  "name": "rto-v1",
  "description": "First scorecard: affordability, income stability, work tenure, mobile money, residence, dependants, guarantor and references, and repayment history with us.",
  "scaling": {"pdo": 40, "base_score": 600, "base_odds": 30},
  "intercept_log_odds": 3.4,
  "factors": [
    {"code": "affordability", "label": "Instalment as a share of income after obligations", "input": "affordability_bp",
     "reason": {"code": "instalment_share_high", "message": "The instalment takes a large share of your income after your existing monthly obligations."},
     "bins": [
       {"label": "15% or less", "max": 1500, "log_odds": 0.6},
       {"label": "15% to 25%", "min": 1501, "max": 2500, "log_odds": 0.35},
       {"label": "25% to 35%", "min": 2501, "max": 3500, "log_odds": 0},
       {"label": "35% to 40%", "min": 3501, "max": 4000, "log_odds": -0.35},
       {"label": "over 40%", "min": 4001, "log_odds": -0.8}]},
    {"code": "income_stability", "label": "How steady income from this work is", "input": "employment_type",
     "reason": {"code": "income_less_steady", "message": "Income from your kind of work is less steady than a salary."},
     "bins": [
       {"label": "salaried", "values": ["salaried"], "log_odds": 0.35},
       {"label": "business or ride-hailing", "values": ["business", "ride_hailing"], "log_odds": 0.15},
       {"label": "delivery, boda or taxi", "values": ["delivery", "boda_rider", "taxi"], "log_odds": 0.1},
       {"label": "other", "values": ["other"], "log_odds": -0.25}]},
    {"code": "months_in_work", "label": "Months in this work", "input": "months_in_work",
     "reason": {"code": "short_time_in_work", "message": "You have been in your current work for a short time."},
     "bins": [
       {"label": "under 6 months", "max": 5, "log_odds": -0.5},
       {"label": "6 to 11 months", "min": 6, "max": 11, "log_odds": -0.2},
       {"label": "1 to 2 years", "min": 12, "max": 23, "log_odds": 0.1},
       {"label": "2 to 4 years", "min": 24, "max": 47, "log_odds": 0.3},
       {"label": "4 years or more", "min": 48, "log_odds": 0.45}]},
    {"code": "mobile_money_inflow", "label": "Mobile-money inflow against declared income", "input": "inflow_to_income_percent",
     "reason": {"code": "low_mobile_money_inflow", "message": "The money coming into your mobile-money account is low compared with the income you declared."},
     "bins": [
       {"label": "under 30%", "max": 29, "log_odds": -0.45},
       {"label": "30% to 59%", "min": 30, "max": 59, "log_odds": -0.15},
       {"label": "60% to 89%", "min": 60, "max": 89, "log_odds": 0.1},
       {"label": "90% or more", "min": 90, "log_odds": 0.3}]},
    {"code": "mobile_money_activity", "label": "Mobile-money transactions a month", "input": "mm_avg_monthly_transactions",
     "reason": {"code": "low_mobile_money_activity", "message": "Your mobile-money account shows few transactions each month."},
     "bins": [
       {"label": "under 10", "max": 9, "log_odds": -0.35},
       {"label": "10 to 29", "min": 10, "max": 29, "log_odds": 0},
       {"label": "30 to 59", "min": 30, "max": 59, "log_odds": 0.2},
       {"label": "60 or more", "min": 60, "log_odds": 0.3}]},
    {"code": "mobile_money_history", "label": "Months of mobile-money history", "input": "mm_months_of_history",
     "reason": {"code": "short_mobile_money_history", "message": "Your mobile-money history is short."},
     "bins": [
       {"label": "under 3 months", "max": 2, "log_odds": -0.45},
       {"label": "3 to 11 months", "min": 3, "max": 11, "log_odds": -0.15},
       {"label": "1 to 2 years", "min": 12, "max": 23, "log_odds": 0.15},
       {"label": "2 years or more", "min": 24, "log_odds": 0.25}]},
    {"code": "residence_stability", "label": "Months at the current residence", "input": "months_at_residence",
     "reason": {"code": "short_time_at_residence", "message": "You have lived at your current address for a short time."},
     "bins": [
       {"label": "under 6 months", "max": 5, "log_odds": -0.3},
       {"label": "6 to 23 months", "min": 6, "max": 23, "log_odds": 0},
       {"label": "2 to 5 years", "min": 24, "max": 59, "log_odds": 0.2},
       {"label": "5 years or more", "min": 60, "log_odds": 0.3}]},
    {"code": "dependants", "label": "People who depend on the applicant's income", "input": "dependants",
     "reason": {"code": "many_dependants", "message": "Supporting several dependants leaves less room in your monthly budget."},
     "bins": [
       {"label": "0 to 2", "max": 2, "log_odds": 0.1},
       {"label": "3 to 4", "min": 3, "max": 4, "log_odds": 0},
       {"label": "5 or more", "min": 5, "log_odds": -0.2}]},
    {"code": "guarantor_references", "label": "Guarantor and references", "input": "references_count",
     "reason": {"code": "few_references", "message": "More references who know you would strengthen your application."},
     "bins": [
       {"label": "guarantor and up to 2 references", "max": 2, "log_odds": 0},
       {"label": "guarantor and 3 references", "min": 3, "max": 3, "log_odds": 0.1},
       {"label": "guarantor and 4 or more references", "min": 4, "log_odds": 0.15}]},
    {"code": "repayment_on_time", "label": "Instalments paid on time on earlier plans", "input": "repayment_on_time_percent",
     "reason": {"code": "late_repayments", "message": "Some of your earlier instalments with us were paid late."},
     "bins": [
       {"label": "no earlier plan", "missing": true, "log_odds": 0, "explain": false},
       {"label": "under 70%", "max": 69, "log_odds": -0.7},
       {"label": "70% to 84%", "min": 70, "max": 84, "log_odds": -0.2},
       {"label": "85% to 94%", "min": 85, "max": 94, "log_odds": 0.25},
       {"label": "95% or more", "min": 95, "log_odds": 0.6}]},
    {"code": "repayment_arrears", "label": "Worst days past due on earlier plans", "input": "repayment_worst_days_past_due",
     "reason": {"code": "past_arrears", "message": "You have fallen behind on payments with us before."},
     "bins": [
       {"label": "no earlier plan", "missing": true, "log_odds": 0, "explain": false},
       {"label": "never late", "max": 0, "log_odds": 0.2},
       {"label": "1 to 7 days", "min": 1, "max": 7, "log_odds": 0},
       {"label": "8 to 30 days", "min": 8, "max": 30, "log_odds": -0.4},
       {"label": "31 to 60 days", "min": 31, "max": 60, "log_odds": -0.9},
       {"label": "over 60 days", "min": 61, "log_odds": -1.5}]}
  ],
  "grades": [
    {"grade": "A", "min_score": 700, "decision": "approved", "min_deposit_percent": 10, "max_term_days": 730},
    {"grade": "B", "min_score": 650, "decision": "approved", "min_deposit_percent": 15, "max_term_days": 730},
    {"grade": "C", "min_score": 600, "decision": "approved", "min_deposit_percent": 25, "max_term_days": 548},
    {"grade": "D", "min_score": 550, "decision": "referred", "min_deposit_percent": 30, "max_term_days": 548},
    {"grade": "E", "min_score": 300, "decision": "declined"}
  ]
}
$model$::jsonb, true, now(), now());
