-- Rendered from contractgen.stack.roles by tests/stack/test_roles.py; do not edit.
-- Run once by the postgres image at initdb time (docker-entrypoint-initdb.d).
\getenv activity_migration_password ACTIVITY_MIGRATION_DB_PASSWORD
\getenv activity_runtime_password ACTIVITY_RUNTIME_DB_PASSWORD
CREATE DATABASE "activity";
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'activity_migration') THEN CREATE ROLE "activity_migration"; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'activity_runtime') THEN CREATE ROLE "activity_runtime"; END IF; END $$;
ALTER ROLE "activity_migration" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION PASSWORD :'activity_migration_password';
ALTER ROLE "activity_runtime" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION PASSWORD :'activity_runtime_password';
ALTER DATABASE "activity" OWNER TO "activity_migration";
REVOKE ALL ON DATABASE "activity" FROM PUBLIC;
GRANT CONNECT ON DATABASE "activity" TO "activity_runtime";
\connect activity
ALTER SCHEMA public OWNER TO "activity_migration";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO "activity_runtime";
DO $$ DECLARE t record; BEGIN
    FOR t IN SELECT c.relname FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
               AND pg_get_userbyid(c.relowner) <> 'activity_migration' LOOP
        EXECUTE format('ALTER TABLE public.%I OWNER TO "activity_migration"', t.relname);
    END LOOP; END $$;
ALTER DEFAULT PRIVILEGES FOR ROLE "activity_migration" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "activity_runtime";
ALTER DEFAULT PRIVILEGES FOR ROLE "activity_migration" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO "activity_runtime";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "activity_runtime";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "activity_runtime";
\connect postgres
\getenv idea_migration_password IDEA_MIGRATION_DB_PASSWORD
\getenv idea_runtime_password IDEA_RUNTIME_DB_PASSWORD
\getenv idea_replication_password IDEA_REPLICATION_DB_PASSWORD
CREATE DATABASE "idea";
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'idea_migration') THEN CREATE ROLE "idea_migration"; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'idea_runtime') THEN CREATE ROLE "idea_runtime"; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'idea_replication') THEN CREATE ROLE "idea_replication"; END IF; END $$;
ALTER ROLE "idea_migration" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION PASSWORD :'idea_migration_password';
ALTER ROLE "idea_runtime" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION PASSWORD :'idea_runtime_password';
ALTER ROLE "idea_replication" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT REPLICATION PASSWORD :'idea_replication_password';
ALTER DATABASE "idea" OWNER TO "idea_migration";
REVOKE ALL ON DATABASE "idea" FROM PUBLIC;
GRANT CONNECT ON DATABASE "idea" TO "idea_runtime", "idea_replication";
\connect idea
ALTER SCHEMA public OWNER TO "idea_migration";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO "idea_runtime", "idea_replication";
DO $$ DECLARE t record; BEGIN
    FOR t IN SELECT c.relname FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
               AND pg_get_userbyid(c.relowner) <> 'idea_migration' LOOP
        EXECUTE format('ALTER TABLE public.%I OWNER TO "idea_migration"', t.relname);
    END LOOP; END $$;
ALTER DEFAULT PRIVILEGES FOR ROLE "idea_migration" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "idea_runtime";
ALTER DEFAULT PRIVILEGES FOR ROLE "idea_migration" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO "idea_runtime";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "idea_runtime";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "idea_runtime";
\connect postgres
