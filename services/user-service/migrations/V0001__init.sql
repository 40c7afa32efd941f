-- User service schema: accounts, refresh tokens, login throttling and KYC profiles.
-- Timestamps are UTC (timestamptz). Personal data in kyc_profiles is stored encrypted
-- (XChaCha20-Poly1305 under ENCRYPTION_KEY); only keyed blind indexes and the last four
-- characters of the national id are kept in clear.

CREATE TABLE users (
  id            uuid        PRIMARY KEY,
  phone         text        NOT NULL,
  email         text,
  full_name     text        NOT NULL,
  password_hash text        NOT NULL,
  language      text        NOT NULL DEFAULT 'en',
  roles         text[]      NOT NULL DEFAULT ARRAY['customer']::text[],
  status        text        NOT NULL DEFAULT 'active',
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  CONSTRAINT users_phone_key UNIQUE (phone),
  CONSTRAINT users_phone_e164 CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
  CONSTRAINT users_email_length CHECK (email IS NULL OR char_length(email) BETWEEN 3 AND 254),
  CONSTRAINT users_full_name_length CHECK (char_length(full_name) BETWEEN 2 AND 100),
  CONSTRAINT users_language CHECK (language IN ('en', 'sw')),
  CONSTRAINT users_roles_known CHECK (
    cardinality(roles) >= 1
    AND roles <@ ARRAY['customer', 'dealer', 'agent', 'credit_officer', 'support_agent', 'admin']::text[]),
  CONSTRAINT users_status CHECK (status IN ('active', 'disabled'))
);
-- Keyset pagination of the admin list: ORDER BY created_at DESC, id DESC.
CREATE INDEX users_created_id ON users (created_at, id);
CREATE INDEX users_roles ON users USING gin (roles);

-- Refresh tokens rotate on every use; all tokens descending from one login share a family.
-- Presenting a token that was already used revokes the whole family (theft detection).
CREATE TABLE refresh_tokens (
  id         uuid        PRIMARY KEY,
  family_id  uuid        NOT NULL,
  user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text        NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  revoked_at timestamptz,
  CONSTRAINT refresh_tokens_hash_key UNIQUE (token_hash),
  CONSTRAINT refresh_tokens_expiry CHECK (expires_at > created_at)
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_live ON refresh_tokens (user_id) WHERE revoked_at IS NULL;
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);

-- Failed-login throttling, keyed by a keyed blind index of the E.164 phone so that attempts
-- against unknown numbers are throttled too without storing those numbers.
CREATE TABLE login_failures (
  phone_index     text        PRIMARY KEY,
  failures        integer     NOT NULL DEFAULT 0 CHECK (failures >= 0),
  window_start    timestamptz,
  locked_until    timestamptz,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX login_failures_updated ON login_failures (updated_at);

CREATE TABLE kyc_profiles (
  user_id           uuid        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  national_id       text        NOT NULL,  -- ciphertext
  national_id_index text        NOT NULL,  -- keyed blind index, for uniqueness
  national_id_last4 text        NOT NULL,
  date_of_birth     date        NOT NULL,
  address           text        NOT NULL,  -- ciphertext
  next_of_kin       text        NOT NULL,  -- ciphertext of a JSON object {name, phone, relationship}
  status            text        NOT NULL DEFAULT 'pending',
  reviewed_by       uuid        REFERENCES users (id) ON DELETE SET NULL,
  reviewed_at       timestamptz,
  rejection_reason  text,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  CONSTRAINT kyc_profiles_national_id_index_key UNIQUE (national_id_index),
  CONSTRAINT kyc_profiles_last4 CHECK (char_length(national_id_last4) = 4),
  CONSTRAINT kyc_profiles_status CHECK (status IN ('pending', 'verified', 'rejected')),
  CONSTRAINT kyc_profiles_rejection CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL)
);
CREATE INDEX kyc_profiles_status ON kyc_profiles (status, updated_at);
