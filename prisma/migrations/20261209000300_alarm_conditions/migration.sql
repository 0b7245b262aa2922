-- OPC UA Alarms & Conditions (issue 25): the state of each condition a plant server reports
-- (active, acknowledged, confirmed, severity, the event that last changed it), on the asset whose
-- signal is its source; the incident a critical condition opened; and an operator's request to
-- acknowledge it, which a worker carries to the server's Acknowledge method.
CREATE TABLE "alarm_conditions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "signal_id" UUID,
    "endpoint_url" TEXT NOT NULL,
    "condition_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "source_node" TEXT NOT NULL,
    "severity" INTEGER NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',
    "active" BOOLEAN NOT NULL,
    "acked" BOOLEAN NOT NULL,
    "confirmed" BOOLEAN,
    "retain" BOOLEAN NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "last_event_id" TEXT NOT NULL,
    "last_event_at" TIMESTAMPTZ(3) NOT NULL,
    "incident_id" UUID,
    "acknowledgement_requested_at" TIMESTAMPTZ(3),
    "acknowledgement_requested_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "alarm_conditions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alarm_conditions_severity_check" CHECK ("severity" BETWEEN 0 AND 1000)
);
CREATE UNIQUE INDEX "alarm_conditions_organization_id_id_key" ON "alarm_conditions"("organization_id", "id");
CREATE UNIQUE INDEX "alarm_conditions_organization_id_endpoint_url_condition_id_key" ON "alarm_conditions"("organization_id", "endpoint_url", "condition_id");
CREATE INDEX "alarm_conditions_organization_id_asset_id_idx" ON "alarm_conditions"("organization_id", "asset_id");
ALTER TABLE "alarm_conditions" ADD CONSTRAINT "alarm_conditions_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "alarm_conditions" ADD CONSTRAINT "alarm_conditions_organization_id_asset_id_fkey" FOREIGN KEY ("organization_id", "asset_id") REFERENCES "assets"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "alarm_conditions" ADD CONSTRAINT "alarm_conditions_organization_id_signal_id_fkey" FOREIGN KEY ("organization_id", "signal_id") REFERENCES "signals"("organization_id", "id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "alarm_conditions" ADD CONSTRAINT "alarm_conditions_organization_id_incident_id_fkey" FOREIGN KEY ("organization_id", "incident_id") REFERENCES "incidents"("organization_id", "id") ON DELETE SET NULL ON UPDATE CASCADE;

GRANT SELECT, INSERT, UPDATE, DELETE ON "alarm_conditions" TO threadline_app;
