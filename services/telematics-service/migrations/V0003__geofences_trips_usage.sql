-- Geofences drawn by staff; per vehicle, which fences it is inside and the trip machine's state;
-- closed trips; usage per vehicle and operator-local date, published once per finished day.

-- A polygon ([[lon, lat], ...], stored open: the first point is not repeated) or a circle.
-- kind exclusion: the immobiliser never cuts the engine inside (a hospital).
CREATE TABLE geofences (
  id          uuid PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind        text NOT NULL CHECK (kind IN ('operating_area', 'yard', 'no_go', 'exclusion')),
  active      boolean NOT NULL,
  polygon     jsonb,
  center_lat  double precision CHECK (center_lat BETWEEN -90 AND 90),
  center_lon  double precision CHECK (center_lon BETWEEN -180 AND 180),
  radius_m    integer CHECK (radius_m BETWEEN 10 AND 100000),
  created_at  timestamptz NOT NULL,
  created_by  text NOT NULL,
  updated_at  timestamptz NOT NULL,
  updated_by  text NOT NULL,
  CHECK ((polygon IS NOT NULL) <> (radius_m IS NOT NULL)),
  CHECK ((radius_m IS NULL) = (center_lat IS NULL) AND (radius_m IS NULL) = (center_lon IS NULL))
);
CREATE INDEX geofences_page ON geofences (created_at, id);

-- One row per vehicle that has reported a good fix. inside: the fences it is in (enter/exit).
-- last_*: the newest fix walked; trip_*: the open trip (trip_start_time null: none), stopped_*:
-- where and since when it has been slower than the trip start speed. version: a random token
-- set by every write; a replica that kept the row in memory writes only if it is unchanged.
CREATE TABLE vehicle_motion (
  vehicle_id          uuid PRIMARY KEY,
  version             bigint NOT NULL,
  inside              uuid[] NOT NULL DEFAULT '{}',
  last_time           timestamptz,
  last_lat            double precision,
  last_lon            double precision,
  last_speed_kmh      double precision NOT NULL DEFAULT 0,
  ignition            boolean,
  reports_ignition    boolean NOT NULL DEFAULT false,
  trip_start_time     timestamptz,
  trip_start_lat      double precision,
  trip_start_lon      double precision,
  trip_distance_m     double precision,
  trip_max_speed_kmh  double precision,
  stopped_time        timestamptz,
  stopped_lat         double precision,
  stopped_lon         double precision,
  updated_at          timestamptz NOT NULL
);

CREATE TABLE trips (
  id             uuid PRIMARY KEY,
  vehicle_id     uuid NOT NULL,
  tracker_id     uuid NOT NULL,
  start_time     timestamptz NOT NULL,
  start_lat      double precision NOT NULL,
  start_lon      double precision NOT NULL,
  end_time       timestamptz NOT NULL,
  end_lat        double precision NOT NULL,
  end_lon        double precision NOT NULL,
  distance_m     double precision NOT NULL,
  max_speed_kmh  double precision NOT NULL,
  end_reason     text NOT NULL CHECK (end_reason IN ('ignition_off', 'stopped', 'data_gap')),
  UNIQUE (vehicle_id, start_time, id)  -- the keyset pages, newest first
);

-- Usage per vehicle and operator-local date (OPERATOR_TZ), added to as fixes arrive. Seconds and
-- metres are kept exact (fractions of a segment split at midnight) and rounded when shown.
-- published_at: when telematics.usage.daily went out for this day (once).
CREATE TABLE daily_usage (
  vehicle_id      uuid NOT NULL,
  date            date NOT NULL,
  tracker_id      uuid NOT NULL,             -- the tracker that reported last that day
  distance_m      double precision NOT NULL,
  engine_seconds  double precision NOT NULL,
  moving_seconds  double precision NOT NULL,
  trips           integer NOT NULL,
  updated_at      timestamptz NOT NULL,
  published_at    timestamptz,
  PRIMARY KEY (vehicle_id, date)
);
CREATE INDEX daily_usage_unpublished ON daily_usage (date, vehicle_id) WHERE published_at IS NULL;
