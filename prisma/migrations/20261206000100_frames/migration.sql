-- Camera frames (issue 22): JPEG and PNG images from inspection stations, stored content-addressed
-- outside the database (frame-store.ts) and referenced here with their metadata; one frame per
-- asset, camera and capture time, so a resent frame is stored once. A label (from quality
-- inspection or an insight's verdict) makes a frame training data for vision models.
CREATE TYPE "frame_label" AS ENUM ('GOOD', 'DEFECT');

CREATE TABLE "frames" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "camera" TEXT NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "sha256" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "byte_size" INTEGER NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "label" "frame_label",
    "labelled_at" TIMESTAMPTZ(3),
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "frames_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "frames_camera_check" CHECK ("camera" ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
    CONSTRAINT "frames_content_type_check" CHECK ("content_type" IN ('image/jpeg', 'image/png')),
    CONSTRAINT "frames_sha256_check" CHECK ("sha256" ~ '^[0-9a-f]{64}$'),
    CONSTRAINT "frames_size_check" CHECK ("byte_size" > 0 AND "width" > 0 AND "height" > 0)
);
CREATE UNIQUE INDEX "frames_organization_id_id_key" ON "frames"("organization_id", "id");
CREATE UNIQUE INDEX "frames_organization_id_asset_id_camera_ts_key" ON "frames"("organization_id", "asset_id", "camera", "ts");
CREATE INDEX "frames_organization_id_asset_id_ts_idx" ON "frames"("organization_id", "asset_id", "ts");
CREATE INDEX "frames_sha256_idx" ON "frames"("sha256");
ALTER TABLE "frames" ADD CONSTRAINT "frames_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "frames" ADD CONSTRAINT "frames_organization_id_asset_id_fkey" FOREIGN KEY ("organization_id", "asset_id") REFERENCES "assets"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

GRANT SELECT, INSERT, UPDATE, DELETE ON "frames" TO threadline_app;
