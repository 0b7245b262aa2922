-- An experiment splits one live champion deployment: its challenger (or shadow) runs as a deployment
-- of its own on the same target and scope, and the experiment remembers both. At most one experiment
-- runs per champion deployment, so assets are never split twice.
ALTER TABLE "experiments" ADD COLUMN "champion_deployment_id" UUID NOT NULL;
ALTER TABLE "experiments" ADD COLUMN "challenger_deployment_id" UUID NOT NULL;
ALTER TABLE "experiments" ADD COLUMN "started_by_id" UUID;
ALTER TABLE "experiments" ADD COLUMN "evaluated_at" TIMESTAMPTZ(3);

ALTER TABLE "experiments" ADD CONSTRAINT "experiments_organization_id_champion_deployment_id_fkey" FOREIGN KEY ("organization_id", "champion_deployment_id") REFERENCES "deployments"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_organization_id_challenger_deployment_id_fkey" FOREIGN KEY ("organization_id", "challenger_deployment_id") REFERENCES "deployments"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_organization_id_started_by_id_fkey" FOREIGN KEY ("organization_id", "started_by_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE UNIQUE INDEX "experiments_organization_id_challenger_deployment_id_key" ON "experiments"("organization_id", "challenger_deployment_id");
CREATE UNIQUE INDEX "experiments_running_per_champion_deployment" ON "experiments"("champion_deployment_id") WHERE "status" = 'RUNNING';
CREATE INDEX "experiments_organization_id_champion_deployment_id_idx" ON "experiments"("organization_id", "champion_deployment_id");
