import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

/**
 * argon2id through @node-rs/argon2: prebuilt binaries for every platform we ship (no node-gyp on
 * the servers), parameters from OWASP's recommendation (19 MiB, 2 passes).
 */
const PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (!storedHash) return false;
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the account does not exist, so timing does not reveal which e-mails exist. */
let decoy: Promise<string> | null = null;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}

/** At least 8 characters with a letter and a digit: what a shop can remember and a script cannot guess. */
export function isStrongEnough(password: string): boolean {
  return password.length >= 8 && password.length <= 200 && /\p{L}/u.test(password) && /\d/.test(password);
}

/** A temporary password handed over after a forced reset, readable over the phone. */
export function temporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
  const bytes = randomBytes(10);
  let text = '';
  for (const byte of bytes) text += alphabet[byte % alphabet.length];
  return `${text}${(bytes[0]! % 90) + 10}`;
}
