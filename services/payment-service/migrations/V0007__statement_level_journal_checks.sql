-- The journal's balance check runs once per statement instead of once per row.
--
-- V0001 checked every entry at commit with a deferred trigger on each entry row and on each
-- line row, so an entry with two lines was checked three times, each time with two queries.
-- Every entry is written together with its lines in one statement (WITH e AS (INSERT INTO
-- journal_entries …) INSERT INTO journal_lines …), and AFTER STATEMENT triggers fire at the end
-- of that whole statement, so the same rules hold when they are checked there, for all the
-- statement's entries at once:
--   * every entry the statement added has at least two lines;
--   * every entry the statement added lines to balances per currency, counting all its lines,
--     so lines added later to an existing entry are checked against the whole entry (a line is
--     never zero, so an entry with a single line never balances).
-- An entry written without its lines in the same statement is refused at once.
--
-- Both functions look lines up by entry through the primary key. A session keeps the plan it
-- made at its first call, and the journal starts empty: a plan made while the table had a page
-- or two would scan the whole table for every entry once it holds millions of lines. So their
-- queries are planned with sequential scans of tables off (the transition tables can only be
-- scanned, and still are).

DROP TRIGGER journal_entries_balanced ON journal_entries;
DROP TRIGGER journal_lines_balanced ON journal_lines;
DROP FUNCTION journal_entries_balanced();
DROP FUNCTION journal_lines_balanced();
DROP FUNCTION journal_check_entry(bigint);

CREATE FUNCTION journal_entries_have_lines() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  lonely bigint;
BEGIN
  SELECT a.id INTO lonely FROM added_entries a
   WHERE (SELECT count(*) FROM journal_lines l WHERE l.entry_id = a.id) < 2 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'journal entry % has fewer than two lines', lonely USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION journal_lines_balance() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  unbalanced bigint;
BEGIN
  SELECT a.entry_id INTO unbalanced FROM (SELECT DISTINCT entry_id FROM added_lines) a
   CROSS JOIN LATERAL (SELECT 1 FROM journal_lines l WHERE l.entry_id = a.entry_id
                        GROUP BY l.currency HAVING sum(l.amount) <> 0 LIMIT 1) bad
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'journal entry % does not balance', unbalanced USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER journal_entries_have_lines AFTER INSERT ON journal_entries
  REFERENCING NEW TABLE AS added_entries FOR EACH STATEMENT EXECUTE FUNCTION journal_entries_have_lines();
CREATE TRIGGER journal_lines_balance AFTER INSERT ON journal_lines
  REFERENCING NEW TABLE AS added_lines FOR EACH STATEMENT EXECUTE FUNCTION journal_lines_balance();

-- A plan's terms are checked only by statements that name a term column: the payment path's
-- updates (status, balances, days past due) no longer compare the terms document on every row.
DROP TRIGGER plans_terms_frozen ON plans;
CREATE TRIGGER plans_terms_frozen BEFORE UPDATE OF terms, price, deposit, charge, total_payable, instalment,
  last_instalment, instalment_count, customer_id, vehicle_id, reference, template_id, currency
  ON plans FOR EACH ROW EXECUTE FUNCTION plans_terms_frozen();
