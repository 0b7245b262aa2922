-- Predictions are a high-volume time series: the organisation is already pinned by the composite
-- foreign key to the asset, so the separate foreign key to organizations goes (one check less per
-- row). Explanations are stored compact from now on (docs/models.md).
ALTER TABLE "predictions" DROP CONSTRAINT "predictions_organization_id_fkey";
ALTER TABLE "predictions" DROP CONSTRAINT "predictions_organization_id_model_version_id_fkey";
ALTER TABLE "predictions" DROP CONSTRAINT "predictions_organization_id_deployment_id_fkey";
