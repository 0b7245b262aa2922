-- Plant events (alarms, state changes, log lines), ingested through the same paths as telemetry.

-- CreateEnum
CREATE TYPE "plant_event_kind" AS ENUM ('ALARM', 'STATE_CHANGE', 'LOG');

-- CreateTable
CREATE TABLE "plant_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "kind" "plant_event_kind" NOT NULL,
    "severity" "severity" NOT NULL,
    "code" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "plant_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "plant_events_organization_id_id_key" ON "plant_events"("organization_id", "id");
CREATE UNIQUE INDEX "plant_events_asset_id_time_kind_code_key" ON "plant_events"("asset_id", "time", "kind", "code");
CREATE INDEX "plant_events_organization_id_asset_id_time_idx" ON "plant_events"("organization_id", "asset_id", "time");
CREATE INDEX "plant_events_organization_id_severity_time_idx" ON "plant_events"("organization_id", "severity", "time");

-- AddForeignKey
ALTER TABLE "plant_events" ADD CONSTRAINT "plant_events_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "plant_events" ADD CONSTRAINT "plant_events_organization_id_asset_id_fkey" FOREIGN KEY ("organization_id", "asset_id") REFERENCES "assets"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "plant_events" ADD CONSTRAINT "plant_events_code_check" CHECK (length("code") BETWEEN 1 AND 120);
GRANT SELECT, INSERT, UPDATE, DELETE ON "plant_events" TO threadline_app;
