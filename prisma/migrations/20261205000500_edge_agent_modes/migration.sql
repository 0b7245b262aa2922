-- An edge agent reports MODEL or FALLBACK: one without a verified model runs the asset type's
-- ranges (FALLBACK) or exits, so NO_MODEL is never reported; a row that still says it ran its
-- fallback rules.
UPDATE "edge_targets" SET "agent_mode" = 'FALLBACK' WHERE "agent_mode" = 'NO_MODEL';
ALTER TABLE "edge_targets"
  DROP CONSTRAINT "edge_targets_agent_mode_check",
  ADD CONSTRAINT "edge_targets_agent_mode_check" CHECK ("agent_mode" IN ('MODEL', 'FALLBACK'));
