-- Four eyes on money that no provider confirmed. Crediting a held request or a held paybill
-- confirmation, recording a refund and reversing a payment are proposed by one staff member,
-- with their evidence, and carried out only when a different staff member approves. Nothing
-- reaches the ledger or the customer's statement before that; the approval is marked in the
-- same transaction that carries out the action.

CREATE TABLE approvals (
  id            uuid        PRIMARY KEY,
  seq           bigserial   NOT NULL UNIQUE,  -- keyset paging, in the order proposed
  kind          text        NOT NULL,         -- credit_request | credit_callback | refund | reversal
  subject_id    text        NOT NULL,         -- the request, callback, plan or payment acted on
  plan_id       uuid,
  amount        bigint,                       -- minor units, when the action moves an amount
  currency      text,
  evidence      text,                         -- the provider's receipt, the refund's reference
  note          text        NOT NULL,         -- staff only; never shown to the customer
  input         jsonb       NOT NULL,         -- what was proposed, as the API received it
  proposed_by   text        NOT NULL,
  proposed_at   timestamptz NOT NULL,
  status        text        NOT NULL DEFAULT 'pending',
  decided_by    text,
  decided_at    timestamptz,
  decision_note text,
  result_id     text,                         -- the payment or refund an approval recorded
  CONSTRAINT approvals_kind CHECK (kind IN ('credit_request', 'credit_callback', 'refund', 'reversal')),
  CONSTRAINT approvals_status CHECK (status IN ('pending', 'approved', 'rejected')),
  CONSTRAINT approvals_decided CHECK ((status = 'pending') = (decided_by IS NULL)
                                      AND (decided_by IS NULL) = (decided_at IS NULL)),
  CONSTRAINT approvals_four_eyes CHECK (status <> 'approved' OR decided_by <> proposed_by),
  CONSTRAINT approvals_result CHECK ((status = 'approved') = (result_id IS NOT NULL)),
  CONSTRAINT approvals_amount CHECK (amount IS NULL OR (amount > 0 AND amount <= 1000000000000
                                                        AND currency IS NOT NULL))
);

-- One open proposal per item: a second one waits for the first to be decided.
CREATE UNIQUE INDEX approvals_one_pending ON approvals (kind, subject_id) WHERE status = 'pending';
CREATE INDEX approvals_by_status ON approvals (status, seq);

-- A decision is final: a decided approval is never changed, and no approval is deleted.
CREATE FUNCTION approvals_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.status <> 'pending' THEN
    RAISE EXCEPTION 'approval % is final', OLD.id USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER approvals_final BEFORE UPDATE OR DELETE ON approvals
  FOR EACH ROW EXECUTE FUNCTION approvals_final();
