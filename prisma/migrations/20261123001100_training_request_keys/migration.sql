-- Training requests carry an optional key chosen by the caller (prisma/src/models/training-runs.ts):
-- a request sent again with the same key, e.g. after the API died before answering, names the run
-- the first one made instead of queueing another. Keys without a value never collide.
ALTER TABLE "training_runs" ADD COLUMN "request_key" TEXT;
CREATE UNIQUE INDEX "training_runs_organization_id_request_key_key" ON "training_runs"("organization_id", "request_key");
