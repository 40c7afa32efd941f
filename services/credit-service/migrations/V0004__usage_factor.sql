-- Scorecard model "rto-v1-usage": version 1 with one more factor, vehicle_usage, on the share of
-- days with tracker data on which the customer's vehicle was used before the application
-- (input usage_active_days_percent, missing without usage data). Every bin's log-odds is 0, so
-- the factor adds no points and is never a reason: it puts the usage into every decision's
-- breakdown and audit record without changing a score, a grade or a decision, until a refit on
-- the operator's own repayment data gives it weight (as a new version).
--
-- The new version takes the next number. It becomes the active one only if version 1 (the seed)
-- is: a model an administrator activated is left in force. Model rows are never edited; only
-- the active flags change.
DO $migration$
DECLARE
  v integer;
BEGIN
  SELECT COALESCE(max(version), 0) + 1 INTO v FROM scorecard_models;
  INSERT INTO scorecard_models (version, name, model, active, created_at)
  SELECT v, 'rto-v1-usage',
         jsonb_set(jsonb_set(jsonb_set(m.model,
           '{name}', '"rto-v1-usage"'),
           '{description}', to_jsonb((m.model->>'description') ||
             ' Version 1 with vehicle usage before the application as a factor of weight zero: shown, not yet scored.')),
           '{factors}', (m.model->'factors') || $factor$
[
  {"code": "vehicle_usage", "label": "Days the vehicle was used, of the days with tracker data before the application",
   "input": "usage_active_days_percent",
   "reason": {"code": "low_vehicle_usage", "message": "Your vehicle on an earlier plan with us was used on few of the days it reported."},
   "bins": [
     {"label": "no usage data", "missing": true, "log_odds": 0, "explain": false},
     {"label": "under 50%", "max": 49, "log_odds": 0},
     {"label": "50% to 79%", "min": 50, "max": 79, "log_odds": 0},
     {"label": "80% or more", "min": 80, "log_odds": 0}]}
]
$factor$::jsonb),
         false, now()
    FROM scorecard_models m WHERE m.version = 1;

  IF FOUND AND EXISTS (SELECT 1 FROM scorecard_models WHERE version = 1 AND active) THEN
    -- Deactivate first: at most one model is active at any moment.
    UPDATE scorecard_models SET active = false WHERE version = 1;
    UPDATE scorecard_models SET active = true, activated_at = now() WHERE version = v;
  END IF;
END
$migration$;
