-- Least-privilege users for the organization service on SQL Server, the same three as on
-- PostgreSQL (contractgen.stack.roles): contained database users, so that the script serves the
-- compose SQL Server and Azure SQL alike (terraform output sqlserver_role_passwords). Safe to run
-- again. The passwords are sqlcmd scripting variables, taken from the environment:
--   sqlcmd -d organization -i roles.sql   (with ORGANIZATION_MIGRATION_DB_PASSWORD, ..._RUNTIME_...,
--                                          ..._REPLICATION_... set)
-- Not run against a SQL Server here (none can run on this machine); checked by review only.
IF (SELECT containment FROM sys.databases WHERE name = DB_NAME()) = 0
    AND SERVERPROPERTY('EngineEdition') <> 5  -- Azure SQL Database is always contained
BEGIN
    EXEC sp_configure 'contained database authentication', 1;
    RECONFIGURE;
    DECLARE @sql nvarchar(200) = N'ALTER DATABASE ' + QUOTENAME(DB_NAME()) + N' SET CONTAINMENT = PARTIAL';
    EXEC (@sql);
END;
GO
IF DATABASE_PRINCIPAL_ID('organization_migration') IS NULL
    CREATE USER organization_migration WITH PASSWORD = '$(ORGANIZATION_MIGRATION_DB_PASSWORD)';
IF DATABASE_PRINCIPAL_ID('organization_runtime') IS NULL
    CREATE USER organization_runtime WITH PASSWORD = '$(ORGANIZATION_RUNTIME_DB_PASSWORD)';
IF DATABASE_PRINCIPAL_ID('organization_replication') IS NULL
    CREATE USER organization_replication WITH PASSWORD = '$(ORGANIZATION_REPLICATION_DB_PASSWORD)';
GO
-- Migration: DDL in the database, and the data its migrations move.
ALTER ROLE db_ddladmin ADD MEMBER organization_migration;
ALTER ROLE db_datareader ADD MEMBER organization_migration;
ALTER ROLE db_datawriter ADD MEMBER organization_migration;
-- Runtime: DML on the dbo schema only; a schema grant covers tables later migrations add.
GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA::dbo TO organization_runtime;
-- Replication (Debezium's SQL Server connector): membership of the outbox's CDC gating role
-- (enable-outbox-cdc.sql names it), the change tables, and the capture job's LSN functions.
IF DATABASE_PRINCIPAL_ID('outbox_cdc_reader') IS NULL
    CREATE ROLE outbox_cdc_reader;
ALTER ROLE outbox_cdc_reader ADD MEMBER organization_replication;
GRANT SELECT ON SCHEMA::cdc TO outbox_cdc_reader;
GRANT VIEW DATABASE STATE TO organization_replication;
GO
