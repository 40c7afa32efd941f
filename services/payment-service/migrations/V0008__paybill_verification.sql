-- M-Pesa paybill (C2B) confirmations are confirmed through Daraja's Transaction Status API
-- before they are credited. While its answer is awaited a confirmation is 'verifying', keyed
-- by the ConversationID Daraja gave the query (verify_ref); processed_at is when it was asked.
ALTER TABLE provider_callbacks ADD COLUMN verify_ref text;
ALTER TABLE provider_callbacks DROP CONSTRAINT provider_callbacks_status;
ALTER TABLE provider_callbacks ADD CONSTRAINT provider_callbacks_status
  CHECK (status IN ('received', 'processed', 'duplicate', 'held', 'unmatched', 'rejected', 'verifying'));
CREATE INDEX provider_callbacks_verify_ref ON provider_callbacks (verify_ref) WHERE verify_ref IS NOT NULL;
CREATE INDEX provider_callbacks_verifying ON provider_callbacks (processed_at) WHERE status = 'verifying';
