-- The SMS job looks, once a minute, for messages left 'sending' by a process that stopped
-- during the send.
CREATE INDEX sms_sending ON sms_messages (updated_at) WHERE status = 'sending';
