-- CreateEnum
CREATE TYPE "user_role" AS ENUM ('VIEWER', 'ENGINEER', 'DATA_SCIENTIST', 'APPROVER', 'ADMIN');

CREATE TYPE "property_data_type" AS ENUM ('NUMBER', 'BOOLEAN', 'STRING', 'STATE');

CREATE TYPE "source_protocol" AS ENUM ('MQTT', 'SPARKPLUG_B', 'OPC_UA', 'API');

CREATE TYPE "use_case_status" AS ENUM ('PROPOSED', 'ACTIVE', 'ON_HOLD', 'RETIRED');

CREATE TYPE "risk_level" AS ENUM ('LOW', 'MEDIUM', 'HIGH');

CREATE TYPE "kpi_direction" AS ENUM ('LOWER_IS_BETTER', 'HIGHER_IS_BETTER');

CREATE TYPE "kpi_kind" AS ENUM ('UPTIME', 'UNPLANNED_DOWNTIME', 'ENERGY_COST', 'ENERGY_PER_UNIT', 'DEFECT_RATE', 'OEE', 'DETECTOR_VALUE', 'CUSTOM');

CREATE TYPE "measurement_source" AS ENUM ('MANUAL', 'COMPUTED', 'IMPORTED');

CREATE TYPE "cost_kind" AS ENUM ('ONE_TIME', 'MONTHLY');

CREATE TYPE "cost_category" AS ENUM ('HARDWARE', 'SOFTWARE', 'INTEGRATION', 'PEOPLE', 'TRAINING', 'OTHER');

CREATE TYPE "roi_basis" AS ENUM ('PROJECTED', 'REALISED');

CREATE TYPE "wave_phase" AS ENUM ('PILOT_AND_PROVE', 'ANCHOR_DEPLOYMENT', 'ENTERPRISE_ROLLOUT');

CREATE TYPE "wave_status" AS ENUM ('PLANNED', 'ACTIVE', 'GATE_REVIEW', 'PASSED', 'FAILED', 'CANCELLED');

CREATE TYPE "gate_outcome" AS ENUM ('ADVANCE', 'HOLD', 'ROLL_BACK');

CREATE TYPE "approval_subject" AS ENUM ('GATE_DECISION', 'MODEL_PROMOTION', 'EXPERIMENT_DECISION', 'DEPLOYMENT');

CREATE TYPE "approval_status" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');

CREATE TYPE "squad_role" AS ENUM ('OT', 'IT', 'DATA_SCIENCE', 'OPERATIONS', 'SECURITY', 'DOMAIN_SME');

CREATE TYPE "model_task" AS ENUM ('FAILURE_RISK', 'ANOMALY_DETECTION', 'FORECAST', 'DEFECT_CLASSIFICATION');

CREATE TYPE "ai_risk_class" AS ENUM ('MINIMAL', 'LIMITED', 'HIGH', 'UNACCEPTABLE');

CREATE TYPE "model_stage" AS ENUM ('CANDIDATE', 'CHAMPION', 'CHALLENGER', 'ARCHIVED');

CREATE TYPE "edge_target_kind" AS ENUM ('GATEWAY', 'JETSON', 'INDUSTRIAL_PC', 'CLOUD');

CREATE TYPE "deployment_mode" AS ENUM ('CHAMPION', 'CHALLENGER', 'SHADOW');

CREATE TYPE "deployment_status" AS ENUM ('PENDING', 'ACTIVE', 'FALLBACK', 'RETIRED', 'FAILED');

CREATE TYPE "insight_kind" AS ENUM ('ANOMALY', 'FAILURE_RISK', 'FORECAST', 'THRESHOLD');

CREATE TYPE "severity" AS ENUM ('INFO', 'WARNING', 'CRITICAL');

CREATE TYPE "training_trigger" AS ENUM ('DRIFT', 'SCHEDULE', 'MANUAL');

CREATE TYPE "run_status" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

CREATE TYPE "experiment_kind" AS ENUM ('AB_TEST', 'SHADOW');

CREATE TYPE "experiment_status" AS ENUM ('RUNNING', 'CONCLUDED', 'ABORTED');

CREATE TYPE "experiment_decision" AS ENUM ('PROMOTE_CHALLENGER', 'KEEP_CHAMPION', 'INCONCLUSIVE');

CREATE TYPE "review_kind" AS ENUM ('MODEL_PERFORMANCE', 'INFRA_HEALTH', 'MATURITY');

CREATE TYPE "review_status" AS ENUM ('SCHEDULED', 'DONE', 'MISSED');

CREATE TYPE "actor_kind" AS ENUM ('USER', 'API_KEY', 'SYSTEM');

