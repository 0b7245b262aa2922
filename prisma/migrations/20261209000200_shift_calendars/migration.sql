-- Shift calendars, holidays and planned stops per site (issue 25): a shift starts at a plant-local
-- time on the weekdays it names (ISO 1 = Monday … 7 = Sunday, the day it starts) and ends at a
-- local time, the next day when that is not after its start (a night shift). No shift is planned
-- on a holiday; a planned stop takes its span out of planned production time at a site, a line or
-- an asset. A site without shifts plans every hour of every day that is not a holiday.
CREATE TABLE "shifts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "site_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "starts_at" TIME(0) NOT NULL,
    "ends_at" TIME(0) NOT NULL,
    "weekdays" SMALLINT[] NOT NULL DEFAULT ARRAY[1, 2, 3, 4, 5]::SMALLINT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "shifts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "shifts_name_check" CHECK (char_length("name") BETWEEN 1 AND 60),
    CONSTRAINT "shifts_weekdays_check" CHECK (cardinality("weekdays") BETWEEN 1 AND 7 AND "weekdays" <@ ARRAY[1, 2, 3, 4, 5, 6, 7]::SMALLINT[]),
    CONSTRAINT "shifts_length_check" CHECK ("starts_at" <> "ends_at")
);
CREATE UNIQUE INDEX "shifts_organization_id_id_key" ON "shifts"("organization_id", "id");
CREATE UNIQUE INDEX "shifts_site_id_name_key" ON "shifts"("site_id", "name");
CREATE INDEX "shifts_organization_id_site_id_idx" ON "shifts"("organization_id", "site_id");
ALTER TABLE "shifts" ADD CONSTRAINT "shifts_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "shifts" ADD CONSTRAINT "shifts_organization_id_site_id_fkey" FOREIGN KEY ("organization_id", "site_id") REFERENCES "sites"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "site_holidays" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "site_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "site_holidays_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "site_holidays_name_check" CHECK (char_length("name") BETWEEN 1 AND 120)
);
CREATE UNIQUE INDEX "site_holidays_organization_id_id_key" ON "site_holidays"("organization_id", "id");
CREATE UNIQUE INDEX "site_holidays_site_id_day_key" ON "site_holidays"("site_id", "day");
CREATE INDEX "site_holidays_organization_id_site_id_idx" ON "site_holidays"("organization_id", "site_id");
ALTER TABLE "site_holidays" ADD CONSTRAINT "site_holidays_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "site_holidays" ADD CONSTRAINT "site_holidays_organization_id_site_id_fkey" FOREIGN KEY ("organization_id", "site_id") REFERENCES "sites"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "planned_stops" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "site_id" UUID NOT NULL,
    "line_id" UUID,
    "asset_id" UUID,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "planned_stops_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "planned_stops_period_check" CHECK ("ends_at" > "starts_at" AND "ends_at" - "starts_at" <= INTERVAL '366 days'),
    CONSTRAINT "planned_stops_reason_check" CHECK (char_length("reason") BETWEEN 1 AND 200)
);
CREATE UNIQUE INDEX "planned_stops_organization_id_id_key" ON "planned_stops"("organization_id", "id");
CREATE INDEX "planned_stops_organization_id_site_id_starts_at_idx" ON "planned_stops"("organization_id", "site_id", "starts_at");
ALTER TABLE "planned_stops" ADD CONSTRAINT "planned_stops_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "planned_stops" ADD CONSTRAINT "planned_stops_organization_id_site_id_fkey" FOREIGN KEY ("organization_id", "site_id") REFERENCES "sites"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "planned_stops" ADD CONSTRAINT "planned_stops_organization_id_line_id_fkey" FOREIGN KEY ("organization_id", "line_id") REFERENCES "lines"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "planned_stops" ADD CONSTRAINT "planned_stops_organization_id_asset_id_fkey" FOREIGN KEY ("organization_id", "asset_id") REFERENCES "assets"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

GRANT SELECT, INSERT, UPDATE, DELETE ON "shifts", "site_holidays", "planned_stops" TO threadline_app;

-- Computed KPI days move from UTC days to plant-local days: the computed measurements go, and the
-- next value-recompute pass computes them again from the kickoff (manual ones stay).
DELETE FROM "kpi_measurements" WHERE "source" = 'COMPUTED';

-- The length of a set of time spans, in seconds (planned production time, downtime within it).
CREATE OR REPLACE FUNCTION multirange_seconds(spans tstzmultirange) RETURNS DOUBLE PRECISION
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(sum(extract(epoch FROM upper(r) - lower(r))), 0)::float8 FROM unnest(spans) AS r
$$;
