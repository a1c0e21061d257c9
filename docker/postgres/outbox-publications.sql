-- Rendered from contractgen.stack.roles by tests/stack/test_roles.py; do not edit.
-- Run after the services' first migration (compose's postgres-publications job).
\connect idea
SET ROLE "idea_migration";
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_publication WHERE pubname = 'idea_outbox') THEN
        CREATE PUBLICATION "idea_outbox" FOR TABLE public.outbox;
    END IF; END $$;
GRANT SELECT ON public.outbox TO "idea_replication";
RESET ROLE;
