-- Receipts learned after the payment was recorded. An M-Pesa request that reconciliation
-- settled before its callback came was credited without a receipt (Daraja's status query names
-- none); the callback, when it arrives, carries the MpesaReceiptNumber customers and staff quote.
-- payments stays append-only, so the receipt is kept here, once per payment and once per
-- provider receipt, and append-only too.

CREATE TABLE payment_receipts (
  payment_id     uuid        PRIMARY KEY REFERENCES payments (id),
  provider       text        NOT NULL,
  receipt_number text        NOT NULL,
  recorded_at    timestamptz NOT NULL,
  CONSTRAINT payment_receipts_receipt UNIQUE (provider, receipt_number)
);
CREATE TRIGGER payment_receipts_append_only BEFORE UPDATE OR DELETE ON payment_receipts
  FOR EACH ROW EXECUTE FUNCTION append_only();