-- CreateTable
CREATE TABLE "organizations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'EUR',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "user_role" NOT NULL,
    "password_hash" TEXT NOT NULL,
    "disabled_at" TIMESTAMPTZ(3),
    "last_login_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "scopes" TEXT[] NOT NULL,
    "created_by_id" UUID,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sites" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "country" TEXT,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sites_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lines" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "site_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "asset_types" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "opcua_type_node" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "asset_types_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "asset_type_properties" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "asset_type_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "data_type" "property_data_type" NOT NULL,
    "unit" TEXT,
    "min_value" DOUBLE PRECISION,
    "max_value" DOUBLE PRECISION,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "asset_type_properties_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assets" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "line_id" UUID NOT NULL,
    "asset_type_id" UUID NOT NULL,
    "parent_id" UUID,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "manufacturer" TEXT,
    "model_number" TEXT,
    "serial_number" TEXT,
    "criticality" INTEGER NOT NULL DEFAULT 3,
    "tags" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "commissioned_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "signals" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "property_id" UUID,
    "name" TEXT NOT NULL,
    "data_type" "property_data_type" NOT NULL DEFAULT 'NUMBER',
    "unit" TEXT,
    "source_protocol" "source_protocol" NOT NULL,
    "source_address" TEXT NOT NULL,
    "sampling_interval_ms" INTEGER,
    "tags" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "signals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "use_cases" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "status" "use_case_status" NOT NULL DEFAULT 'PROPOSED',
    "owner_id" UUID,
    "kickoff_at" TIMESTAMPTZ(3),
    "first_value_at" TIMESTAMPTZ(3),
    "data_readiness" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "stakeholder_alignment" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "risk_level" "risk_level" NOT NULL DEFAULT 'MEDIUM',
    "discount_rate_annual" DOUBLE PRECISION NOT NULL DEFAULT 0.08,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "use_cases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "kpis" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "use_case_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "kpi_kind" NOT NULL DEFAULT 'CUSTOM',
    "unit" TEXT NOT NULL,
    "direction" "kpi_direction" NOT NULL,
    "baseline" DOUBLE PRECISION NOT NULL,
    "target" DOUBLE PRECISION,
    "value_per_unit" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "window_days" INTEGER NOT NULL DEFAULT 30,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "kpis_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "kpi_measurements" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "kpi_id" UUID NOT NULL,
    "measured_at" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "source" "measurement_source" NOT NULL DEFAULT 'MANUAL',
    "note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "kpi_measurements_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cost_items" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "use_case_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "cost_kind" NOT NULL,
    "category" "cost_category" NOT NULL DEFAULT 'OTHER',
    "amount" DOUBLE PRECISION NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cost_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "roi_snapshots" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "use_case_id" UUID NOT NULL,
    "basis" "roi_basis" NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "monthly_benefit" DOUBLE PRECISION NOT NULL,
    "cumulative_benefit" DOUBLE PRECISION NOT NULL,
    "cumulative_cost" DOUBLE PRECISION NOT NULL,
    "roi" DOUBLE PRECISION,
    "npv" DOUBLE PRECISION,
    "payback_month" INTEGER,
    "breakdown" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "roi_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scaling_waves" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "use_case_id" UUID NOT NULL,
    "phase" "wave_phase" NOT NULL,
    "name" TEXT NOT NULL,
    "status" "wave_status" NOT NULL DEFAULT 'PLANNED',
    "planned_start_at" TIMESTAMPTZ(3) NOT NULL,
    "planned_end_at" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "max_assets" INTEGER,
    "max_lines" INTEGER,
    "max_sites" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "scaling_waves_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "wave_scope_items" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "wave_id" UUID NOT NULL,
    "asset_id" UUID,
    "line_id" UUID,
    "site_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wave_scope_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "wave_gates" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "wave_id" UUID NOT NULL,
    "kpi_id" UUID NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "window_days" INTEGER NOT NULL DEFAULT 30,
    "last_evaluated_at" TIMESTAMPTZ(3),
    "last_value" DOUBLE PRECISION,
    "passing" BOOLEAN,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "wave_gates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "gate_decisions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "wave_id" UUID NOT NULL,
    "outcome" "gate_outcome" NOT NULL,
    "rationale" TEXT NOT NULL,
    "gate_results" JSONB NOT NULL DEFAULT '[]',
    "decided_by_id" UUID NOT NULL,
    "decided_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "gate_decisions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "approvals" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "subject_type" "approval_subject" NOT NULL,
    "subject_id" UUID NOT NULL,
    "status" "approval_status" NOT NULL DEFAULT 'PENDING',
    "requested_by_id" UUID NOT NULL,
    "approver_id" UUID,
    "comment" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approvals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "squads" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "use_case_id" UUID,
    "name" TEXT NOT NULL,
    "mission" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "squads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "squad_members" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "squad_id" UUID NOT NULL,
    "user_id" UUID,
    "display_name" TEXT NOT NULL,
    "role" "squad_role" NOT NULL,
    "allocation_pct" INTEGER NOT NULL DEFAULT 100,
    "joined_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "squad_members_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "okrs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "squad_id" UUID NOT NULL,
    "objective" TEXT NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "period_end" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "okrs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "key_results" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "okr_id" UUID NOT NULL,
    "kpi_id" UUID,
    "description" TEXT NOT NULL,
    "target_value" DOUBLE PRECISION NOT NULL,
    "unit" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "key_results_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "models" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "use_case_id" UUID,
    "owner_id" UUID,
    "name" TEXT NOT NULL,
    "task" "model_task" NOT NULL,
    "description" TEXT,
    "features" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "risk_class" "ai_risk_class" NOT NULL DEFAULT 'LIMITED',
    "policy" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "models_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_versions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "stage" "model_stage" NOT NULL DEFAULT 'CANDIDATE',
    "onnx" BYTEA,
    "sha256" TEXT NOT NULL,
    "signature" TEXT,
    "signing_key_id" TEXT,
    "feature_spec" JSONB NOT NULL DEFAULT '{}',
    "metrics" JSONB NOT NULL DEFAULT '{}',
    "reference_profile" JSONB NOT NULL DEFAULT '{}',
    "parent_version_id" UUID,
    "training_run_id" UUID,
    "registered_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "edge_targets" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "site_id" UUID,
    "name" TEXT NOT NULL,
    "kind" "edge_target_kind" NOT NULL,
    "runtime" TEXT NOT NULL,
    "public_key" TEXT,
    "last_heartbeat_at" TIMESTAMPTZ(3),
    "fallback_rules" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "edge_targets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deployments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "model_version_id" UUID NOT NULL,
    "edge_target_id" UUID NOT NULL,
    "asset_id" UUID,
    "mode" "deployment_mode" NOT NULL DEFAULT 'CHAMPION',
    "traffic_share" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "status" "deployment_status" NOT NULL DEFAULT 'PENDING',
    "deployed_by_id" UUID,
    "deployed_at" TIMESTAMPTZ(3),
    "retired_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deployments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "predictions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "model_version_id" UUID NOT NULL,
    "deployment_id" UUID,
    "asset_id" UUID NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "label" TEXT,
    "explanation" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "predictions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "insights" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "use_case_id" UUID,
    "model_version_id" UUID,
    "prediction_id" UUID,
    "kind" "insight_kind" NOT NULL,
    "severity" "severity" NOT NULL,
    "title" TEXT NOT NULL,
    "explanation" JSONB NOT NULL DEFAULT '[]',
    "from_fallback" BOOLEAN NOT NULL DEFAULT false,
    "evidence_start_at" TIMESTAMPTZ(3) NOT NULL,
    "evidence_end_at" TIMESTAMPTZ(3) NOT NULL,
    "evidence_received_at" TIMESTAMPTZ(3),
    "raised_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by_id" UUID,
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by_id" UUID,

    CONSTRAINT "insights_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incidents" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "insight_id" UUID,
    "title" TEXT NOT NULL,
    "cause" TEXT,
    "severity" "severity" NOT NULL DEFAULT 'WARNING',
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "downtime_minutes" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "ai_related" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "incidents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "drift_reports" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "model_version_id" UUID NOT NULL,
    "deployment_id" UUID,
    "window_start_at" TIMESTAMPTZ(3) NOT NULL,
    "window_end_at" TIMESTAMPTZ(3) NOT NULL,
    "features" JSONB NOT NULL DEFAULT '[]',
    "drifting_share" DOUBLE PRECISION NOT NULL,
    "drifting" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "drift_reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "training_runs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "base_version_id" UUID,
    "drift_report_id" UUID,
    "trigger" "training_trigger" NOT NULL,
    "status" "run_status" NOT NULL DEFAULT 'QUEUED',
    "data_window_start_at" TIMESTAMPTZ(3) NOT NULL,
    "data_window_end_at" TIMESTAMPTZ(3) NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "metrics" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "requested_by_id" UUID,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "training_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "experiments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "champion_version_id" UUID NOT NULL,
    "challenger_version_id" UUID NOT NULL,
    "kind" "experiment_kind" NOT NULL,
    "status" "experiment_status" NOT NULL DEFAULT 'RUNNING',
    "traffic_share" DOUBLE PRECISION NOT NULL DEFAULT 0.1,
    "metric" TEXT NOT NULL,
    "statistical_test" TEXT NOT NULL,
    "result" JSONB NOT NULL DEFAULT '{}',
    "decision" "experiment_decision",
    "decided_by_id" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "experiments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reviews" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "kind" "review_kind" NOT NULL,
    "use_case_id" UUID,
    "squad_id" UUID,
    "owner_id" UUID,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "held_at" TIMESTAMPTZ(3),
    "status" "review_status" NOT NULL DEFAULT 'SCHEDULED',
    "findings" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reviews_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "certifications" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "holder_id" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "level" TEXT NOT NULL DEFAULT 'OPERATOR',
    "issued_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "issued_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "certifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "seq" BIGINT NOT NULL,
    "type" TEXT NOT NULL,
    "actor_kind" "actor_kind" NOT NULL,
    "actor_id" TEXT,
    "actor_label" TEXT NOT NULL,
    "subject_type" TEXT NOT NULL,
    "subject_id" TEXT,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_checkpoints" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_id" UUID NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_checkpoints_pkey" PRIMARY KEY ("id")
);

