import { APP_ROLE } from './migrations/tenant.js';

/**
 * The login role the API runs as in production: not superuser, owns nothing, no BYPASSRLS, and
 * a member of the API role that the migrations grant table rights to. If the application ever
 * forgets to set a tenant, row-level security shows this login nothing. cloud/deploy/ gives the
 * same statements to operators; the PostgreSQL test suites create it so that they run the API as
 * production does. Roles are cluster-wide and test files run side by side: creating one twice is
 * not an error.
 */
export const RUNTIME_LOGIN_ROLE = 'afrigest_api';

export function runtimeRoleSql(login: string = RUNTIME_LOGIN_ROLE): string {
  return `
    DO $$ BEGIN CREATE ROLE ${APP_ROLE} NOLOGIN NOBYPASSRLS;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
    DO $$ BEGIN CREATE ROLE ${login} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE INHERIT IN ROLE ${APP_ROLE};
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
  `;
}
