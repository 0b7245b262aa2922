-- The portfolio is served from stored ROI snapshots (issue 20): each snapshot keeps its month-by-month
-- series (to add use cases up by calendar month) and the version of its use case's value inputs it
-- was computed from. Triggers bump a use case's value_version whenever anything ROI is computed
-- from changes (the use case's kickoff, first value and discount rate; its KPIs, their measurements
-- and gates; its cost items), so a snapshot is fresh exactly while the versions agree.
ALTER TABLE "use_cases" ADD COLUMN "value_version" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "roi_snapshots" ADD COLUMN "months" JSONB, ADD COLUMN "inputs_version" BIGINT;

CREATE FUNCTION use_case_value_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.kickoff_at IS DISTINCT FROM OLD.kickoff_at OR NEW.first_value_at IS DISTINCT FROM OLD.first_value_at
     OR NEW.discount_rate_annual IS DISTINCT FROM OLD.discount_rate_annual THEN
    NEW.value_version := OLD.value_version + 1;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER use_cases_value_version BEFORE UPDATE ON "use_cases" FOR EACH ROW EXECUTE FUNCTION use_case_value_changed();

-- Rows that name their use case (KPIs, cost items).
CREATE FUNCTION value_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE use_cases SET value_version = value_version + 1 WHERE id IN (SELECT use_case_id FROM changed_rows);
  RETURN NULL;
END $$;
-- Rows that name a KPI (measurements, wave gates).
CREATE FUNCTION kpi_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE use_cases SET value_version = value_version + 1
   WHERE id IN (SELECT k.use_case_id FROM kpis k WHERE k.id IN (SELECT kpi_id FROM changed_rows));
  RETURN NULL;
END $$;


CREATE TRIGGER kpis_value_insert AFTER INSERT ON "kpis" REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION value_rows_changed();
CREATE TRIGGER kpis_value_update AFTER UPDATE ON "kpis" REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION value_rows_changed();
CREATE TRIGGER kpis_value_delete AFTER DELETE ON "kpis" REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION value_rows_changed();

CREATE TRIGGER cost_items_value_insert AFTER INSERT ON "cost_items" REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION value_rows_changed();
CREATE TRIGGER cost_items_value_update AFTER UPDATE ON "cost_items" REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION value_rows_changed();
CREATE TRIGGER cost_items_value_delete AFTER DELETE ON "cost_items" REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION value_rows_changed();

CREATE TRIGGER kpi_measurements_value_insert AFTER INSERT ON "kpi_measurements" REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_rows_changed();
CREATE TRIGGER kpi_measurements_value_update AFTER UPDATE ON "kpi_measurements" REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_rows_changed();
CREATE TRIGGER kpi_measurements_value_delete AFTER DELETE ON "kpi_measurements" REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_rows_changed();

-- A gate only marks its KPI gated; its evaluations (last_evaluated_at, last_value) change nothing.
CREATE TRIGGER wave_gates_value_insert AFTER INSERT ON "wave_gates" REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_rows_changed();
CREATE TRIGGER wave_gates_value_delete AFTER DELETE ON "wave_gates" REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION kpi_rows_changed();
