-- Federated training with differential privacy (issue 23): a run of a model whose policy keeps raw
-- data on site. The core holds only the global model between rounds and what the sites sent
-- (noised gradients, then noised score histograms), never a row; the run's training run carries
-- the lineage and, once aggregated, the registered version.
CREATE TABLE "federated_runs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "training_run_id" UUID NOT NULL,
    "site_ids" UUID[] NOT NULL,
    "spec" JSONB NOT NULL,
    "privacy" JSONB NOT NULL,
    "planned_rounds" INTEGER NOT NULL,
    "phase" TEXT NOT NULL DEFAULT 'GRADIENT',
    "round" INTEGER NOT NULL DEFAULT 0,
    "state" JSONB NOT NULL,
    "epsilon" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "result" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "federated_runs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "federated_runs_phase_check" CHECK ("phase" IN ('GRADIENT', 'HISTOGRAM', 'AGGREGATED')),
    CONSTRAINT "federated_runs_round_check" CHECK ("round" >= 0 AND "round" <= "planned_rounds" AND "planned_rounds" > 0),
    CONSTRAINT "federated_runs_sites_check" CHECK (cardinality("site_ids") >= 2)
);
CREATE UNIQUE INDEX "federated_runs_organization_id_id_key" ON "federated_runs"("organization_id", "id");
CREATE UNIQUE INDEX "federated_runs_organization_id_training_run_id_key" ON "federated_runs"("organization_id", "training_run_id");
ALTER TABLE "federated_runs" ADD CONSTRAINT "federated_runs_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "federated_runs" ADD CONSTRAINT "federated_runs_organization_id_training_run_id_fkey" FOREIGN KEY ("organization_id", "training_run_id") REFERENCES "training_runs"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "federated_updates" (
    "organization_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "phase" TEXT NOT NULL,
    "round" INTEGER NOT NULL,
    "site_id" UUID NOT NULL,
    "values" DOUBLE PRECISION[] NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "federated_updates_pkey" PRIMARY KEY ("run_id", "phase", "round", "site_id"),
    CONSTRAINT "federated_updates_phase_check" CHECK ("phase" IN ('GRADIENT', 'HISTOGRAM'))
);
ALTER TABLE "federated_updates" ADD CONSTRAINT "federated_updates_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "federated_updates" ADD CONSTRAINT "federated_updates_organization_id_run_id_fkey" FOREIGN KEY ("organization_id", "run_id") REFERENCES "federated_runs"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

GRANT SELECT, INSERT, UPDATE ON "federated_runs" TO threadline_app;
GRANT SELECT, INSERT ON "federated_updates" TO threadline_app;
