-- The notification centre (issue 24): channels (signed webhooks, e-mail, Slack and Teams incoming
-- webhooks), rules that send events of chosen kinds, severities and scope to a channel (and, for
-- insights left unacknowledged, on to the next contact), and the log of every delivery with its
-- attempts. The log names rules and channels by id without a foreign key, so a rule or channel
-- can be deleted while its deliveries stay on record.
CREATE TYPE "notification_channel_kind" AS ENUM ('WEBHOOK', 'EMAIL', 'SLACK', 'TEAMS');
CREATE TYPE "notification_delivery_status" AS ENUM ('PENDING', 'RETRYING', 'DELIVERED', 'FAILED');

CREATE TABLE "notification_channels" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "notification_channel_kind" NOT NULL,
    "target" TEXT NOT NULL,
    "secret" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "notification_channels_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "notification_channels_name_check" CHECK (char_length("name") BETWEEN 1 AND 80)
);
CREATE UNIQUE INDEX "notification_channels_organization_id_id_key" ON "notification_channels"("organization_id", "id");
CREATE UNIQUE INDEX "notification_channels_organization_id_name_key" ON "notification_channels"("organization_id", "name");
ALTER TABLE "notification_channels" ADD CONSTRAINT "notification_channels_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "notification_rules" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "event_kinds" TEXT[] NOT NULL,
    "min_severity" "severity" NOT NULL DEFAULT 'INFO',
    "use_case_id" UUID,
    "asset_id" UUID,
    "asset_type_id" UUID,
    "channel_id" UUID NOT NULL,
    "escalate_after_minutes" DOUBLE PRECISION,
    "escalation_channel_id" UUID,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "notification_rules_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "notification_rules_name_check" CHECK (char_length("name") BETWEEN 1 AND 80),
    CONSTRAINT "notification_rules_event_kinds_check" CHECK (
      cardinality("event_kinds") >= 1 AND "event_kinds" <@ ARRAY['insight.raised', 'drift.detected', 'retraining.done', 'promotion.requested', 'promotion.decided', 'gate_review.requested', 'audit.chain_broken']::text[]
    ),
    CONSTRAINT "notification_rules_escalation_check" CHECK (
      ("escalate_after_minutes" IS NULL) = ("escalation_channel_id" IS NULL) AND ("escalate_after_minutes" IS NULL OR "escalate_after_minutes" > 0)
    )
);
CREATE UNIQUE INDEX "notification_rules_organization_id_id_key" ON "notification_rules"("organization_id", "id");
CREATE UNIQUE INDEX "notification_rules_organization_id_name_key" ON "notification_rules"("organization_id", "name");
ALTER TABLE "notification_rules" ADD CONSTRAINT "notification_rules_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "notification_rules" ADD CONSTRAINT "notification_rules_organization_id_channel_id_fkey" FOREIGN KEY ("organization_id", "channel_id") REFERENCES "notification_channels"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "notification_rules" ADD CONSTRAINT "notification_rules_organization_id_escalation_channel_id_fkey" FOREIGN KEY ("organization_id", "escalation_channel_id") REFERENCES "notification_channels"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "notification_rules" ADD CONSTRAINT "notification_rules_organization_id_use_case_id_fkey" FOREIGN KEY ("organization_id", "use_case_id") REFERENCES "use_cases"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "notification_rules" ADD CONSTRAINT "notification_rules_organization_id_asset_id_fkey" FOREIGN KEY ("organization_id", "asset_id") REFERENCES "assets"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "notification_rules" ADD CONSTRAINT "notification_rules_organization_id_asset_type_id_fkey" FOREIGN KEY ("organization_id", "asset_type_id") REFERENCES "asset_types"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "notification_deliveries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "rule_id" UUID,
    "rule_name" TEXT NOT NULL,
    "channel_id" UUID NOT NULL,
    "channel_name" TEXT NOT NULL,
    "channel_kind" "notification_channel_kind" NOT NULL,
    "event_kind" TEXT NOT NULL,
    "event_key" TEXT NOT NULL,
    "subject_type" TEXT NOT NULL,
    "subject_id" TEXT,
    "severity" "severity" NOT NULL,
    "title" TEXT NOT NULL,
    "event" JSONB NOT NULL,
    "status" "notification_delivery_status" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "response_status" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_attempt_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    CONSTRAINT "notification_deliveries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "notification_deliveries_attempts_check" CHECK ("attempts" >= 0)
);
CREATE UNIQUE INDEX "notification_deliveries_organization_id_id_key" ON "notification_deliveries"("organization_id", "id");
CREATE UNIQUE INDEX "notification_deliveries_channel_id_event_key_key" ON "notification_deliveries"("channel_id", "event_key");
CREATE INDEX "notification_deliveries_organization_id_created_at_idx" ON "notification_deliveries"("organization_id", "created_at");
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

GRANT SELECT, INSERT, UPDATE, DELETE ON "notification_channels", "notification_rules" TO threadline_app;
GRANT SELECT, INSERT, UPDATE ON "notification_deliveries" TO threadline_app;
