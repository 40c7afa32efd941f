-- An M-Pesa receipt is money once. The first paybill confirmation that names a receipt and
-- matches a plan claims it; any later confirmation naming the same receipt is a duplicate,
-- whatever account reference it names (a forged confirmation that copies a genuine receipt
-- onto another plan is refused, not held for staff). Staff can credit a receipt only through
-- the confirmation that holds it.
CREATE TABLE paybill_receipts (
  provider    text   NOT NULL,
  receipt     text   NOT NULL,
  callback_id bigint NOT NULL REFERENCES provider_callbacks (id) ON DELETE CASCADE,
  PRIMARY KEY (provider, receipt)
);
CREATE INDEX paybill_receipts_callback ON paybill_receipts (callback_id);
