-- Positions partitioned by month of device time (UTC), and device tokens for the HTTP batch API.

-- ---- positions by month ------------------------------------------------------------------------
ALTER TABLE positions RENAME TO positions_unpartitioned;
ALTER INDEX positions_pkey RENAME TO positions_unpartitioned_pkey;
ALTER INDEX positions_vehicle_time RENAME TO positions_unpartitioned_vehicle_time;

CREATE TABLE positions (
  tracker_id   uuid NOT NULL,
  device_time  timestamptz NOT NULL,
  server_time  timestamptz NOT NULL,
  vehicle_id   uuid,
  lat          double precision NOT NULL,
  lon          double precision NOT NULL,
  speed_kmh    real NOT NULL,
  course       real NOT NULL,
  satellites   smallint NOT NULL,
  valid        boolean NOT NULL,
  ignition     boolean,
  PRIMARY KEY (tracker_id, device_time)
) PARTITION BY RANGE (device_time);
CREATE INDEX positions_vehicle_time ON positions (vehicle_id, device_time) WHERE vehicle_id IS NOT NULL;
-- Fixes whose month has no partition (a device clock years off) land here; a month created later
-- takes its rows out of it (ensure_position_partitions).
CREATE TABLE positions_default PARTITION OF positions DEFAULT;

-- Creates the monthly partitions positions_YYYY_MM for `months` months from the month of
-- `from_month`, each once; returns how many it created. Runs as the owner of the table
-- (SECURITY DEFINER), so the service's runtime role, which owns nothing, can call it from a job.
-- Rows of that month already in the default partition are moved into the new one.
CREATE FUNCTION ensure_position_partitions(from_month date, months integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  first_day date := date_trunc('month', from_month)::date;
  lo timestamptz;
  hi timestamptz;
  part text;
  created integer := 0;
BEGIN
  -- Replicas take turns.
  PERFORM pg_advisory_xact_lock(hashtext('ensure_position_partitions'));
  FOR i IN 0 .. months - 1 LOOP
    lo := ((first_day + make_interval(months => i))::timestamp AT TIME ZONE 'UTC');
    hi := ((first_day + make_interval(months => i + 1))::timestamp AT TIME ZONE 'UTC');
    part := 'positions_' || to_char(lo AT TIME ZONE 'UTC', 'YYYY_MM');
    CONTINUE WHEN to_regclass(part) IS NOT NULL;
    EXECUTE format('CREATE TABLE %I (LIKE positions INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
    EXECUTE format('WITH moved AS (DELETE FROM positions_default WHERE device_time >= %L AND device_time < %L '
                   'RETURNING *) INSERT INTO %I SELECT * FROM moved', lo, hi, part);
    EXECUTE format('ALTER TABLE positions ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
    created := created + 1;
  END LOOP;
  RETURN created;
END $$;

-- Detaches the monthly partitions that end on or before `before` (oldest first) and returns
-- their names: they stay as plain tables for archiving (pg_dump -t) until the operator drops them.
CREATE FUNCTION detach_position_partitions(before timestamptz) RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  r record;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('ensure_position_partitions'));
  FOR r IN
    SELECT c.relname AS part
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'positions'::regclass AND c.relname ~ '^positions_[0-9]{4}_[0-9]{2}$'
       AND ((to_date(substr(c.relname, 11), 'YYYY_MM') + interval '1 month')::timestamp AT TIME ZONE 'UTC') <= before
     ORDER BY c.relname
  LOOP
    EXECUTE format('ALTER TABLE positions DETACH PARTITION %I', r.part);
    RETURN NEXT r.part;
  END LOOP;
END $$;

-- The months that already hold positions, then the current month and the next two.
SELECT ensure_position_partitions(m, 1)
  FROM (SELECT DISTINCT date_trunc('month', device_time AT TIME ZONE 'UTC')::date AS m FROM positions_unpartitioned) s;
SELECT ensure_position_partitions((now() AT TIME ZONE 'UTC')::date, 3);
INSERT INTO positions SELECT * FROM positions_unpartitioned;
DROP TABLE positions_unpartitioned;

-- ---- device tokens -------------------------------------------------------------------------------
-- One bearer token per tracker for the HTTP batch API and command fetching; only its SHA-256 is
-- kept (the token is 256 random bits, so a fast hash is enough). Issuing a new one replaces it.
CREATE TABLE device_tokens (
  tracker_id    uuid PRIMARY KEY REFERENCES trackers(id),
  token_hash    text NOT NULL UNIQUE,
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL,
  last_used_at  timestamptz
);
