-- Images attached to a ticket (at most 5 each, checked by their magic bytes and a size limit
-- when uploaded). The bytes are kept in the row: a handful of photos per ticket needs no file
-- store of its own.
CREATE TABLE ticket_attachments (
  id                uuid PRIMARY KEY,
  ticket_id         uuid NOT NULL REFERENCES tickets (id),
  uploaded_by       text NOT NULL,
  uploaded_by_kind  text NOT NULL CHECK (uploaded_by_kind IN ('customer', 'staff')),
  content_type      text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  size_bytes        int NOT NULL,
  sha256            text NOT NULL,
  bytes             bytea NOT NULL,
  created_at        timestamptz NOT NULL
);
CREATE INDEX ticket_attachments_ticket ON ticket_attachments (ticket_id, created_at);
