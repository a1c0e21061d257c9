-- The organization database with change data capture enabled (Debezium reads the CDC tables;
-- SQL Server Agent must run). Safe to run again.
IF DB_ID('organization') IS NULL
    CREATE DATABASE organization;
GO
USE organization;
GO
IF (SELECT is_cdc_enabled FROM sys.databases WHERE name = 'organization') = 0
    EXEC sys.sp_cdc_enable_db;
GO
