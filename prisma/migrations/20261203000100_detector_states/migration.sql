-- The streaming anomaly detector's learnt state per deployment and asset (issue 19): what it has
-- learnt of each signal, up to which time it has scored, and for which version, so a worker that
-- restarts goes on where the last one stopped (prisma/src/models/detector-states.ts).
CREATE TABLE "detector_states" (
    "deployment_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "model_version_id" UUID NOT NULL,
    "state" JSONB NOT NULL,
    "scored_to" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "detector_states_pkey" PRIMARY KEY ("deployment_id", "asset_id")
);

CREATE UNIQUE INDEX "detector_states_organization_id_deployment_id_asset_id_key" ON "detector_states"("organization_id", "deployment_id", "asset_id");

ALTER TABLE "detector_states" ADD CONSTRAINT "detector_states_organization_id_deployment_id_fkey" FOREIGN KEY ("organization_id", "deployment_id") REFERENCES "deployments"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "detector_states" ADD CONSTRAINT "detector_states_organization_id_asset_id_fkey" FOREIGN KEY ("organization_id", "asset_id") REFERENCES "assets"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "detector_states" ADD CONSTRAINT "detector_states_organization_id_model_version_id_fkey" FOREIGN KEY ("organization_id", "model_version_id") REFERENCES "model_versions"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

GRANT SELECT, INSERT, UPDATE, DELETE ON "detector_states" TO threadline_app;

-- Where a deployment starts scoring the first time it runs: windows from this time (a backfill);
-- without it, from when it was deployed.
ALTER TABLE "deployments" ADD COLUMN "score_from" TIMESTAMPTZ(3);

-- A detector backtest's own inputs: the signals it plays and the anomaly windows it is judged
-- against ({ signalIds, labels: [{ assetId, start, end }] }; without labels, the incidents).
ALTER TABLE "backtests" ADD COLUMN "params" JSONB NOT NULL DEFAULT '{}';

-- A detector backtest may name no version: the streaming detector's own settings over the signals
-- it names ({ signalIds, spec: { stepSeconds, threshold } } in params).
ALTER TABLE "backtests" ALTER COLUMN "model_version_id" DROP NOT NULL;
ALTER TABLE "backtests" ADD CONSTRAINT "backtests_version_or_spec_check" CHECK ("model_version_id" IS NOT NULL OR "params" ? 'spec');
