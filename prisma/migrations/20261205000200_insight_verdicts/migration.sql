-- Operators' verdicts on insights (issue 21, item 5): a true problem, a false alarm, or unsure,
-- with a comment, who and when. Verdicts become labels: backtests, performance-decay checks and
-- retraining judge the windows an insight stood for by them, ahead of the incidents.
CREATE TYPE "insight_verdict" AS ENUM ('TRUE_PROBLEM', 'FALSE_ALARM', 'UNSURE');
ALTER TABLE "insights"
  ADD COLUMN "verdict" "insight_verdict",
  ADD COLUMN "verdict_comment" TEXT,
  ADD COLUMN "verdict_by_id" UUID,
  ADD COLUMN "verdict_at" TIMESTAMPTZ(3),
  ADD CONSTRAINT "insights_organization_id_verdict_by_id_fkey" FOREIGN KEY ("organization_id", "verdict_by_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE,
  ADD CONSTRAINT "insights_verdict_check" CHECK (("verdict" IS NULL) = ("verdict_at" IS NULL)),
  ADD CONSTRAINT "insights_verdict_comment_check" CHECK (length("verdict_comment") <= 2000);
