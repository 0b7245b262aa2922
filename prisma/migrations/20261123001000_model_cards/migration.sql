-- Model cards (prisma/src/models/model-card.ts): what a model is for, what it learnt from and where
-- it must not be trusted, in its owner's words.
ALTER TABLE "models" ADD COLUMN "intended_use" TEXT;
ALTER TABLE "models" ADD COLUMN "training_data" TEXT;
ALTER TABLE "models" ADD COLUMN "limitations" TEXT;
