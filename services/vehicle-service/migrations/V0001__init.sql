-- Vehicle service schema: categories, vehicles (listings, status, reservations), status
-- history and images. Timestamps are UTC (timestamptz). Money is bigint minor units plus an
-- ISO 4217 code.

-- Trigram similarity for typo-tolerant search ("bajaj boxr" finds the Bajaj Boxer). A trusted
-- extension since PostgreSQL 13: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Database-level settings for this service's connections (applied to new sessions):
--  * Search statements carry optional filters as parameters ("$n IS NULL OR ..."). A plan
--    made for the actual values uses the right index for each combination; a generic plan
--    cannot, so prepared statements are always planned with their values.
--  * word_similarity_threshold 0.5 (default 0.6) lets one mistyped letter in a short word
--    still match ("toyta" finds Toyota).
SELECT similarity('a', 'a');  -- loads pg_trgm so that its settings are known below
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET plan_cache_mode = force_custom_plan', current_database());
  EXECUTE format('ALTER DATABASE %I SET pg_trgm.word_similarity_threshold = 0.5', current_database());
END
$$;

CREATE TABLE categories (
  slug     text    PRIMARY KEY,
  name_en  text    NOT NULL,
  name_sw  text    NOT NULL,
  position integer NOT NULL UNIQUE
);
INSERT INTO categories (slug, name_en, name_sw, position) VALUES
  ('motorcycle',   'Motorcycle',                'Pikipiki',             1),
  ('e-motorcycle', 'Electric motorcycle',       'Pikipiki ya umeme',    2),
  ('tuk-tuk',      'Tuk-tuk (three-wheeler)',   'Bajaji (magurudumu matatu)', 3),
  ('car',          'Car',                       'Gari',                 4),
  ('e-bike',       'Electric bicycle',          'Baiskeli ya umeme',    5),
  ('van-pickup',   'Van or pickup',             'Gari la mizigo',       6);

CREATE TABLE vehicles (
  id               uuid             PRIMARY KEY,
  dealer_id        uuid             NOT NULL,
  category         text             NOT NULL REFERENCES categories (slug),
  make             text             NOT NULL,
  model            text             NOT NULL,
  year             integer          NOT NULL,
  condition        text             NOT NULL,
  fuel             text             NOT NULL,
  engine_cc        integer,
  battery_kwh      numeric(6, 2),
  mileage_km       integer          NOT NULL DEFAULT 0,
  colour           text,
  vin              text             NOT NULL,  -- VIN or chassis number, upper case, no spaces
  registration     text,                       -- number plate, upper case, no spaces
  price_amount     bigint           NOT NULL,
  price_currency   text             NOT NULL,
  city             text             NOT NULL,
  branch           text,
  latitude         double precision,
  longitude        double precision,
  description      text             NOT NULL DEFAULT '',
  tracker_ready    boolean          NOT NULL DEFAULT false,
  status           text             NOT NULL DEFAULT 'draft',
  rejection_reason text,
  -- The plan holding the vehicle (reserved, leased, owned, repossessed) and its customer.
  plan_id          uuid,
  customer_id      uuid,
  reservation_expires_at timestamptz,
  owner_id         uuid,
  cover_image_id   uuid,
  created_at       timestamptz      NOT NULL,
  updated_at       timestamptz      NOT NULL,
  published_at     timestamptz,
  -- Derived search columns, kept by PostgreSQL.
  make_model       text             GENERATED ALWAYS AS (lower(make || ' ' || model)) STORED,
  search           tsvector         GENERATED ALWAYS AS (
                     setweight(to_tsvector('english'::regconfig, make || ' ' || model), 'A') ||
                     setweight(to_tsvector('english'::regconfig, description), 'B')) STORED,
  CONSTRAINT vehicles_vin_key UNIQUE (vin),
  CONSTRAINT vehicles_registration_key UNIQUE (registration),
  CONSTRAINT vehicles_status CHECK (status IN ('draft', 'pending_review', 'available', 'reserved', 'leased',
                                               'owned', 'maintenance', 'repossessed', 'retired')),
  CONSTRAINT vehicles_condition CHECK (condition IN ('new', 'used')),
  CONSTRAINT vehicles_fuel CHECK (fuel IN ('petrol', 'diesel', 'electric', 'hybrid')),
  CONSTRAINT vehicles_year CHECK (year BETWEEN 1950 AND 2100),
  CONSTRAINT vehicles_price CHECK (price_amount > 0 AND price_currency ~ '^[A-Z]{3}$'),
  CONSTRAINT vehicles_mileage CHECK (mileage_km >= 0),
  CONSTRAINT vehicles_position CHECK ((latitude IS NULL) = (longitude IS NULL)
                                      AND (latitude IS NULL OR latitude BETWEEN -90 AND 90)
                                      AND (longitude IS NULL OR longitude BETWEEN -180 AND 180)),
  CONSTRAINT vehicles_reservation CHECK (status <> 'reserved'
                                         OR (plan_id IS NOT NULL AND customer_id IS NOT NULL
                                             AND reservation_expires_at IS NOT NULL)),
  CONSTRAINT vehicles_owned CHECK (status <> 'owned' OR owner_id IS NOT NULL)
);

