-- Daily vehicle usage from the telematics service's telematics.usage.daily: one row per vehicle
-- and operator-local day, kept for the customer whose plan the vehicle was on that day. A later
-- event for the same vehicle and day (a repeat or a correction) replaces the figures, the
-- customer included; an event older than the one stored (by its CloudEvents time) changes
-- nothing. Credit officers see a summary beside a returning customer's next application, and
-- the scorecard may bin it (input usage_active_days_percent).
CREATE TABLE vehicle_usage_daily (
  vehicle_id     uuid        NOT NULL,
  usage_date     date        NOT NULL,             -- the operator-local day
  customer_id    uuid        NOT NULL,
  tracker_id     uuid        NOT NULL,
  plan_id        uuid,
  distance_m     bigint      NOT NULL CHECK (distance_m >= 0),
  engine_seconds integer     NOT NULL CHECK (engine_seconds >= 0),
  moving_seconds integer     NOT NULL CHECK (moving_seconds >= 0),
  trips          integer     NOT NULL CHECK (trips >= 0),
  active         boolean     NOT NULL,
  event_id       text        NOT NULL,             -- the event the figures came from
  event_time     timestamptz NOT NULL,             -- its CloudEvents time: orders corrections
  recorded_at    timestamptz NOT NULL,
  PRIMARY KEY (vehicle_id, usage_date)
);
-- A customer's days in a window of dates.
CREATE INDEX vehicle_usage_daily_customer ON vehicle_usage_daily (customer_id, usage_date);
