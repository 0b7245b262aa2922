-- Zero-trust device identities (issue 21, item 4): each organisation's own certificate authority
-- (its private key sealed with the installation's secret), and an identity per gateway or device:
-- provisioned with a one-time claim token (only its hash is kept), then an X.509 client
-- certificate from that authority and broker credentials that may publish under its own topics
-- only; revocation disables it on the broker at once and lists its certificate as revoked.
CREATE TYPE "device_identity_status" AS ENUM ('PENDING', 'ACTIVE', 'REVOKED');

CREATE TABLE "device_authorities" (
    "organization_id" UUID NOT NULL,
    "certificate" TEXT NOT NULL,
    "sealed_private_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "device_authorities_pkey" PRIMARY KEY ("organization_id")
);
ALTER TABLE "device_authorities" ADD CONSTRAINT "device_authorities_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "device_identities" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "edge_target_id" UUID,
    "topics" TEXT[] NOT NULL,
    "status" "device_identity_status" NOT NULL DEFAULT 'PENDING',
    "claim_token_hash" TEXT,
    "claim_expires_at" TIMESTAMPTZ(3),
    "certificate" TEXT,
    "certificate_serial" TEXT,
    "claimed_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "device_identities_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "device_identities_name_check" CHECK ("name" ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    CONSTRAINT "device_identities_topics_check" CHECK (cardinality("topics") BETWEEN 1 AND 32)
);
CREATE UNIQUE INDEX "device_identities_organization_id_id_key" ON "device_identities"("organization_id", "id");
CREATE UNIQUE INDEX "device_identities_name_key" ON "device_identities"("name");
CREATE UNIQUE INDEX "device_identities_claim_token_hash_key" ON "device_identities"("claim_token_hash");
ALTER TABLE "device_identities" ADD CONSTRAINT "device_identities_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "device_identities" ADD CONSTRAINT "device_identities_organization_id_edge_target_id_fkey" FOREIGN KEY ("organization_id", "edge_target_id") REFERENCES "edge_targets"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

GRANT SELECT, INSERT, UPDATE ON "device_authorities", "device_identities" TO threadline_app;
