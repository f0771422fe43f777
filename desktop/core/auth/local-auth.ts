import { scrypt, timingSafeEqual } from 'node:crypto';
import type { RxDatabase } from 'rxdb';
import type { ErrorCode } from '../../../shared/i18n/index.js';
import type { OfflineVerifier, TillUser } from '../../../shared/schema/index.js';

export type SignedInUser = Pick<TillUser, 'id' | 'email' | 'name' | 'role' | 'boutiqueIds'>;

export class LocalAuthError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

const MAX_FAILURES = 5;
const LOCK_MS = 5 * 60_000;

async function matches(verifier: OfflineVerifier, password: string): Promise<boolean> {
  const expected = Buffer.from(verifier.hash, 'base64');
  const derived = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, Buffer.from(verifier.salt, 'base64'), verifier.keyLength, { N: verifier.N, r: verifier.r, p: verifier.p, maxmem: 256 * verifier.N * verifier.r }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
  return derived.length === expected.length && timingSafeEqual(derived, expected);
}

/**
 * Signs a cashier in at the till without the network, against the verifier the cloud synced
 * (scrypt; the online argon2 hash never leaves the cloud). Repeated failures lock the account on
 * this till for five minutes.
 */
export function createLocalAuth(db: RxDatabase, clock: () => number = Date.now) {
  const failures = new Map<string, { count: number; lockedUntil: number }>();

  return {
    async signIn(email: string, password: string): Promise<SignedInUser> {
      const key = email.trim().toLowerCase();
      const state = failures.get(key);
      if (state && state.lockedUntil > clock()) {
        throw new LocalAuthError('ACCOUNT_LOCKED', { minutes: Math.ceil((state.lockedUntil - clock()) / 60_000) });
      }
      const doc = await db.collections.users!.findOne({ selector: { email: key } }).exec();
      const user = doc?.toJSON() as TillUser | undefined;
      const valid = !!user && user.active && !!user.offlineVerifier && (await matches(user.offlineVerifier, password));
      if (!valid) {
        const count = (state?.count ?? 0) + 1;
        failures.set(key, { count, lockedUntil: count >= MAX_FAILURES ? clock() + LOCK_MS : 0 });
        if (count >= MAX_FAILURES) throw new LocalAuthError('ACCOUNT_LOCKED', { minutes: LOCK_MS / 60_000 });
        throw new LocalAuthError('INVALID_CREDENTIALS');
      }
      failures.delete(key);
      return { id: user.id, email: user.email, name: user.name, role: user.role, boutiqueIds: user.boutiqueIds };
    },
  };
}
