-- Failed sign-ins are forgotten an hour after the last one (prisma/src/people/sign-in-throttle.ts):
-- each recorded failure prunes a bounded number of forgotten keys, so addresses sprayed at random
-- do not pile up. The index finds them.
CREATE INDEX "sign_in_failures_last_failure_at_idx" ON "sign_in_failures"("last_failure_at");
