import { randomBytes, scrypt } from 'node:crypto';
import type { OfflineVerifier, TillUser } from '../../../shared/schema/index.js';
import { readDocuments, writeDocuments, type SqlClient } from '../../../sync/server/store.js';

/** scrypt cost: a till checks a password in about 50 ms; a stolen till's file resists guessing. */
const PARAMS = { N: 16_384, r: 8, p: 1, keyLength: 32 } as const;

export async function offlineVerifier(password: string): Promise<OfflineVerifier> {
  const salt = randomBytes(16);
  const hash = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, PARAMS.keyLength, { N: PARAMS.N, r: PARAMS.r, p: PARAMS.p }, (error, key) => (error ? reject(error) : resolve(key))),
  );
  return { algorithm: 'scrypt', salt: salt.toString('base64'), ...PARAMS, hash: hash.toString('base64') };
}

/**
 * Writes the tills' view of a user (replicated as `users`) from the cloud's users table. A new
 * verifier is given when the password changes; otherwise the previous one is kept. An anonymised
 * user disappears from the tills.
 */
export async function publishTillUser(tx: SqlClient, tenantId: string, userId: string, verifier?: OfflineVerifier | null): Promise<void> {
  const { rows } = await tx.query<{ email: string; name: string; role: TillUser['role']; boutique_ids: string[]; active: boolean; anonymised: boolean }>(
    `SELECT email, name, role, boutique_ids, active, anonymised_at IS NOT NULL AS anonymised FROM users WHERE tenant_id = $1 AND id = $2`,
    [tenantId, userId],
  );
  const user = rows[0];
  if (!user) return;
  const previous = (await readDocuments(tx, tenantId, 'till_users', [userId])).get(userId)?.doc as TillUser | undefined;
  const doc: TillUser = {
    id: userId,
    tenantId,
    email: user.email,
    name: user.name,
    role: user.role,
    boutiqueIds: user.boutique_ids,
    active: user.active && !user.anonymised,
    offlineVerifier: user.anonymised ? null : verifier === undefined ? (previous?.offlineVerifier ?? null) : verifier,
    updatedAt: new Date().toISOString(),
  };
  await writeDocuments(tx, tenantId, 'till_users', [{ ...doc, _deleted: user.anonymised }]);
}
