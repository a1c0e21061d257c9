-- CDC on the outbox table, once the organization service's migrations have created it; run it
-- connected to the organization database (sqlcmd -d organization). Safe to run again.
-- Also for Azure SQL, once after the first deployment: see docs/DEPLOY.md.
IF (SELECT is_cdc_enabled FROM sys.databases WHERE name = DB_NAME()) = 0
    EXEC sys.sp_cdc_enable_db;
IF NOT EXISTS (
    SELECT 1 FROM sys.tables
    WHERE name = 'outbox' AND schema_id = SCHEMA_ID('dbo') AND is_tracked_by_cdc = 1
)
    EXEC sys.sp_cdc_enable_table
        @source_schema = N'dbo',
        @source_name = N'outbox',
        -- Only members of this gating role (the replication user, see roles.sql) read the changes.
        @role_name = N'outbox_cdc_reader',
        @supports_net_changes = 0;
-- The replication user reads the outbox (its change table's columns), never the business tables.
GRANT SELECT ON dbo.outbox TO outbox_cdc_reader;
