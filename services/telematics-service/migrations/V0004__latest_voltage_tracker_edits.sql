-- The latest external (vehicle battery) voltage a tracker reported, in volts: Teltonika IO 66,
-- the batch API's external_voltage. A low or zero value while the ignition is off is how a cut
-- power wire shows.
ALTER TABLE latest_positions ADD COLUMN external_voltage real;
-- Who last changed a tracker's phone, model or firmware.
ALTER TABLE trackers ADD COLUMN updated_by text;
