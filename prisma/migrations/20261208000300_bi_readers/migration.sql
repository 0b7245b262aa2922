-- Read-only SQL for Grafana and BI tools (issue 24): the `bi` schema's views (made with the
-- telemetry storage, prisma/src/exports/bi-views.ts) show only the rows of the organisation the
-- connecting login role reads for. Each reader is a login role in threadline_bi, mapped to one
-- organisation here; it can read the bi views and nothing else. The application creates and drops
-- readers only through the two functions below (the owner must have CREATEROLE).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'threadline_bi') THEN
        CREATE ROLE threadline_bi NOLOGIN;
    END IF;
END $$;

CREATE SCHEMA IF NOT EXISTS "bi";
REVOKE ALL ON SCHEMA "bi" FROM PUBLIC;
GRANT USAGE ON SCHEMA "bi" TO threadline_bi, threadline_app;

CREATE TABLE "bi_readers" (
    "role_name" TEXT NOT NULL,
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "bi_readers_pkey" PRIMARY KEY ("role_name"),
    CONSTRAINT "bi_readers_role_name_check" CHECK ("role_name" ~ '^tl_bi_[a-z0-9_]{1,57}$')
);
CREATE UNIQUE INDEX "bi_readers_organization_id_name_key" ON "bi_readers"("organization_id", "name");
ALTER TABLE "bi_readers" ADD CONSTRAINT "bi_readers_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
GRANT SELECT ON "bi_readers" TO threadline_app;

-- The organisation the session's login role reads for; NULL (so every view is empty) for anyone else.
CREATE FUNCTION "bi"."organization_id"() RETURNS UUID
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$ SELECT organization_id FROM public.bi_readers WHERE role_name = session_user $$;
REVOKE ALL ON FUNCTION "bi"."organization_id"() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "bi"."organization_id"() TO threadline_bi;

CREATE FUNCTION "bi"."create_reader"(p_organization UUID, p_role TEXT, p_name TEXT, p_password TEXT) RETURNS VOID
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$
BEGIN
    IF p_role !~ '^tl_bi_[a-z0-9_]{1,57}$' THEN
        RAISE EXCEPTION 'a reader role is tl_bi_ and lower-case letters, digits or _' USING ERRCODE = '22023';
    END IF;
    INSERT INTO public.bi_readers (role_name, organization_id, name) VALUES (p_role, p_organization, p_name);
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE threadline_bi CONNECTION LIMIT 10', p_role, p_password);
    EXECUTE format('ALTER ROLE %I SET statement_timeout = %L', p_role, '60s');
    EXECUTE format('ALTER ROLE %I SET default_transaction_read_only = on', p_role);
END $$;
REVOKE ALL ON FUNCTION "bi"."create_reader"(UUID, TEXT, TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "bi"."create_reader"(UUID, TEXT, TEXT, TEXT) TO threadline_app;

CREATE FUNCTION "bi"."drop_reader"(p_organization UUID, p_role TEXT) RETURNS BOOLEAN
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$
BEGIN
    DELETE FROM public.bi_readers WHERE role_name = p_role AND organization_id = p_organization;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    EXECUTE format('DROP ROLE IF EXISTS %I', p_role);
    RETURN true;
END $$;
REVOKE ALL ON FUNCTION "bi"."drop_reader"(UUID, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "bi"."drop_reader"(UUID, TEXT) TO threadline_app;
