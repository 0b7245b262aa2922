-- Labelled tables imported for training and backtests (issue 18, items 4 and 6): the CSV as
-- uploaded with its typed columns, training runs over a dataset instead of a telemetry window,
-- and backtests of a version over a dataset or a telemetry window, queued for the workers
-- (prisma/src/models/datasets.ts, backtests.ts).
CREATE TABLE "datasets" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "label_column" TEXT NOT NULL,
    "time_column" TEXT,
    "drop_columns" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "columns" JSONB NOT NULL,
    "row_count" INTEGER NOT NULL,
    "positives" INTEGER NOT NULL,
    "starts_at" TIMESTAMPTZ(3),
    "ends_at" TIMESTAMPTZ(3),
    "sha256" TEXT NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "datasets_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "datasets_organization_id_id_key" ON "datasets"("organization_id", "id");
CREATE UNIQUE INDEX "datasets_organization_id_name_key" ON "datasets"("organization_id", "name");
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_organization_id_created_by_id_fkey" FOREIGN KEY ("organization_id", "created_by_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The CSV itself, apart, so that listing datasets never reads megabytes.
CREATE TABLE "dataset_contents" (
    "dataset_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "content" TEXT NOT NULL,

    CONSTRAINT "dataset_contents_pkey" PRIMARY KEY ("dataset_id")
);
CREATE UNIQUE INDEX "dataset_contents_organization_id_dataset_id_key" ON "dataset_contents"("organization_id", "dataset_id");
ALTER TABLE "dataset_contents" ADD CONSTRAINT "dataset_contents_organization_id_dataset_id_fkey" FOREIGN KEY ("organization_id", "dataset_id") REFERENCES "datasets"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "training_runs" ADD COLUMN "dataset_id" UUID;
ALTER TABLE "training_runs" ADD CONSTRAINT "training_runs_organization_id_dataset_id_fkey" FOREIGN KEY ("organization_id", "dataset_id") REFERENCES "datasets"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "backtests" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "model_version_id" UUID NOT NULL,
    "dataset_id" UUID,
    "window_start_at" TIMESTAMPTZ(3),
    "window_end_at" TIMESTAMPTZ(3),
    "status" "run_status" NOT NULL DEFAULT 'QUEUED',
    "result" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "requested_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "backtests_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "backtests_organization_id_id_key" ON "backtests"("organization_id", "id");
CREATE INDEX "backtests_organization_id_model_version_id_created_at_idx" ON "backtests"("organization_id", "model_version_id", "created_at");
ALTER TABLE "backtests" ADD CONSTRAINT "backtests_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "backtests" ADD CONSTRAINT "backtests_organization_id_model_version_id_fkey" FOREIGN KEY ("organization_id", "model_version_id") REFERENCES "model_versions"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "backtests" ADD CONSTRAINT "backtests_organization_id_dataset_id_fkey" FOREIGN KEY ("organization_id", "dataset_id") REFERENCES "datasets"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "backtests" ADD CONSTRAINT "backtests_organization_id_requested_by_id_fkey" FOREIGN KEY ("organization_id", "requested_by_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

GRANT SELECT, INSERT, UPDATE, DELETE ON "datasets", "dataset_contents", "backtests" TO threadline_app;
