-- A maturity review's assessment: a score of 1-5 with evidence for each stated dimension
-- (prisma/src/people/review-rhythm.ts); null for other reviews and until the review is held.
ALTER TABLE "reviews" ADD COLUMN "maturity" JSONB;

-- The review scheduler looks up the latest review of a kind per use case.
CREATE INDEX "reviews_organization_id_kind_use_case_id_due_at_idx" ON "reviews" ("organization_id", "kind", "use_case_id", "due_at");
