-- Model lifecycle: models name the asset type they score; versions lose fixed stages in favour of
-- movable aliases (champion, challenger, ...); deployments may follow an alias; an append-only
-- assignment history records which version each deployment ran from when; the public halves of
-- model signing keys are published; open insights are unique per asset and source.

-- Models
ALTER TABLE "models" ADD COLUMN "asset_type_id" UUID;
ALTER TABLE "models" ADD CONSTRAINT "models_organization_id_asset_type_id_fkey" FOREIGN KEY ("organization_id", "asset_type_id") REFERENCES "asset_types"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Versions: aliases replace stages
ALTER TABLE "model_versions" DROP COLUMN "stage";
DROP TYPE "model_stage";
ALTER TABLE "model_versions" ADD COLUMN "family" TEXT NOT NULL DEFAULT 'EXTERNAL';
ALTER TABLE "model_versions" ADD COLUMN "threshold" DOUBLE PRECISION NOT NULL DEFAULT 0.5;
ALTER TABLE "model_versions" ADD COLUMN "retired_at" TIMESTAMPTZ(3);
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_threshold_check" CHECK ("threshold" >= 0 AND "threshold" <= 1);
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_sha256_check" CHECK ("sha256" ~ '^[0-9a-f]{64}$');

-- CreateTable
CREATE TABLE "model_aliases" (
    "organization_id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "alias" TEXT NOT NULL,
    "model_version_id" UUID NOT NULL,
    "updated_by_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_aliases_pkey" PRIMARY KEY ("model_id", "alias")
);
ALTER TABLE "model_aliases" ADD CONSTRAINT "model_aliases_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "model_aliases" ADD CONSTRAINT "model_aliases_organization_id_model_id_fkey" FOREIGN KEY ("organization_id", "model_id") REFERENCES "models"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "model_aliases" ADD CONSTRAINT "model_aliases_organization_id_model_version_id_fkey" FOREIGN KEY ("organization_id", "model_version_id") REFERENCES "model_versions"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "model_aliases" ADD CONSTRAINT "model_aliases_organization_id_updated_by_id_fkey" FOREIGN KEY ("organization_id", "updated_by_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "model_aliases" ADD CONSTRAINT "model_aliases_alias_check" CHECK ("alias" ~ '^[a-z][a-z0-9_-]{0,39}$');

-- Deployments may follow an alias
ALTER TABLE "deployments" ADD COLUMN "alias" TEXT;
ALTER TABLE "deployments" ADD COLUMN "status_reason" TEXT;

-- CreateTable
CREATE TABLE "model_assignments" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" UUID NOT NULL,
    "deployment_id" UUID NOT NULL,
    "model_version_id" UUID,
    "valid_from" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reason" TEXT NOT NULL,
    "actor_label" TEXT NOT NULL,

    CONSTRAINT "model_assignments_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "model_assignments_organization_id_deployment_id_valid_from_idx" ON "model_assignments"("organization_id", "deployment_id", "valid_from");
ALTER TABLE "model_assignments" ADD CONSTRAINT "model_assignments_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "model_assignments" ADD CONSTRAINT "model_assignments_organization_id_deployment_id_fkey" FOREIGN KEY ("organization_id", "deployment_id") REFERENCES "deployments"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "model_assignments" ADD CONSTRAINT "model_assignments_organization_id_model_version_id_fkey" FOREIGN KEY ("organization_id", "model_version_id") REFERENCES "model_versions"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
-- The history is append-only, like the audit trail.
CREATE TRIGGER "model_assignments_no_update_delete" BEFORE UPDATE OR DELETE ON "model_assignments"
    FOR EACH ROW EXECUTE FUNCTION "audit_refuse_change"();
CREATE TRIGGER "model_assignments_no_truncate" BEFORE TRUNCATE ON "model_assignments"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_refuse_change"();

-- CreateTable
CREATE TABLE "model_signing_keys" (
    "key_id" TEXT NOT NULL,
    "public_key" TEXT NOT NULL,
    "development" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_signing_keys_pkey" PRIMARY KEY ("key_id")
);

-- Insights: at most one open insight per asset and source (a model or a deployment's fallback)
ALTER TABLE "insights" ADD COLUMN "source_key" TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX "insights_open_per_source_key" ON "insights"("organization_id", "asset_id", "source_key") WHERE "resolved_at" IS NULL AND "source_key" <> '';

GRANT SELECT, INSERT, UPDATE, DELETE ON "model_aliases", "model_signing_keys" TO threadline_app;
GRANT SELECT, INSERT ON "model_assignments" TO threadline_app;
GRANT USAGE, SELECT ON SEQUENCE "model_assignments_id_seq" TO threadline_app;
