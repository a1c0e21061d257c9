-- One database per service on the shared PostgreSQL (organization uses SQL Server here).
CREATE DATABASE idea;
CREATE DATABASE activity;
