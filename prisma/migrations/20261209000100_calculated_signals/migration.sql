-- Calculated signals (issue 25): a signal of source CALCULATED is computed by the ingest path from
-- its expression over other signals of its asset or of the hierarchy; each input's last point
-- stands for its value for hold_seconds. The expression is checked when written (parse, known
-- signals, units, no cycle); here only its presence and size.
ALTER TYPE "source_protocol" ADD VALUE IF NOT EXISTS 'CALCULATED';

ALTER TABLE "signals" ADD COLUMN "expression" TEXT;
ALTER TABLE "signals" ADD COLUMN "hold_seconds" INTEGER NOT NULL DEFAULT 300;
ALTER TABLE "signals" ADD CONSTRAINT "signals_expression_check"
    CHECK (("expression" IS NULL) = ("source_protocol"::text <> 'CALCULATED') AND char_length("expression") <= 2000);
ALTER TABLE "signals" ADD CONSTRAINT "signals_hold_seconds_check" CHECK ("hold_seconds" BETWEEN 1 AND 86400);