-- CreateUniqueIndex
CREATE UNIQUE INDEX "organizations_slug_key" ON "organizations"("slug");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "users_organization_id_id_key" ON "users"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "api_keys_organization_id_id_key" ON "api_keys"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "sites_organization_id_id_key" ON "sites"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "sites_organization_id_code_key" ON "sites"("organization_id", "code");

-- CreateIndex
CREATE INDEX "lines_organization_id_site_id_idx" ON "lines"("organization_id", "site_id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "lines_organization_id_id_key" ON "lines"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "lines_site_id_code_key" ON "lines"("site_id", "code");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "asset_types_organization_id_id_key" ON "asset_types"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "asset_types_organization_id_name_key" ON "asset_types"("organization_id", "name");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "asset_type_properties_organization_id_id_key" ON "asset_type_properties"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "asset_type_properties_asset_type_id_name_key" ON "asset_type_properties"("asset_type_id", "name");

-- CreateIndex
CREATE INDEX "assets_organization_id_line_id_idx" ON "assets"("organization_id", "line_id");

-- CreateIndex
CREATE INDEX "assets_organization_id_parent_id_idx" ON "assets"("organization_id", "parent_id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "assets_organization_id_id_key" ON "assets"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "assets_organization_id_code_key" ON "assets"("organization_id", "code");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "signals_organization_id_id_key" ON "signals"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "signals_asset_id_name_key" ON "signals"("asset_id", "name");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "signals_organization_id_source_protocol_source_address_key" ON "signals"("organization_id", "source_protocol", "source_address");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "use_cases_organization_id_id_key" ON "use_cases"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "use_cases_organization_id_name_key" ON "use_cases"("organization_id", "name");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "kpis_organization_id_id_key" ON "kpis"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "kpis_use_case_id_name_key" ON "kpis"("use_case_id", "name");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "kpi_measurements_organization_id_id_key" ON "kpi_measurements"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "kpi_measurements_kpi_id_measured_at_key" ON "kpi_measurements"("kpi_id", "measured_at");

-- CreateIndex
CREATE INDEX "cost_items_organization_id_use_case_id_idx" ON "cost_items"("organization_id", "use_case_id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "cost_items_organization_id_id_key" ON "cost_items"("organization_id", "id");

-- CreateIndex
CREATE INDEX "roi_snapshots_organization_id_use_case_id_computed_at_idx" ON "roi_snapshots"("organization_id", "use_case_id", "computed_at");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "roi_snapshots_organization_id_id_key" ON "roi_snapshots"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "scaling_waves_organization_id_id_key" ON "scaling_waves"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "scaling_waves_use_case_id_phase_key" ON "scaling_waves"("use_case_id", "phase");

-- CreateIndex
CREATE INDEX "wave_scope_items_organization_id_wave_id_idx" ON "wave_scope_items"("organization_id", "wave_id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "wave_scope_items_organization_id_id_key" ON "wave_scope_items"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "wave_gates_organization_id_id_key" ON "wave_gates"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "wave_gates_wave_id_kpi_id_key" ON "wave_gates"("wave_id", "kpi_id");

-- CreateIndex
CREATE INDEX "gate_decisions_organization_id_wave_id_idx" ON "gate_decisions"("organization_id", "wave_id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "gate_decisions_organization_id_id_key" ON "gate_decisions"("organization_id", "id");

-- CreateIndex
CREATE INDEX "approvals_organization_id_subject_type_subject_id_idx" ON "approvals"("organization_id", "subject_type", "subject_id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "approvals_organization_id_id_key" ON "approvals"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "squads_organization_id_id_key" ON "squads"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "squads_organization_id_name_key" ON "squads"("organization_id", "name");

-- CreateIndex
CREATE INDEX "squad_members_organization_id_squad_id_idx" ON "squad_members"("organization_id", "squad_id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "squad_members_organization_id_id_key" ON "squad_members"("organization_id", "id");

-- CreateIndex
CREATE INDEX "okrs_organization_id_squad_id_idx" ON "okrs"("organization_id", "squad_id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "okrs_organization_id_id_key" ON "okrs"("organization_id", "id");

-- CreateIndex
CREATE INDEX "key_results_organization_id_okr_id_idx" ON "key_results"("organization_id", "okr_id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "key_results_organization_id_id_key" ON "key_results"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "models_organization_id_id_key" ON "models"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "models_organization_id_name_key" ON "models"("organization_id", "name");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "model_versions_organization_id_id_key" ON "model_versions"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "model_versions_model_id_version_key" ON "model_versions"("model_id", "version");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "edge_targets_organization_id_id_key" ON "edge_targets"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "edge_targets_organization_id_name_key" ON "edge_targets"("organization_id", "name");

-- CreateIndex
CREATE INDEX "deployments_organization_id_model_version_id_idx" ON "deployments"("organization_id", "model_version_id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "deployments_organization_id_id_key" ON "deployments"("organization_id", "id");

-- CreateIndex
CREATE INDEX "predictions_organization_id_asset_id_ts_idx" ON "predictions"("organization_id", "asset_id", "ts");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "predictions_organization_id_id_key" ON "predictions"("organization_id", "id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "predictions_model_version_id_asset_id_ts_key" ON "predictions"("model_version_id", "asset_id", "ts");

-- CreateIndex
CREATE INDEX "insights_organization_id_asset_id_raised_at_idx" ON "insights"("organization_id", "asset_id", "raised_at");

-- CreateIndex
CREATE INDEX "insights_organization_id_use_case_id_raised_at_idx" ON "insights"("organization_id", "use_case_id", "raised_at");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "insights_organization_id_id_key" ON "insights"("organization_id", "id");

-- CreateIndex
CREATE INDEX "incidents_organization_id_asset_id_started_at_idx" ON "incidents"("organization_id", "asset_id", "started_at");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "incidents_organization_id_id_key" ON "incidents"("organization_id", "id");

-- CreateIndex
CREATE INDEX "drift_reports_organization_id_model_version_id_created_at_idx" ON "drift_reports"("organization_id", "model_version_id", "created_at");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "drift_reports_organization_id_id_key" ON "drift_reports"("organization_id", "id");

-- CreateIndex
CREATE INDEX "training_runs_organization_id_model_id_created_at_idx" ON "training_runs"("organization_id", "model_id", "created_at");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "training_runs_organization_id_id_key" ON "training_runs"("organization_id", "id");

-- CreateIndex
CREATE INDEX "experiments_organization_id_model_id_idx" ON "experiments"("organization_id", "model_id");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "experiments_organization_id_id_key" ON "experiments"("organization_id", "id");

-- CreateIndex
CREATE INDEX "reviews_organization_id_due_at_idx" ON "reviews"("organization_id", "due_at");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "reviews_organization_id_id_key" ON "reviews"("organization_id", "id");

-- CreateIndex
CREATE INDEX "certifications_organization_id_expires_at_idx" ON "certifications"("organization_id", "expires_at");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "certifications_organization_id_id_key" ON "certifications"("organization_id", "id");

-- CreateIndex
CREATE INDEX "audit_events_organization_id_subject_type_subject_id_idx" ON "audit_events"("organization_id", "subject_type", "subject_id");

-- CreateIndex
CREATE INDEX "audit_events_organization_id_occurred_at_idx" ON "audit_events"("organization_id", "occurred_at");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "audit_events_organization_id_seq_key" ON "audit_events"("organization_id", "seq");

-- CreateUniqueIndex
CREATE UNIQUE INDEX "audit_checkpoints_organization_id_seq_key" ON "audit_checkpoints"("organization_id", "seq");

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_organization_id_created_by_id_fkey" FOREIGN KEY ("organization_id", "created_by_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sites" ADD CONSTRAINT "sites_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lines" ADD CONSTRAINT "lines_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lines" ADD CONSTRAINT "lines_organization_id_site_id_fkey" FOREIGN KEY ("organization_id", "site_id") REFERENCES "sites"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "asset_types" ADD CONSTRAINT "asset_types_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "asset_type_properties" ADD CONSTRAINT "asset_type_properties_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "asset_type_properties" ADD CONSTRAINT "asset_type_properties_organization_id_asset_type_id_fkey" FOREIGN KEY ("organization_id", "asset_type_id") REFERENCES "asset_types"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assets" ADD CONSTRAINT "assets_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assets" ADD CONSTRAINT "assets_organization_id_line_id_fkey" FOREIGN KEY ("organization_id", "line_id") REFERENCES "lines"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assets" ADD CONSTRAINT "assets_organization_id_asset_type_id_fkey" FOREIGN KEY ("organization_id", "asset_type_id") REFERENCES "asset_types"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assets" ADD CONSTRAINT "assets_organization_id_parent_id_fkey" FOREIGN KEY ("organization_id", "parent_id") REFERENCES "assets"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "signals" ADD CONSTRAINT "signals_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "signals" ADD CONSTRAINT "signals_organization_id_asset_id_fkey" FOREIGN KEY ("organization_id", "asset_id") REFERENCES "assets"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "signals" ADD CONSTRAINT "signals_organization_id_property_id_fkey" FOREIGN KEY ("organization_id", "property_id") REFERENCES "asset_type_properties"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "use_cases" ADD CONSTRAINT "use_cases_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "use_cases" ADD CONSTRAINT "use_cases_organization_id_owner_id_fkey" FOREIGN KEY ("organization_id", "owner_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "kpis" ADD CONSTRAINT "kpis_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "kpis" ADD CONSTRAINT "kpis_organization_id_use_case_id_fkey" FOREIGN KEY ("organization_id", "use_case_id") REFERENCES "use_cases"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "kpi_measurements" ADD CONSTRAINT "kpi_measurements_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "kpi_measurements" ADD CONSTRAINT "kpi_measurements_organization_id_kpi_id_fkey" FOREIGN KEY ("organization_id", "kpi_id") REFERENCES "kpis"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cost_items" ADD CONSTRAINT "cost_items_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cost_items" ADD CONSTRAINT "cost_items_organization_id_use_case_id_fkey" FOREIGN KEY ("organization_id", "use_case_id") REFERENCES "use_cases"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "roi_snapshots" ADD CONSTRAINT "roi_snapshots_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "roi_snapshots" ADD CONSTRAINT "roi_snapshots_organization_id_use_case_id_fkey" FOREIGN KEY ("organization_id", "use_case_id") REFERENCES "use_cases"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scaling_waves" ADD CONSTRAINT "scaling_waves_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scaling_waves" ADD CONSTRAINT "scaling_waves_organization_id_use_case_id_fkey" FOREIGN KEY ("organization_id", "use_case_id") REFERENCES "use_cases"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wave_scope_items" ADD CONSTRAINT "wave_scope_items_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wave_scope_items" ADD CONSTRAINT "wave_scope_items_organization_id_wave_id_fkey" FOREIGN KEY ("organization_id", "wave_id") REFERENCES "scaling_waves"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wave_scope_items" ADD CONSTRAINT "wave_scope_items_organization_id_asset_id_fkey" FOREIGN KEY ("organization_id", "asset_id") REFERENCES "assets"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wave_scope_items" ADD CONSTRAINT "wave_scope_items_organization_id_line_id_fkey" FOREIGN KEY ("organization_id", "line_id") REFERENCES "lines"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wave_scope_items" ADD CONSTRAINT "wave_scope_items_organization_id_site_id_fkey" FOREIGN KEY ("organization_id", "site_id") REFERENCES "sites"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wave_gates" ADD CONSTRAINT "wave_gates_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wave_gates" ADD CONSTRAINT "wave_gates_organization_id_wave_id_fkey" FOREIGN KEY ("organization_id", "wave_id") REFERENCES "scaling_waves"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "wave_gates" ADD CONSTRAINT "wave_gates_organization_id_kpi_id_fkey" FOREIGN KEY ("organization_id", "kpi_id") REFERENCES "kpis"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gate_decisions" ADD CONSTRAINT "gate_decisions_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gate_decisions" ADD CONSTRAINT "gate_decisions_organization_id_wave_id_fkey" FOREIGN KEY ("organization_id", "wave_id") REFERENCES "scaling_waves"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "gate_decisions" ADD CONSTRAINT "gate_decisions_organization_id_decided_by_id_fkey" FOREIGN KEY ("organization_id", "decided_by_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_organization_id_requested_by_id_fkey" FOREIGN KEY ("organization_id", "requested_by_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_organization_id_approver_id_fkey" FOREIGN KEY ("organization_id", "approver_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "squads" ADD CONSTRAINT "squads_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "squads" ADD CONSTRAINT "squads_organization_id_use_case_id_fkey" FOREIGN KEY ("organization_id", "use_case_id") REFERENCES "use_cases"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "squad_members" ADD CONSTRAINT "squad_members_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "squad_members" ADD CONSTRAINT "squad_members_organization_id_squad_id_fkey" FOREIGN KEY ("organization_id", "squad_id") REFERENCES "squads"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "squad_members" ADD CONSTRAINT "squad_members_organization_id_user_id_fkey" FOREIGN KEY ("organization_id", "user_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "okrs" ADD CONSTRAINT "okrs_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "okrs" ADD CONSTRAINT "okrs_organization_id_squad_id_fkey" FOREIGN KEY ("organization_id", "squad_id") REFERENCES "squads"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "key_results" ADD CONSTRAINT "key_results_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "key_results" ADD CONSTRAINT "key_results_organization_id_okr_id_fkey" FOREIGN KEY ("organization_id", "okr_id") REFERENCES "okrs"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "key_results" ADD CONSTRAINT "key_results_organization_id_kpi_id_fkey" FOREIGN KEY ("organization_id", "kpi_id") REFERENCES "kpis"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "models" ADD CONSTRAINT "models_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "models" ADD CONSTRAINT "models_organization_id_use_case_id_fkey" FOREIGN KEY ("organization_id", "use_case_id") REFERENCES "use_cases"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "models" ADD CONSTRAINT "models_organization_id_owner_id_fkey" FOREIGN KEY ("organization_id", "owner_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_organization_id_model_id_fkey" FOREIGN KEY ("organization_id", "model_id") REFERENCES "models"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_organization_id_parent_version_id_fkey" FOREIGN KEY ("organization_id", "parent_version_id") REFERENCES "model_versions"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_organization_id_training_run_id_fkey" FOREIGN KEY ("organization_id", "training_run_id") REFERENCES "training_runs"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_organization_id_registered_by_id_fkey" FOREIGN KEY ("organization_id", "registered_by_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "edge_targets" ADD CONSTRAINT "edge_targets_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "edge_targets" ADD CONSTRAINT "edge_targets_organization_id_site_id_fkey" FOREIGN KEY ("organization_id", "site_id") REFERENCES "sites"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_organization_id_model_version_id_fkey" FOREIGN KEY ("organization_id", "model_version_id") REFERENCES "model_versions"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_organization_id_edge_target_id_fkey" FOREIGN KEY ("organization_id", "edge_target_id") REFERENCES "edge_targets"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_organization_id_asset_id_fkey" FOREIGN KEY ("organization_id", "asset_id") REFERENCES "assets"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_organization_id_deployed_by_id_fkey" FOREIGN KEY ("organization_id", "deployed_by_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "predictions" ADD CONSTRAINT "predictions_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "predictions" ADD CONSTRAINT "predictions_organization_id_model_version_id_fkey" FOREIGN KEY ("organization_id", "model_version_id") REFERENCES "model_versions"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "predictions" ADD CONSTRAINT "predictions_organization_id_deployment_id_fkey" FOREIGN KEY ("organization_id", "deployment_id") REFERENCES "deployments"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "predictions" ADD CONSTRAINT "predictions_organization_id_asset_id_fkey" FOREIGN KEY ("organization_id", "asset_id") REFERENCES "assets"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "insights" ADD CONSTRAINT "insights_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "insights" ADD CONSTRAINT "insights_organization_id_asset_id_fkey" FOREIGN KEY ("organization_id", "asset_id") REFERENCES "assets"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "insights" ADD CONSTRAINT "insights_organization_id_use_case_id_fkey" FOREIGN KEY ("organization_id", "use_case_id") REFERENCES "use_cases"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "insights" ADD CONSTRAINT "insights_organization_id_model_version_id_fkey" FOREIGN KEY ("organization_id", "model_version_id") REFERENCES "model_versions"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "insights" ADD CONSTRAINT "insights_organization_id_prediction_id_fkey" FOREIGN KEY ("organization_id", "prediction_id") REFERENCES "predictions"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "insights" ADD CONSTRAINT "insights_organization_id_acknowledged_by_id_fkey" FOREIGN KEY ("organization_id", "acknowledged_by_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "insights" ADD CONSTRAINT "insights_organization_id_resolved_by_id_fkey" FOREIGN KEY ("organization_id", "resolved_by_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_organization_id_asset_id_fkey" FOREIGN KEY ("organization_id", "asset_id") REFERENCES "assets"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_organization_id_insight_id_fkey" FOREIGN KEY ("organization_id", "insight_id") REFERENCES "insights"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "drift_reports" ADD CONSTRAINT "drift_reports_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "drift_reports" ADD CONSTRAINT "drift_reports_organization_id_model_version_id_fkey" FOREIGN KEY ("organization_id", "model_version_id") REFERENCES "model_versions"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "drift_reports" ADD CONSTRAINT "drift_reports_organization_id_deployment_id_fkey" FOREIGN KEY ("organization_id", "deployment_id") REFERENCES "deployments"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "training_runs" ADD CONSTRAINT "training_runs_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "training_runs" ADD CONSTRAINT "training_runs_organization_id_model_id_fkey" FOREIGN KEY ("organization_id", "model_id") REFERENCES "models"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "training_runs" ADD CONSTRAINT "training_runs_organization_id_base_version_id_fkey" FOREIGN KEY ("organization_id", "base_version_id") REFERENCES "model_versions"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "training_runs" ADD CONSTRAINT "training_runs_organization_id_drift_report_id_fkey" FOREIGN KEY ("organization_id", "drift_report_id") REFERENCES "drift_reports"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "training_runs" ADD CONSTRAINT "training_runs_organization_id_requested_by_id_fkey" FOREIGN KEY ("organization_id", "requested_by_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_organization_id_model_id_fkey" FOREIGN KEY ("organization_id", "model_id") REFERENCES "models"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_organization_id_champion_version_id_fkey" FOREIGN KEY ("organization_id", "champion_version_id") REFERENCES "model_versions"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_organization_id_challenger_version_id_fkey" FOREIGN KEY ("organization_id", "challenger_version_id") REFERENCES "model_versions"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_organization_id_decided_by_id_fkey" FOREIGN KEY ("organization_id", "decided_by_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_organization_id_use_case_id_fkey" FOREIGN KEY ("organization_id", "use_case_id") REFERENCES "use_cases"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_organization_id_squad_id_fkey" FOREIGN KEY ("organization_id", "squad_id") REFERENCES "squads"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_organization_id_owner_id_fkey" FOREIGN KEY ("organization_id", "owner_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "certifications" ADD CONSTRAINT "certifications_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "certifications" ADD CONSTRAINT "certifications_organization_id_holder_id_fkey" FOREIGN KEY ("organization_id", "holder_id") REFERENCES "users"("organization_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "certifications" ADD CONSTRAINT "certifications_organization_id_issued_by_id_fkey" FOREIGN KEY ("organization_id", "issued_by_id") REFERENCES "users"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_checkpoints" ADD CONSTRAINT "audit_checkpoints_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Rules Prisma's schema language cannot state.
ALTER TABLE "wave_scope_items" ADD CONSTRAINT "wave_scope_items_exactly_one_check"
    CHECK (num_nonnulls("asset_id", "line_id", "site_id") = 1);
ALTER TABLE "use_cases" ADD CONSTRAINT "use_cases_scores_check"
    CHECK ("data_readiness" BETWEEN 0 AND 1 AND "stakeholder_alignment" BETWEEN 0 AND 1 AND "discount_rate_annual" > -1);
ALTER TABLE "assets" ADD CONSTRAINT "assets_criticality_check" CHECK ("criticality" BETWEEN 1 AND 5);
ALTER TABLE "assets" ADD CONSTRAINT "assets_not_own_parent_check" CHECK ("parent_id" IS DISTINCT FROM "id");
ALTER TABLE "asset_type_properties" ADD CONSTRAINT "asset_type_properties_range_check"
    CHECK ("min_value" IS NULL OR "max_value" IS NULL OR "min_value" <= "max_value");
ALTER TABLE "kpis" ADD CONSTRAINT "kpis_window_days_check" CHECK ("window_days" BETWEEN 1 AND 366);
ALTER TABLE "cost_items" ADD CONSTRAINT "cost_items_amount_check" CHECK ("amount" >= 0);
ALTER TABLE "cost_items" ADD CONSTRAINT "cost_items_period_check" CHECK ("ends_at" IS NULL OR "ends_at" >= "starts_at");
ALTER TABLE "scaling_waves" ADD CONSTRAINT "scaling_waves_period_check" CHECK ("planned_end_at" > "planned_start_at");
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_traffic_share_check" CHECK ("traffic_share" BETWEEN 0 AND 1);
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_traffic_share_check" CHECK ("traffic_share" BETWEEN 0 AND 1);
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_distinct_arms_check" CHECK ("champion_version_id" <> "challenger_version_id");
ALTER TABLE "squad_members" ADD CONSTRAINT "squad_members_allocation_check" CHECK ("allocation_pct" BETWEEN 0 AND 100);
ALTER TABLE "certifications" ADD CONSTRAINT "certifications_period_check" CHECK ("expires_at" > "issued_at");
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_downtime_check" CHECK ("downtime_minutes" >= 0);
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_seq_check" CHECK ("seq" >= 1);
