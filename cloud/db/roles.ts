import { APP_ROLE, ensureAppRoleSql, ensureRoleSql } from './migrations/tenant.js';

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

export function deploymentRolesSql(): string {
  return [
    ensureAppRoleSql(),
    ensureRoleSql(OWNER_LOGIN_ROLE, 'LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE'),
    ensureRoleSql(RUNTIME_LOGIN_ROLE, `LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE INHERIT IN ROLE ${APP_ROLE}`),
  ].join('\n');
}
