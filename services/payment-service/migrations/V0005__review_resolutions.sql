-- Staff resolve items on the mobile-money review queue once, with a note: a held request or a
-- held paybill (C2B) confirmation is credited after staff have checked it in the provider's
-- portal, or the item is dismissed. A dismissed request ends `dismissed` (no money recorded).

ALTER TABLE payment_requests DROP CONSTRAINT payment_requests_status;
ALTER TABLE payment_requests ADD CONSTRAINT payment_requests_status
  CHECK (status IN ('initiated', 'pending', 'succeeded', 'failed', 'expired', 'held', 'dismissed'));

CREATE TABLE review_resolutions (
  item        text        NOT NULL,  -- request | callback
  item_id     text        NOT NULL,  -- the request's id, or the callback's
  action      text        NOT NULL,  -- credit | dismiss
  note        text        NOT NULL,  -- staff only; never shown to the customer
  resolved_by text        NOT NULL,  -- the staff member's user id
  resolved_at timestamptz NOT NULL,
  payment_id  uuid        REFERENCES payments (id),
  PRIMARY KEY (item, item_id),
  CONSTRAINT review_resolutions_item CHECK (item IN ('request', 'callback')),
  CONSTRAINT review_resolutions_action CHECK (action IN ('credit', 'dismiss')),
  CONSTRAINT review_resolutions_payment CHECK ((action = 'credit') = (payment_id IS NOT NULL))
);

CREATE TRIGGER review_resolutions_append_only BEFORE UPDATE OR DELETE ON review_resolutions
  FOR EACH ROW EXECUTE FUNCTION append_only();