-- Keyset sorts of the marketplace search (status is always an equality in the search).
CREATE INDEX vehicles_status_created ON vehicles (status, created_at, id);
CREATE INDEX vehicles_status_price ON vehicles (status, price_amount, id);
CREATE INDEX vehicles_status_category_created ON vehicles (status, category, created_at, id);
CREATE INDEX vehicles_status_category_price ON vehicles (status, category, price_amount, id);
CREATE INDEX vehicles_status_city_created ON vehicles (status, lower(city), created_at, id);
CREATE INDEX vehicles_status_city_price ON vehicles (status, lower(city), price_amount, id);
-- Prices of one currency in order (a price range or sort is meaningful within a currency), and
-- of one fuel (electric vehicles are cheaper than most: a walk of the overall price order would
-- pass most of the catalogue before finding them).
CREATE INDEX vehicles_status_currency_price ON vehicles (status, price_currency, price_amount, id);
CREATE INDEX vehicles_status_fuel_price ON vehicles (status, fuel, price_amount, id);
-- Filters.
CREATE INDEX vehicles_make ON vehicles (lower(make), status);
CREATE INDEX vehicles_position ON vehicles (latitude, longitude) WHERE latitude IS NOT NULL;
-- Text: full-text over make, model and description; the listings of one "make model".
CREATE INDEX vehicles_search ON vehicles USING gin (search);
CREATE INDEX vehicles_status_make_model ON vehicles (status, make_model, id);
-- Facet counts without reading the table: every column the facets group by or the non-text
-- filters look at.
CREATE INDEX vehicles_facets ON vehicles (status, category, make, city, fuel)
  INCLUDE (condition, price_currency, price_amount, year, dealer_id, latitude, longitude);
-- A dealer's own listings, newest first.
CREATE INDEX vehicles_dealer_created ON vehicles (dealer_id, created_at, id);
-- The reservation sweep.
CREATE INDEX vehicles_reservation_expiry ON vehicles (reservation_expires_at) WHERE status = 'reserved';

-- The distinct "make model" texts of all listings: the vocabulary that typo-tolerant search
-- compares with trigrams (a few thousand rows at most, however many listings there are).
-- Kept by triggers; never shrinks (a model without listings simply matches nothing).
CREATE TABLE vehicle_models (
  make_model text PRIMARY KEY
);
CREATE INDEX vehicle_models_trgm ON vehicle_models USING gin (make_model gin_trgm_ops);

CREATE FUNCTION vehicle_models_learn_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO vehicle_models (make_model) SELECT DISTINCT make_model FROM inserted ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE FUNCTION vehicle_models_learn_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO vehicle_models (make_model) VALUES (NEW.make_model) ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
-- Once per statement for inserts (bulk loads), per changed row for renames.
CREATE TRIGGER vehicles_models_on_insert AFTER INSERT ON vehicles
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION vehicle_models_learn_inserted();
CREATE TRIGGER vehicles_models_on_update AFTER UPDATE OF make, model ON vehicles
  FOR EACH ROW WHEN (OLD.make IS DISTINCT FROM NEW.make OR OLD.model IS DISTINCT FROM NEW.model)
  EXECUTE FUNCTION vehicle_models_learn_updated();

-- Every status change, with who or what caused it.
CREATE TABLE vehicle_status_history (
  id          bigserial   PRIMARY KEY,
  vehicle_id  uuid        NOT NULL REFERENCES vehicles (id) ON DELETE CASCADE,
  old_status  text        NOT NULL,
  new_status  text        NOT NULL,
  reason      text        NOT NULL,
  actor       text        NOT NULL,  -- a user id, a service name, or "system"
  plan_id     uuid,
  customer_id uuid,
  created_at  timestamptz NOT NULL
);
CREATE INDEX vehicle_status_history_vehicle ON vehicle_status_history (vehicle_id, id);

-- Image metadata; the bytes live in the image storage under storage_key.
CREATE TABLE vehicle_images (
  id           uuid        PRIMARY KEY,
  vehicle_id   uuid        NOT NULL REFERENCES vehicles (id) ON DELETE CASCADE,
  position     integer     NOT NULL,
  content_type text        NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  size_bytes   integer     NOT NULL CHECK (size_bytes > 0),
  sha256       text        NOT NULL,
  storage_key  text        NOT NULL,
  created_at   timestamptz NOT NULL
);
CREATE INDEX vehicle_images_vehicle ON vehicle_images (vehicle_id, position);
