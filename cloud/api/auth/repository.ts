import type { Queryable } from '../../db/database.js';
import type { Role } from '../../../shared/rbac.js';
import { RELOAD_ALL, REVOCATIONS_CHANNEL } from './revocations.js';

export type AccountRow = {
  id: string;
  email: string;
  name: string;
  role: Role;
  boutique_ids: string[];
  password_hash: string | null;
  must_change_password: boolean;
  active: boolean;
  kind: 'tenant' | 'platform';
};

const TENANT_COLUMNS = `id, email, name, role, boutique_ids, password_hash, must_change_password, active, 'tenant' AS kind`;
const PLATFORM_COLUMNS = `id, email, name, role, '{}'::text[] AS boutique_ids, password_hash, must_change_password, active, 'platform' AS kind`;

export async function findTenantAccountByEmail(tx: Queryable, tenantId: string, email: string): Promise<AccountRow | null> {
  const { rows } = await tx.query<AccountRow>(
    `SELECT ${TENANT_COLUMNS} FROM users WHERE tenant_id = $1 AND lower(email) = $2 AND anonymised_at IS NULL`,
    [tenantId, email],
  );
  return rows[0] ?? null;
}

export async function findTenantAccountById(tx: Queryable, tenantId: string, id: string): Promise<AccountRow | null> {
  const { rows } = await tx.query<AccountRow>(`SELECT ${TENANT_COLUMNS} FROM users WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return rows[0] ?? null;
}

export async function findPlatformAccountByEmail(master: Queryable, email: string): Promise<AccountRow | null> {
  const { rows } = await master.query<AccountRow>(`SELECT ${PLATFORM_COLUMNS} FROM platform_users WHERE lower(email) = $1`, [email]);
  return rows[0] ?? null;
}

export async function findPlatformAccountById(master: Queryable, id: string): Promise<AccountRow | null> {
  const { rows } = await master.query<AccountRow>(`SELECT ${PLATFORM_COLUMNS} FROM platform_users WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function setPassword(db: Queryable, kind: AccountRow['kind'], tenantId: string, id: string, hash: string, mustChange: boolean): Promise<void> {
  if (kind === 'platform') {
    await db.query(`UPDATE platform_users SET password_hash = $2, must_change_password = $3, updated_at = now() WHERE id = $1`, [id, hash, mustChange]);
  } else {
    await db.query(`UPDATE users SET password_hash = $3, must_change_password = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, id, hash, mustChange]);
  }
}

export type RefreshRow = {
  id: string;
  family_id: string;
  tenant_id: string;
  user_id: string;
  user_kind: AccountRow['kind'];
  token_hash: string;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
};

export async function insertRefreshToken(master: Queryable, row: Omit<RefreshRow, 'used_at' | 'revoked_at'>): Promise<void> {
  await master.query(
    `INSERT INTO refresh_tokens (id, family_id, tenant_id, user_id, user_kind, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [row.id, row.family_id, row.tenant_id, row.user_id, row.user_kind, row.token_hash, row.expires_at],
  );
}

export async function findRefreshToken(master: Queryable, id: string): Promise<RefreshRow | null> {
  const { rows } = await master.query<RefreshRow>(`SELECT * FROM refresh_tokens WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function lockRefreshToken(master: Queryable, id: string): Promise<RefreshRow | null> {
  const { rows } = await master.query<RefreshRow>(`SELECT * FROM refresh_tokens WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0] ?? null;
}

export async function markRefreshTokenUsed(master: Queryable, id: string): Promise<void> {
  await master.query(`UPDATE refresh_tokens SET used_at = now() WHERE id = $1`, [id]);
}

/**
 * Revokes sessions and announces them to every API instance (NOTIFY, delivered at commit when
 * inside a transaction); returns the sessions revoked now, for this instance to refuse at once.
 */
async function revokeWhere(master: Queryable, where: string, params: unknown[]): Promise<string[]> {
  const { rows } = await master.query<{ families: string[] | null }>(
    `WITH revoked AS (UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $1 WHERE revoked_at IS NULL AND ${where} RETURNING family_id)
     SELECT array_agg(DISTINCT family_id) AS families FROM revoked`,
    params,
  );
  const families = rows[0]?.families ?? [];
  if (families.length > 0) {
    const payload = families.join(',');
    await master.query('SELECT pg_notify($1, $2)', [REVOCATIONS_CHANNEL, payload.length < 7_000 ? payload : RELOAD_ALL]);
  }
  return families;
}

export function revokeFamily(master: Queryable, familyId: string, reason: string): Promise<string[]> {
  return revokeWhere(master, 'family_id = $2', [reason, familyId]);
}

export function revokeUserSessions(master: Queryable, tenantId: string | null, userId: string, reason: string, exceptFamily?: string): Promise<string[]> {
  return revokeWhere(master, '($2::text IS NULL OR tenant_id = $2) AND user_id = $3 AND family_id IS DISTINCT FROM $4', [reason, tenantId, userId, exceptFamily ?? null]);
}
