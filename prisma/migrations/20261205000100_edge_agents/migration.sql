-- Edge agents (issue 21, item 1; issue 20's store and forward): what a target's agent last reported
-- (its version, whether it scores with its model or its fallback rules, its forwarding backlog),
-- and how far its ordered outbox has been accepted, so a batch forwarded twice is applied once.
-- An agent whose local state is new starts a new epoch; its sequence numbers count from there.
ALTER TABLE "edge_targets"
  ADD COLUMN "agent_version" TEXT,
  ADD COLUMN "agent_mode" TEXT,
  ADD COLUMN "agent_model_version" INTEGER,
  ADD COLUMN "agent_backlog" INTEGER,
  ADD COLUMN "agent_dropped" INTEGER,
  ADD COLUMN "forward_epoch" TEXT,
  ADD COLUMN "forwarded_seq" BIGINT NOT NULL DEFAULT 0,
  ADD CONSTRAINT "edge_targets_agent_mode_check" CHECK ("agent_mode" IN ('MODEL', 'FALLBACK', 'NO_MODEL')),
  ADD CONSTRAINT "edge_targets_agent_backlog_check" CHECK ("agent_backlog" >= 0);
