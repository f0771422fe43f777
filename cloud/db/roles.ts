import { APP_ROLE, ensureAppRoleSql } from './migrations/tenant.js';

/**
 * The logins of a deployment (cloud/deploy/database-roles.sql gives operators the same, with
 * passwords): the schema owner, which migrates and is not superuser, and the API's runtime
 * login, which is not superuser, owns nothing, has no BYPASSRLS and is a member of the API role
 * the migrations grant row rights to. If the application ever forgets to set a tenant, row-level
 * security shows the runtime login nothing. The PostgreSQL test suites create both and run the
 * API as production does.
 */
export const OWNER_LOGIN_ROLE = 'afrigest_owner';
export const RUNTIME_LOGIN_ROLE = 'afrigest_api';

/** Roles are cluster-wide and test files run side by side: creating one twice is not an error. */
function ensureRole(name: string, options: string): string {
  return `DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${name}') THEN CREATE ROLE ${name} ${options}; END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;`;
}

export function deploymentRolesSql(): string {
  return [
    ensureAppRoleSql(),
    ensureRole(OWNER_LOGIN_ROLE, 'LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE'),
    ensureRole(RUNTIME_LOGIN_ROLE, `LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE INHERIT IN ROLE ${APP_ROLE}`),
  ].join('\n');
}
