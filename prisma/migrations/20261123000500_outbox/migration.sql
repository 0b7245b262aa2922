-- The transactional outbox: a decision stored in PostgreSQL that must start a job writes the job
-- here in the same transaction; the workers' relay enqueues it on BullMQ under its job id and marks
-- it dispatched, so a crash between the two neither loses nor doubles the job.

-- CreateTable
CREATE TABLE "outbox" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" UUID NOT NULL,
    "queue" TEXT NOT NULL,
    "job_name" TEXT NOT NULL,
    "job_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatched_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "outbox_dispatched_at_id_idx" ON "outbox"("dispatched_at", "id");
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
GRANT SELECT, INSERT, UPDATE ON "outbox" TO threadline_app;
GRANT USAGE, SELECT ON SEQUENCE "outbox_id_seq" TO threadline_app;
