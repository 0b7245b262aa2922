-- Single sign-on with OpenID Connect (issue 24): a person signed in through the plant's identity
-- provider is known by the provider's issuer and subject (the e-mail may change there); machine
-- clients with the provider's access tokens act as CLIENT in the audit trail.
ALTER TYPE "actor_kind" ADD VALUE IF NOT EXISTS 'CLIENT';

ALTER TABLE "users" ADD COLUMN "oidc_issuer" TEXT, ADD COLUMN "oidc_subject" TEXT;
ALTER TABLE "users" ADD CONSTRAINT "users_oidc_identity_check" CHECK (("oidc_issuer" IS NULL) = ("oidc_subject" IS NULL));
CREATE UNIQUE INDEX "users_organization_id_oidc_issuer_oidc_subject_key" ON "users"("organization_id", "oidc_issuer", "oidc_subject");
