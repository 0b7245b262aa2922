-- What an integrator deleted (issue 17, item 12): the row as it was, kept per organisation so that
-- it can be restored; the row itself leaves its table, so every read, raw SQL included, stops
-- seeing it and its unique code may be used again (prisma/src/deleted-records.ts).
CREATE TABLE "deleted_records" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "table_name" TEXT NOT NULL,
    "record_id" UUID NOT NULL,
    "record" JSONB NOT NULL,
    "deleted_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_by" TEXT NOT NULL,
    "restored_at" TIMESTAMPTZ(3),

    CONSTRAINT "deleted_records_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "deleted_records_organization_id_table_name_record_id_idx" ON "deleted_records"("organization_id", "table_name", "record_id");
CREATE UNIQUE INDEX "deleted_records_organization_id_id_key" ON "deleted_records"("organization_id", "id");
ALTER TABLE "deleted_records" ADD CONSTRAINT "deleted_records_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

GRANT SELECT, INSERT, UPDATE ON "deleted_records" TO threadline_app;
