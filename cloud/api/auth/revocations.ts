import type { Database } from '../../db/database.js';

/** Where a revocation is announced to every API instance (PostgreSQL NOTIFY on the master database). */
export const REVOCATIONS_CHANNEL = 'afrigest_sessions';
/** NOTIFY payloads stop at 8,000 bytes: a longer list of sessions is announced as "reload". */
export const RELOAD_ALL = '*';

/**
 * The sessions (refresh-token families) revoked within the access tokens' lifetime. An access
 * token names its session, so logout, deactivation, a role or password change end it at once,
 * on every instance: each instance keeps this set from the master database and from NOTIFY, and
 * a token of a revoked session is refused though its signature still holds. A session revoked
 * longer ago than the access lifetime needs no entry: every token it had has expired.
 */
export type Revocations = {
  isRevoked(sessionId: string): boolean;
  /** Takes revocations this instance just committed (NOTIFY brings them to the others). */
  add(sessionIds: readonly string[]): void;
  close(): Promise<void>;
};

export async function startRevocations(master: Database, accessTtlSeconds: number): Promise<Revocations> {
  const revokedAt = new Map<string, number>();
  const ttlMs = accessTtlSeconds * 1000;
  const prune = () => {
    const before = Date.now() - ttlMs;
    for (const [id, at] of revokedAt) if (at < before) revokedAt.delete(id);
  };
  const add = (ids: readonly string[]) => {
    const now = Date.now();
    for (const id of ids) if (id) revokedAt.set(id, now);
  };
  const reload = async () => {
    const { rows } = await master.query<{ family_id: string; at: Date }>(
      `SELECT family_id, max(revoked_at) AS at FROM refresh_tokens
       WHERE revoked_at > now() - make_interval(secs => $1) GROUP BY family_id`,
      [accessTtlSeconds],
    );
    for (const row of rows) revokedAt.set(row.family_id, new Date(row.at).getTime());
  };
  // Listen before reading: a revocation committed in between is in one or the other.
  const unlisten = await master.listen(REVOCATIONS_CHANNEL, (payload) => {
    // '*' also comes after a reconnection, when notifications may have been missed.
    if (payload === RELOAD_ALL) void reload().catch(() => undefined);
    else add(payload.split(','));
  });
  await reload();
  const pruning = setInterval(prune, Math.min(ttlMs, 60_000));
  pruning.unref();
  return {
    isRevoked: (sessionId) => revokedAt.has(sessionId),
    add,
    async close() {
      clearInterval(pruning);
      await unlisten();
    },
  };
}
