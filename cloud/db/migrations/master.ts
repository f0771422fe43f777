import type { Migration } from '../migrate.js';
import { appRoleGrantsSql, ensureAppRoleSql } from './tenant.js';

/** The platform's own data: companies and their databases, platform staff, subscriptions, audit. */
export const masterMigrations: Migration[] = [
  {
    name: '0001_platform',
    up: async (db) => {
      await db.query(`
        CREATE TABLE tenants (
          id text PRIMARY KEY,
          code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,30}$'),
          name text NOT NULL,
          currency text NOT NULL DEFAULT 'GNF',
          locale text NOT NULL DEFAULT 'fr',
          time_zone text NOT NULL DEFAULT 'Africa/Conakry',
          status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
          -- NULL: the default tenant database. Set it to move a large company to its own cluster.
          database_url text,
          created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE platform_users (
          id text PRIMARY KEY,
          email text NOT NULL,
          name text NOT NULL,
          role text NOT NULL DEFAULT 'super_admin' CHECK (role = 'super_admin'),
          password_hash text NOT NULL,
          must_change_password boolean NOT NULL DEFAULT false,
          active boolean NOT NULL DEFAULT true,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE UNIQUE INDEX platform_users_email ON platform_users (lower(email));
        CREATE TABLE subscriptions (
          id text PRIMARY KEY,
          tenant_id text NOT NULL REFERENCES tenants (id),
          plan text NOT NULL,
          status text NOT NULL CHECK (status IN ('trial', 'active', 'past_due', 'cancelled')),
          started_at timestamptz NOT NULL DEFAULT now(),
          ends_at timestamptz
        );
        CREATE TABLE refresh_tokens (
          id text PRIMARY KEY,
          family_id text NOT NULL,
          tenant_id text NOT NULL,
          user_id text NOT NULL,
          user_kind text NOT NULL CHECK (user_kind IN ('tenant', 'platform')),
          token_hash text NOT NULL,
          expires_at timestamptz NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          used_at timestamptz,
          revoked_at timestamptz,
          revoked_reason text
        );
        CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
        CREATE INDEX refresh_tokens_user ON refresh_tokens (tenant_id, user_id);
        CREATE TABLE platform_audit (
          id bigserial PRIMARY KEY,
          at timestamptz NOT NULL DEFAULT now(),
          actor_id text,
          actor_role text,
          tenant_id text,
          action text NOT NULL,
          target text,
          ip text,
          request_id text,
          details jsonb
        );
        CREATE INDEX platform_audit_at ON platform_audit (at DESC);
      `);
    },
  },
  {
    name: '0002_runtime_role',
    up: async (db) => {
      // The API's runtime login is a member of the API role and owns nothing: it gets the rows of
      // the platform's tables, never their definitions. (When master and tenant data share a
      // database, the tenant migrations grant the same.)
      await db.query(ensureAppRoleSql());
      await db.query(appRoleGrantsSql());
    },
  },
];
