-- What a user chose to receive. Only marketing messages can be turned off, per channel
-- (src/domain/preferences.cpp says which kinds are marketing); a user without a row gets all.
CREATE TABLE notification_preferences (
  user_id           uuid PRIMARY KEY,
  marketing_in_app  boolean NOT NULL,
  marketing_sms     boolean NOT NULL,
  updated_at        timestamptz NOT NULL
);
