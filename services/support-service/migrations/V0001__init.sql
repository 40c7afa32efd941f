-- Support service: tickets (with comments and history), in-app notifications and SMS messages.

CREATE TABLE tickets (
  id                   uuid PRIMARY KEY,
  customer_id          uuid NOT NULL,
  category             text NOT NULL,
  priority             text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  status               text NOT NULL CHECK (status IN ('open', 'in_progress', 'waiting_customer', 'resolved', 'closed')),
  subject              text NOT NULL,
  description          text NOT NULL,
  plan_id              uuid,
  vehicle_id           uuid,
  assignee_id          uuid,
  origin               text NOT NULL DEFAULT 'customer',   -- customer | event
  origin_key           text UNIQUE,                        -- auto tickets: one per situation
  first_response_due   timestamptz NOT NULL,
  resolution_due       timestamptz NOT NULL,
  first_response_at    timestamptz,
  resolved_at          timestamptz,
  closed_at            timestamptz,
  first_response_breached boolean NOT NULL DEFAULT false,
  resolution_breached  boolean NOT NULL DEFAULT false,
  rating               int CHECK (rating BETWEEN 1 AND 5),
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL
);
CREATE INDEX tickets_customer ON tickets (customer_id, created_at DESC, id DESC);
CREATE INDEX tickets_queue ON tickets (created_at DESC, id DESC);
CREATE INDEX tickets_open_due ON tickets (resolution_due) WHERE status NOT IN ('resolved', 'closed');

CREATE TABLE ticket_comments (
  id          uuid PRIMARY KEY,
  ticket_id   uuid NOT NULL REFERENCES tickets (id),
  author_id   text NOT NULL,
  author_kind text NOT NULL CHECK (author_kind IN ('customer', 'staff', 'system')),
  body        text NOT NULL,
  internal    boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL
);
CREATE INDEX ticket_comments_ticket ON ticket_comments (ticket_id, created_at);

CREATE TABLE ticket_history (
  id          bigserial PRIMARY KEY,
  ticket_id   uuid NOT NULL REFERENCES tickets (id),
  actor       text NOT NULL,
  action      text NOT NULL,
  old_value   text,
  new_value   text,
  at          timestamptz NOT NULL
);
CREATE INDEX ticket_history_ticket ON ticket_history (ticket_id, id);

CREATE TABLE notifications (
  id          uuid PRIMARY KEY,
  user_id     uuid NOT NULL,
  event_id    text NOT NULL,
  kind        text NOT NULL,
  language    text NOT NULL,
  title       text NOT NULL,
  body        text NOT NULL,
  read_at     timestamptz,
  created_at  timestamptz NOT NULL,
  UNIQUE (event_id, user_id)
);
CREATE INDEX notifications_inbox ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- One row per SMS: created with its notification (once per event and recipient), sent by the
-- delivery job. status: pending → sending → sent → delivered | failed; a message in `sending`
-- whose outcome is unknown is never sent again.
CREATE TABLE sms_messages (
  id                  uuid PRIMARY KEY,
  event_id            text NOT NULL,
  user_id             uuid NOT NULL,
  notification_id     uuid REFERENCES notifications (id),
  phone               text NOT NULL,
  body                text NOT NULL,
  segments            int NOT NULL,
  gsm7                boolean NOT NULL,
  urgent              boolean NOT NULL DEFAULT false,
  status              text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'failed')),
  attempts            int NOT NULL DEFAULT 0,
  next_attempt_at     timestamptz NOT NULL,
  provider            text,
  provider_message_id text,
  provider_status     text,
  provider_status_code int,
  failure_reason      text,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  UNIQUE (event_id, user_id)
);
CREATE INDEX sms_due ON sms_messages (next_attempt_at) WHERE status = 'pending';
CREATE UNIQUE INDEX sms_provider_id ON sms_messages (provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX sms_outbox ON sms_messages (created_at DESC, id DESC);
