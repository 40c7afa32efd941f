-- telematicsdb: trackers and their installations, plans that control vehicles, positions,
-- the latest state per tracker, immobiliser locks with their commands and audit trail.

CREATE TABLE trackers (
  id          uuid PRIMARY KEY,
  imei        text NOT NULL UNIQUE CHECK (imei ~ '^[0-9]{15}$'),
  protocol    text NOT NULL CHECK (protocol IN ('gt06', 'teltonika', 'osmand', 'http')),
  phone       text NOT NULL,             -- SIM number, E.164
  model       text NOT NULL,
  firmware    text,
  vehicle_id  uuid UNIQUE,               -- the vehicle it is installed on, if any
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);

-- Installation history: one row per install, closed by a removal.
CREATE TABLE tracker_installs (
  id            bigserial PRIMARY KEY,
  tracker_id    uuid NOT NULL REFERENCES trackers(id),
  vehicle_id    uuid NOT NULL,
  installed_at  timestamptz NOT NULL,
  installed_by  text NOT NULL,
  removed_at    timestamptz,
  removed_by    text
);
CREATE INDEX tracker_installs_tracker ON tracker_installs (tracker_id, installed_at DESC);
CREATE UNIQUE INDEX tracker_installs_open_vehicle ON tracker_installs (vehicle_id) WHERE removed_at IS NULL;

-- What the payment service told us about the plan that holds a vehicle (payment.plan.* events).
-- status: active (PAYG control on), completed (released for good), repossessed, cancelled.
CREATE TABLE vehicle_plans (
  vehicle_id   uuid PRIMARY KEY,
  plan_id      uuid NOT NULL,
  customer_id  uuid NOT NULL,
  status       text NOT NULL CHECK (status IN ('active', 'completed', 'repossessed', 'cancelled')),
  updated_at   timestamptz NOT NULL
);
CREATE INDEX vehicle_plans_customer ON vehicle_plans (customer_id) WHERE status IN ('active', 'repossessed');

-- Every accepted fix. (tracker_id, device_time) is the key: a duplicate report is dropped.
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
  valid        boolean NOT NULL,           -- the device had a GPS fix and the fix is plausible
  ignition     boolean,
  PRIMARY KEY (tracker_id, device_time)
);
CREATE INDEX positions_vehicle_time ON positions (vehicle_id, device_time) WHERE vehicle_id IS NOT NULL;

-- The latest state per tracker. Older (out-of-order) fixes never overwrite a newer one.
CREATE TABLE latest_positions (
  tracker_id      uuid PRIMARY KEY REFERENCES trackers(id),
  vehicle_id      uuid,
  device_time     timestamptz,
  lat             double precision,
  lon             double precision,
  speed_kmh       real,
  course          real,
  valid           boolean,
  ignition        boolean,
  battery_percent real,
  stopped_since   timestamptz,
  oil_cut         boolean,
  online          boolean NOT NULL DEFAULT false,
  last_seen_at    timestamptz NOT NULL
);
CREATE INDEX latest_positions_vehicle ON latest_positions (vehicle_id);

-- The immobiliser state per vehicle.
CREATE TABLE locks (
  vehicle_id     uuid PRIMARY KEY,
  plan_id        uuid,
  state          text NOT NULL CHECK (state IN ('unlocked', 'pending', 'locking', 'locked', 'unlocking', 'failed')),
  pending_since  timestamptz,
  wait_reason    text,
  updated_at     timestamptz NOT NULL
);

-- Engine-cut and restore commands. id is the GT06 server flag that the device's reply names.
CREATE TABLE commands (
  id            bigserial PRIMARY KEY,
  vehicle_id    uuid NOT NULL,
  tracker_id    uuid NOT NULL REFERENCES trackers(id),
  kind          text NOT NULL CHECK (kind IN ('lock', 'unlock')),
  status        text NOT NULL CHECK (status IN ('queued', 'sent', 'acknowledged', 'failed', 'cancelled')),
  attempts      integer NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL,
  sent_at       timestamptz,
  answered_at   timestamptz,
  response      text
);
CREATE INDEX commands_open ON commands (tracker_id, id) WHERE status IN ('queued', 'sent');

-- Every step of every lock: pending, sent, acknowledged, failed, cancelled, released.
CREATE TABLE lock_audit (
  id          bigserial PRIMARY KEY,
  vehicle_id  uuid NOT NULL,
  plan_id     uuid,
  step        text NOT NULL,
  reason      text NOT NULL,
  actor       text NOT NULL,
  command_id  bigint,
  at          timestamptz NOT NULL
);
CREATE INDEX lock_audit_vehicle ON lock_audit (vehicle_id, id);

-- Data from unknown or uninstalled devices: counted, never stored as positions.
CREATE TABLE refused_devices (
  device_id   text PRIMARY KEY,
  protocol    text NOT NULL,
  count       bigint NOT NULL,
  last_at     timestamptz NOT NULL
);
