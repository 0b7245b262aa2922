-- Asset types get versions (issue 24): the active version is what live assets use (the type's row
-- and its properties); a draft (the next version) is edited apart, with a revision for optimistic
-- locking, and activated when ready, refused where it would break a live asset's signals. Every
-- existing type starts at version 1, its current definition recorded as active.
ALTER TABLE "asset_types" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1;

CREATE TABLE "asset_type_versions" (
    "organization_id" UUID NOT NULL,
    "asset_type_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "definition" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activated_at" TIMESTAMPTZ(3),
    "activated_by" TEXT,
    CONSTRAINT "asset_type_versions_pkey" PRIMARY KEY ("asset_type_id", "version"),
    CONSTRAINT "asset_type_versions_status_check" CHECK ("status" IN ('DRAFT', 'ACTIVE', 'SUPERSEDED')),
    CONSTRAINT "asset_type_versions_version_check" CHECK ("version" >= 1 AND "revision" >= 1)
);
CREATE INDEX "asset_type_versions_organization_id_asset_type_id_idx" ON "asset_type_versions"("organization_id", "asset_type_id");
ALTER TABLE "asset_type_versions" ADD CONSTRAINT "asset_type_versions_organization_id_asset_type_id_fkey" FOREIGN KEY ("organization_id", "asset_type_id") REFERENCES "asset_types"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

INSERT INTO "asset_type_versions" ("organization_id", "asset_type_id", "version", "status", "definition", "activated_at", "activated_by")
SELECT t.organization_id, t.id, 1, 'ACTIVE',
       jsonb_build_object(
         'description', t.description,
         'opcuaTypeNode', t.opcua_type_node,
         'properties', COALESCE((SELECT jsonb_agg(jsonb_build_object('name', p.name, 'dataType', p.data_type, 'unit', p.unit, 'minValue', p.min_value, 'maxValue', p.max_value, 'description', p.description) ORDER BY p.created_at, p.name)
                                   FROM asset_type_properties p WHERE p.asset_type_id = t.id), '[]'::jsonb)),
       t.created_at, 'migration'
  FROM "asset_types" t;

GRANT SELECT, INSERT, UPDATE, DELETE ON "asset_type_versions" TO threadline_app;
