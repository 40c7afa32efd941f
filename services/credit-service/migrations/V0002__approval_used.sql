-- An approval used for a payment plan: the plan is recorded on the application (from the
-- payment service's payment.plan.created). A used approval is no longer an open application
-- (the customer may apply again), never expires, and cannot be withdrawn.
ALTER TABLE applications ADD COLUMN plan_id uuid;
ALTER TABLE applications ADD COLUMN used_at timestamptz;
ALTER TABLE applications ADD CONSTRAINT applications_used CHECK ((plan_id IS NULL) = (used_at IS NULL)
                                                                 AND (plan_id IS NULL OR status = 'approved'));

DROP INDEX applications_one_open_per_customer;
CREATE UNIQUE INDEX applications_one_open_per_customer ON applications (customer_id)
  WHERE status IN ('submitted', 'scored', 'referred') OR (status = 'approved' AND plan_id IS NULL);

DROP INDEX applications_approved_expiry;
CREATE INDEX applications_approved_expiry ON applications (expires_at) WHERE status = 'approved' AND plan_id IS NULL;
