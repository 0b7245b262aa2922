-- KPIs computed from the thread: a KPI with a computation gets one COMPUTED measurement per UTC day
-- from the value-recompute job (prisma/src/value/kpi-computation.ts); null keeps it manual.
ALTER TABLE "kpis" ADD COLUMN "computation" JSONB;

-- The recompute job finds each KPI's computed days by source.
CREATE INDEX "kpi_measurements_kpi_id_source_measured_at_idx" ON "kpi_measurements" ("kpi_id", "source", "measured_at");
