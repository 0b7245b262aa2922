-- An alias remembers the version it named before its last move, so a promotion can be rolled back
-- in one step.
ALTER TABLE "model_aliases" ADD COLUMN "previous_version_id" UUID;
ALTER TABLE "model_aliases" ADD CONSTRAINT "model_aliases_organization_id_previous_version_id_fkey" FOREIGN KEY ("organization_id", "previous_version_id") REFERENCES "model_versions"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;
