import { randomBytes, scryptSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRxDatabase, type RxDatabase } from 'rxdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TILL_COLLECTIONS, type OfflineVerifier } from '../../../shared/schema/index.js';
import { getRxStorageSQLite } from '../db/index.js';
import { createLocalAuth, LocalAuthError } from './local-auth.js';

function verifierOf(password: string): OfflineVerifier {
  const salt = randomBytes(16);
  const params = { N: 16_384, r: 8, p: 1, keyLength: 32 };
  return { algorithm: 'scrypt', salt: salt.toString('base64'), ...params, hash: scryptSync(password, salt, 32, params).toString('base64') };
}

describe('local sign-in', () => {
  let directory: string;
  let db: RxDatabase;
  let now = 1_000_000;
  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'afrigest-auth-'));
    db = await createRxDatabase({ name: 'till', storage: getRxStorageSQLite({ directory }), multiInstance: false });
    await db.addCollections(TILL_COLLECTIONS as never);
    const base = { tenantId: 't', role: 'employee', boutiqueIds: ['b'], updatedAt: '2026-11-25T10:00:00Z' };
    await db.collections.users!.bulkInsert([
      { ...base, id: 'u1', email: 'employe@demo.local', name: 'Ibrahima Sow', active: true, offlineVerifier: verifierOf('Demo123!') },
      { ...base, id: 'u2', email: 'parti@demo.local', name: 'Ancien', active: false, offlineVerifier: verifierOf('Demo123!') },
    ]);
  });
  afterEach(async () => {
    await db.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('signs a cashier in offline with the synced verifier', async () => {
    const auth = createLocalAuth(db, () => now);
    expect(await auth.signIn(' Employe@demo.local ', 'Demo123!')).toMatchObject({ id: 'u1', role: 'employee', name: 'Ibrahima Sow' });
  });

  it('refuses a wrong password, an unknown or inactive account the same way, and locks after five failures', async () => {
    const auth = createLocalAuth(db, () => now);
    for (const [email, password] of [['employe@demo.local', 'faux'], ['inconnu@demo.local', 'Demo123!'], ['parti@demo.local', 'Demo123!']] as const) {
      await expect(auth.signIn(email, password)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    }
    for (let i = 0; i < 4; i++) await auth.signIn('employe@demo.local', 'faux').catch(() => undefined);
    const locked = await auth.signIn('employe@demo.local', 'Demo123!').catch((e: unknown) => e);
    expect(locked).toBeInstanceOf(LocalAuthError);
    expect((locked as LocalAuthError).code).toBe('ACCOUNT_LOCKED');
    now += 5 * 60_000 + 1;
    expect((await auth.signIn('employe@demo.local', 'Demo123!')).id).toBe('u1');
  });
});
