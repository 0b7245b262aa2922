-- Server-side sessions (issue 17, item 5): each session token names a row here, checked on every
-- request (with a short cache), so signing out, a password change, a change of role and a disabled
-- account end the sessions at once rather than when their tokens expire (api/src/auth/sessions.ts).
CREATE TABLE "sessions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "source_address" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_reason" TEXT,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_organization_id_user_id_fkey" FOREIGN KEY ("organization_id", "user_id") REFERENCES "users"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Failed sign-ins counted per account and per source address (issue 17, item 3), shared by every
-- API replica: past a threshold each further failure locks the key for twice as long as the last
-- (prisma/src/people/sign-in-throttle.ts).
CREATE TABLE "sign_in_failures" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "last_failure_at" TIMESTAMPTZ(3) NOT NULL,
    "locked_until" TIMESTAMPTZ(3),

    CONSTRAINT "sign_in_failures_pkey" PRIMARY KEY ("key")
);

-- An address is unique within an organisation, not across them (issue 17, item 8): an
-- administrator creating a user must not learn that the address exists in another organisation.
DROP INDEX "users_email_key";
CREATE UNIQUE INDEX "users_organization_id_email_key" ON "users"("organization_id", "email");
CREATE INDEX "users_email_idx" ON "users"("email");

GRANT SELECT, INSERT, UPDATE, DELETE ON "sessions", "sign_in_failures" TO threadline_app;
