import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { RxDatabase, RxJsonSchema } from 'rxdb';
import type { TillUser } from '../../../shared/schema/index.js';
import { localCollection } from '../db/local-collection.js';
import { LocalAuthError, type SignedInUser } from './local-auth.js';

/** A cashier's PIN as this till keeps it: scrypt with its own salt and parameters, never the PIN. */
export type PinVerifier = { userId: string; salt: string; N: number; r: number; p: number; keyLength: number; hash: string; updatedAt: string };
export type ScryptCost = { N: number; r: number; p: number };
export type PinAuthOptions = { cost?: ScryptCost };

/**
 * Where PINs live: a collection of the till's own database that is not in TILL_COLLECTIONS, so
 * the sync (which replicates exactly those) never sends it anywhere. Same SQLite file as the
 * rest of the till, so the same durability and no second file to write atomically; a PIN is a
 * convenience of one counter, not an account credential the cloud should hold. (RxDB's open
 * build allows 16 open collections per process: the till holds 11 with this one and the
 * payment uses.)
 */
export const PIN_COLLECTION = 'local_pins';

const pinSchema: RxJsonSchema<PinVerifier> = {
  version: 0,
  primaryKey: 'userId',
  type: 'object',
  properties: {
    userId: { type: 'string', maxLength: 64 }, salt: { type: 'string' }, N: { type: 'integer' }, r: { type: 'integer' }, p: { type: 'integer' },
    keyLength: { type: 'integer' }, hash: { type: 'string' }, updatedAt: { type: 'string', maxLength: 40 },
  },
  required: ['userId', 'salt', 'N', 'r', 'p', 'keyLength', 'hash', 'updatedAt'],
};

const pinCollection = (db: RxDatabase) => localCollection(db, PIN_COLLECTION, pinSchema);

const MAX_FAILURES = 5;
const LOCK_MS = 5 * 60_000;
const KEY_LENGTH = 32;
const DEFAULT_COST: ScryptCost = { N: 16_384, r: 8, p: 1 };

function derive(pin: string, salt: Buffer, cost: ScryptCost, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pin, salt, keyLength, { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** 1111, 1234, 9876: the first PINs anyone tries. */
function tooSimple(pin: string): boolean {
  const digits = [...pin].map(Number);
  const steps = new Set(digits.slice(1).map((d, i) => d - digits[i]!));
  return steps.size === 1 && [0, 1, -1].includes([...steps][0]!);
}

/**
 * Quick cashier switch at the counter: a user who signed in once with their password sets a PIN,
 * then switches in with their name and PIN. Five wrong PINs lock that user's PIN for five
 * minutes on this till, as local sign-in does for passwords.
 */
export function createPinAuth(db: RxDatabase, options: PinAuthOptions = {}, clock: () => number = Date.now) {
  const cost = options.cost ?? DEFAULT_COST;
  const failures = new Map<string, { count: number; lockedUntil: number }>();

  async function activeUser(userId: string): Promise<TillUser | null> {
    const user = (await db.collections.users!.findOne(userId).exec())?.toJSON() as TillUser | undefined;
    return user?.active ? user : null;
  }

  return {
    async setPin(user: Pick<SignedInUser, 'id'>, pin: string): Promise<void> {
      if (!/^\d{4,6}$/.test(pin)) throw new LocalAuthError('PIN_FORMAT_INVALID');
      if (tooSimple(pin)) throw new LocalAuthError('PIN_TOO_SIMPLE');
      if (!(await activeUser(user.id))) throw new LocalAuthError('USER_NOT_FOUND');
      const salt = randomBytes(16);
      const hash = await derive(pin, salt, cost, KEY_LENGTH);
      const pins = await pinCollection(db);
      await pins.upsert({
        userId: user.id, salt: salt.toString('base64'), ...cost, keyLength: KEY_LENGTH, hash: hash.toString('base64'), updatedAt: new Date(clock()).toISOString(),
      });
      failures.delete(user.id);
    },

    async hasPin(userId: string): Promise<boolean> {
      return !!(await (await pinCollection(db)).findOne(userId).exec());
    },

    async signInWithPin(userId: string, pin: string): Promise<SignedInUser> {
      const state = failures.get(userId);
      if (state && state.lockedUntil > clock()) {
        throw new LocalAuthError('ACCOUNT_LOCKED', { minutes: Math.ceil((state.lockedUntil - clock()) / 60_000) });
      }
      const user = await activeUser(userId);
      const verifier = (await (await pinCollection(db)).findOne(userId).exec())?.toJSON() as PinVerifier | undefined;
      // Nothing to guess without a PIN: say so, and count nothing.
      if (user && !verifier) throw new LocalAuthError('PIN_NOT_SET');
      let valid = false;
      if (user && verifier && /^\d{4,6}$/.test(pin)) {
        const expected = Buffer.from(verifier.hash, 'base64');
        const derived = await derive(pin, Buffer.from(verifier.salt, 'base64'), verifier, verifier.keyLength);
        valid = derived.length === expected.length && timingSafeEqual(derived, expected);
      }
      if (!user || !valid) {
        const count = (state?.count ?? 0) + 1;
        failures.set(userId, { count, lockedUntil: count >= MAX_FAILURES ? clock() + LOCK_MS : 0 });
        if (count >= MAX_FAILURES) throw new LocalAuthError('ACCOUNT_LOCKED', { minutes: LOCK_MS / 60_000 });
        throw new LocalAuthError('PIN_INVALID');
      }
      failures.delete(userId);
      return { id: user.id, email: user.email, name: user.name, role: user.role, boutiqueIds: user.boutiqueIds };
    },
  };
}
