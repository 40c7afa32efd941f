-- Mobile-money collection: payment requests started by customers (or staff) through a provider,
-- and every provider callback as received. A callback is stored before it is acknowledged and
-- worked off afterwards, so a crash between the two loses nothing; money reaches the ledger
-- only through the payments table, keyed by (provider, provider_txn_id), so nothing is
-- credited twice.

CREATE TABLE payment_requests (
  id                  uuid        PRIMARY KEY,  -- also MTN's X-Reference-Id and Airtel's transaction.id
  plan_id             uuid        NOT NULL REFERENCES plans (id),
  customer_id         uuid        NOT NULL,     -- the plan's customer (who may see it)
  requested_by        text        NOT NULL,     -- the caller's user id
  idempotency_key     text        NOT NULL,
  fingerprint         text        NOT NULL,     -- sha256 of the request body the key is bound to
  provider            text        NOT NULL,
  msisdn              text        NOT NULL,     -- E.164; personal data, never logged whole
  amount              bigint      NOT NULL,
  currency            char(3)     NOT NULL,
  status              text        NOT NULL,
  provider_request_id text,                     -- M-Pesa CheckoutRequestID
  provider_txn_id     text,                     -- the provider's transaction id once confirmed
  confirmed_amount    bigint,                   -- what the provider says was paid
  confirmed_currency  char(3),
  reason_code         text,                     -- provider's failure/status code
  reason              text,                     -- provider's words
  payment_id          uuid        REFERENCES payments (id),
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  settled_at          timestamptz,
  expires_at          timestamptz NOT NULL,     -- no answer by then: expired
  next_check_at       timestamptz NOT NULL,     -- when reconciliation next asks the provider
  checks              int         NOT NULL DEFAULT 0,
  CONSTRAINT payment_requests_idempotency UNIQUE (requested_by, idempotency_key),
  CONSTRAINT payment_requests_status CHECK (status IN ('initiated', 'pending', 'succeeded', 'failed', 'expired', 'held')),
  CONSTRAINT payment_requests_provider CHECK (provider IN ('mtn_momo', 'airtel_money', 'mpesa')),
  CONSTRAINT payment_requests_amount CHECK (amount > 0)
);
CREATE UNIQUE INDEX payment_requests_provider_request ON payment_requests (provider, provider_request_id)
  WHERE provider_request_id IS NOT NULL;
CREATE INDEX payment_requests_plan ON payment_requests (plan_id, created_at DESC);
CREATE INDEX payment_requests_open ON payment_requests (next_check_at) WHERE status IN ('initiated', 'pending');
CREATE INDEX payment_requests_held ON payment_requests (updated_at) WHERE status = 'held';

CREATE TABLE provider_callbacks (
  id           bigserial   PRIMARY KEY,
  provider     text        NOT NULL,
  key_kind     text        NOT NULL,  -- request_id | checkout_id | account_reference
  key_value    text        NOT NULL,
  body         text        NOT NULL,  -- exactly as received
  received_at  timestamptz NOT NULL,
  status       text        NOT NULL DEFAULT 'received',
  request_id   uuid        REFERENCES payment_requests (id),
  outcome      text,                  -- what processing concluded, for staff
  processed_at timestamptz,
  attempts     int         NOT NULL DEFAULT 0,
  claimed_until timestamptz,         -- a worker is on it until then (a crashed worker's claim lapses)
  CONSTRAINT provider_callbacks_status CHECK (status IN ('received', 'processed', 'duplicate', 'held', 'unmatched', 'rejected'))
);
CREATE INDEX provider_callbacks_waiting ON provider_callbacks (id) WHERE status = 'received';
CREATE INDEX provider_callbacks_review ON provider_callbacks (received_at) WHERE status IN ('held', 'unmatched', 'rejected');
