-- One database per service on the shared PostgreSQL (organization uses SQL Server here).
CREATE DATABASE idea;
CREATE DATABASE activity;
-- Apicurio Registry's storage (the schema-registry service).
CREATE DATABASE schema_registry;
