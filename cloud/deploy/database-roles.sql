-- PostgreSQL roles of an AfriGest deployment. Run once as a superuser, with your own passwords:
--   psql -v owner_password="'…'" -v api_password="'…'" -f database-roles.sql
-- then create the database owned by afrigest_owner:
--   createdb -O afrigest_owner afrigest
--
-- afrigest_owner  owns the schema: migrations only (`npm run migrate`, or MIGRATE_ON_START with
--                 MASTER_OWNER_DATABASE_URL / TENANT_OWNER_DATABASE_URL set).
-- afrigest_app    the API's rights on rows (granted by the migrations); cannot log in.
-- afrigest_api    the API's runtime login (MASTER_DATABASE_URL / TENANT_DATABASE_URL): not
--                 superuser, owns nothing, no BYPASSRLS. If the application ever forgets to set a
--                 tenant, row-level security shows it no tenant's rows.
-- The PostgreSQL test suites create the same three roles (cloud/db/roles.ts) and run as them.
CREATE ROLE afrigest_owner LOGIN PASSWORD :owner_password NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
CREATE ROLE afrigest_app NOLOGIN NOBYPASSRLS;
CREATE ROLE afrigest_api LOGIN PASSWORD :api_password NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE INHERIT IN ROLE afrigest_app;
