#!/bin/sh
# Creates ipplan's two database roles. The postgres image runs this once, as the cluster's
# superuser, when its data volume is first initialised (/docker-entrypoint-initdb.d); for an
# existing cluster run it by hand as a superuser (README.md, "Production").
#
# - IPPLAN_DB_OWNER_ROLE (ipplan_owner) owns the database, its schema and every table; only the
#   one-shot `migrate` service connects as it.
# - IPPLAN_DB_APP_ROLE (ipplan_app) is what web, worker and beat connect as. It owns nothing;
#   `manage.py migrate` (as the owner) grants it SELECT/INSERT/UPDATE/DELETE on ordinary tables
#   and only SELECT/INSERT on the append-only logs (ipplan/db_roles.py).
# Neither is a superuser or may create roles or databases. The superuser (POSTGRES_USER) is for
# the operators of the cluster, never for the application.
set -eu

: "${IPPLAN_DB_OWNER_PASSWORD:?set IPPLAN_DB_OWNER_PASSWORD}"
: "${IPPLAN_DB_APP_PASSWORD:?set IPPLAN_DB_APP_PASSWORD}"

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-ipplan}" \
  -v db="${POSTGRES_DB:-ipplan}" \
  -v owner="${IPPLAN_DB_OWNER_ROLE:-ipplan_owner}" \
  -v app="${IPPLAN_DB_APP_ROLE:-ipplan_app}" \
  -v owner_password="$IPPLAN_DB_OWNER_PASSWORD" \
  -v app_password="$IPPLAN_DB_APP_PASSWORD" <<'SQL'
CREATE ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'app_password';

ALTER DATABASE :"db" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"app";

ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
SQL
