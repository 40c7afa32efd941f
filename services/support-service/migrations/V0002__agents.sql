-- Support agents who take tickets. An agent registers themself as available (or not) through
-- PUT /api/v1/support/agents/me; a new ticket that staff have not assigned goes to the available
-- agent with the fewest open tickets (ties: the one who was given a ticket longest ago).
CREATE TABLE support_agents (
  agent_id          uuid PRIMARY KEY,
  available         boolean NOT NULL,
  last_assigned_at  timestamptz,
  updated_at        timestamptz NOT NULL
);

CREATE INDEX tickets_assignee_open ON tickets (assignee_id) WHERE status NOT IN ('resolved', 'closed');
