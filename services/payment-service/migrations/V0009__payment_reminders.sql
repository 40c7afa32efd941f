-- Payment reminders sent (payment.reminder.due): at most once per plan, instalment and kind,
-- whatever restarts or re-runs of the daily job. The row is written in the transaction that
-- puts the event in the outbox.
CREATE TABLE payment_reminders (
  plan_id   uuid        NOT NULL REFERENCES plans (id),
  seq       int         NOT NULL,
  kind      text        NOT NULL,
  due_date  date        NOT NULL,
  sent_on   date        NOT NULL,  -- the operator's local date of the run that sent it
  sent_at   timestamptz NOT NULL,
  PRIMARY KEY (plan_id, seq, kind),
  CONSTRAINT payment_reminders_kind
    CHECK (kind IN ('due_tomorrow', 'due_today', 'overdue_1', 'overdue_3', 'overdue_7'))
);
