-- One observability layer (issue 23): each API and workers process records its metrics snapshot
-- (ingest per path, queue depths and ages, job and inference latency) every few seconds, so the
-- pipeline-health page reads one place; and sampled OpenTelemetry spans, so a point's trace from
-- ingest to insight can be read back. Operator data, not an organisation's: no tenant column.
CREATE TABLE "process_samples" (
    "process_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "sampled_at" TIMESTAMPTZ(3) NOT NULL,
    "figures" JSONB NOT NULL,
    CONSTRAINT "process_samples_pkey" PRIMARY KEY ("process_id"),
    CONSTRAINT "process_samples_kind_check" CHECK ("kind" IN ('api', 'workers'))
);
CREATE INDEX "process_samples_sampled_at_idx" ON "process_samples"("sampled_at");

CREATE TABLE "trace_spans" (
    "trace_id" TEXT NOT NULL,
    "span_id" TEXT NOT NULL,
    "parent_span_id" TEXT,
    "service" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" DOUBLE PRECISION NOT NULL,
    "status" TEXT NOT NULL,
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "links" TEXT[] NOT NULL DEFAULT '{}',
    CONSTRAINT "trace_spans_pkey" PRIMARY KEY ("trace_id", "span_id")
);
CREATE INDEX "trace_spans_started_at_idx" ON "trace_spans"("started_at");

GRANT SELECT, INSERT, UPDATE, DELETE ON "process_samples" TO threadline_app;
GRANT SELECT, INSERT, DELETE ON "trace_spans" TO threadline_app;
