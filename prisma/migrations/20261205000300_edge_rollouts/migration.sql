-- Signed over-the-air updates (issue 21, item 3): a model version reaches a model's edge
-- deployments in waves, a canary share first. Each agent verifies the update, runs a smoke test on
-- windows it holds and reports; the rollout goes on, or rolls every updated target back to the
-- version it ran before, by itself.
CREATE TYPE "edge_rollout_status" AS ENUM ('RUNNING', 'SUCCEEDED', 'ROLLED_BACK');
CREATE TYPE "edge_rollout_step" AS ENUM ('WAITING', 'OFFERED', 'UPDATED', 'FAILED', 'ROLLING_BACK', 'ROLLED_BACK');

CREATE TABLE "edge_rollouts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "version_id" UUID NOT NULL,
    "canary_share" DOUBLE PRECISION NOT NULL,
    "status" "edge_rollout_status" NOT NULL DEFAULT 'RUNNING',
    "reason" TEXT,
    "started_by_id" UUID,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),
    CONSTRAINT "edge_rollouts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "edge_rollouts_canary_share_check" CHECK ("canary_share" > 0 AND "canary_share" <= 1)
);
CREATE UNIQUE INDEX "edge_rollouts_organization_id_id_key" ON "edge_rollouts"("organization_id", "id");
CREATE INDEX "edge_rollouts_organization_id_model_id_started_at_idx" ON "edge_rollouts"("organization_id", "model_id", "started_at");
ALTER TABLE "edge_rollouts" ADD CONSTRAINT "edge_rollouts_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "edge_rollouts" ADD CONSTRAINT "edge_rollouts_organization_id_model_id_fkey" FOREIGN KEY ("organization_id", "model_id") REFERENCES "models"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "edge_rollouts" ADD CONSTRAINT "edge_rollouts_organization_id_version_id_fkey" FOREIGN KEY ("organization_id", "version_id") REFERENCES "model_versions"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "edge_rollouts" ADD CONSTRAINT "edge_rollouts_organization_id_started_by_id_fkey" FOREIGN KEY ("organization_id", "started_by_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
-- One running rollout per model at a time.
CREATE UNIQUE INDEX "edge_rollouts_running_per_model" ON "edge_rollouts"("organization_id", "model_id") WHERE "status" = 'RUNNING';

CREATE TABLE "edge_rollout_targets" (
    "rollout_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "wave" INTEGER NOT NULL,
    "previous_version_id" UUID NOT NULL,
    "step" "edge_rollout_step" NOT NULL DEFAULT 'WAITING',
    "report" JSONB,
    "reported_at" TIMESTAMPTZ(3),
    CONSTRAINT "edge_rollout_targets_pkey" PRIMARY KEY ("rollout_id", "deployment_id"),
    CONSTRAINT "edge_rollout_targets_wave_check" CHECK ("wave" IN (0, 1))
);
CREATE INDEX "edge_rollout_targets_organization_id_deployment_id_idx" ON "edge_rollout_targets"("organization_id", "deployment_id");
ALTER TABLE "edge_rollout_targets" ADD CONSTRAINT "edge_rollout_targets_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "edge_rollout_targets" ADD CONSTRAINT "edge_rollout_targets_organization_id_rollout_id_fkey" FOREIGN KEY ("organization_id", "rollout_id") REFERENCES "edge_rollouts"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "edge_rollout_targets" ADD CONSTRAINT "edge_rollout_targets_organization_id_deployment_id_fkey" FOREIGN KEY ("organization_id", "deployment_id") REFERENCES "deployments"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "edge_rollout_targets" ADD CONSTRAINT "edge_rollout_targets_organization_id_previous_version_id_fkey" FOREIGN KEY ("organization_id", "previous_version_id") REFERENCES "model_versions"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A rollout's history is kept: the services record and advance rollouts, never delete them.
GRANT SELECT, INSERT, UPDATE ON "edge_rollouts", "edge_rollout_targets" TO threadline_app;
