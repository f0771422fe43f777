import { createRxDatabase } from 'rxdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TILL_COLLECTIONS } from '../../../shared/schema/index.js';
import { getRxStorageSQLite } from '../db/index.js';
import { openTestTill, type TestTill } from '../pos/test-support/till.js';
import { LocalAuthError } from './local-auth.js';
import { createPinAuth, PIN_COLLECTION } from './pin.js';

// Cheap scrypt for the tests that only count attempts; one test keeps the default cost.
const cost = { N: 1024, r: 8, p: 1 };

describe('PIN switch', () => {
  let t: TestTill;
  let now = 1_000_000;
  beforeEach(async () => {
    t = await openTestTill('pin');
    const base = { tenantId: 't', boutiqueIds: ['b'], offlineVerifier: null, updatedAt: '2026-11-25T10:00:00Z' };
    await t.db.collections.users!.bulkInsert([
      { ...base, id: 'u1', email: 'employe@demo.local', name: 'Ibrahima Sow', role: 'employee', active: true },
      { ...base, id: 'u2', email: 'dg@demo.local', name: 'Aïssatou Barry', role: 'dg', active: true },
      { ...base, id: 'gone', email: 'parti@demo.local', name: 'Ancien', role: 'employee', active: false },
    ]);
  });
  afterEach(() => t.close());

  const codeOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(LocalAuthError);
    return (error as LocalAuthError).code;
  };

  it('signs a cashier in with their PIN, kept hashed in a local collection that is never synced, across restarts', async () => {
    const pins = createPinAuth(t.db, {}, () => now);
    expect(await codeOf(pins.signInWithPin('u1', '4821'))).toBe('PIN_NOT_SET');
    await pins.setPin({ id: 'u1' }, '4821');
    expect(await pins.signInWithPin('u1', '4821')).toEqual({ id: 'u1', email: 'employe@demo.local', name: 'Ibrahima Sow', role: 'employee', boutiqueIds: ['b'] });
    expect(await pins.hasPin('u1')).toBe(true);
    expect(await pins.hasPin('u2')).toBe(false);

    expect(Object.keys(TILL_COLLECTIONS)).not.toContain(PIN_COLLECTION);
    const stored = (await t.db.collections[PIN_COLLECTION]!.findOne('u1').exec())!.toJSON() as Record<string, unknown>;
    expect(JSON.stringify(stored)).not.toContain('4821');
    expect(stored).toMatchObject({ N: 16_384, r: 8, p: 1, keyLength: 32 });

    // A second service on the same database, then the till restarted: the PIN is still there.
    await createPinAuth(t.db, { cost }, () => now).setPin({ id: 'u2' }, '509713');
    await t.db.close();
    const reopened = await createRxDatabase({ name: 'till', storage: getRxStorageSQLite({ directory: t.directory }), multiInstance: false });
    await reopened.addCollections(TILL_COLLECTIONS as never);
    t.db = reopened;
    const again = createPinAuth(reopened, { cost }, () => now);
    expect((await again.signInWithPin('u1', '4821')).id).toBe('u1');
    expect((await again.signInWithPin('u2', '509713')).role).toBe('dg');
  });

  it('refuses PINs that are malformed or too simple, and users who are gone', async () => {
    const pins = createPinAuth(t.db, { cost }, () => now);
    for (const pin of ['123', '1234567', '12a4', ' 4821']) expect(await codeOf(pins.setPin({ id: 'u1' }, pin))).toBe('PIN_FORMAT_INVALID');
    for (const pin of ['0000', '1234', '987654', '5555']) expect(await codeOf(pins.setPin({ id: 'u1' }, pin))).toBe('PIN_TOO_SIMPLE');
    expect(await codeOf(pins.setPin({ id: 'gone' }, '4821'))).toBe('USER_NOT_FOUND');
    expect(await codeOf(pins.setPin({ id: 'nobody' }, '4821'))).toBe('USER_NOT_FOUND');
    await pins.setPin({ id: 'u1' }, '4821');
    // Deactivated in the cloud after setting a PIN: refused like a wrong PIN.
    await (await t.db.collections.users!.findOne('u1').exec())!.incrementalPatch({ active: false });
    expect(await codeOf(pins.signInWithPin('u1', '4821'))).toBe('PIN_INVALID');
    expect(await codeOf(pins.signInWithPin('nobody', '4821'))).toBe('PIN_INVALID');
  });

  it('locks a user’s PIN after five failures for five minutes, and a new PIN clears the count', async () => {
    const pins = createPinAuth(t.db, { cost }, () => now);
    await pins.setPin({ id: 'u1' }, '4821');
    await pins.setPin({ id: 'u2' }, '7305');
    for (let i = 0; i < 4; i++) expect(await codeOf(pins.signInWithPin('u1', '0000'))).toBe('PIN_INVALID');
    expect(await codeOf(pins.signInWithPin('u1', '0000'))).toBe('ACCOUNT_LOCKED');
    const locked = await pins.signInWithPin('u1', '4821').catch((e: unknown) => e);
    expect(locked).toMatchObject({ code: 'ACCOUNT_LOCKED', params: { minutes: 5 } });
    // Another cashier is not locked out by it.
    expect((await pins.signInWithPin('u2', '7305')).id).toBe('u2');
    now += 5 * 60_000 + 1;
    expect((await pins.signInWithPin('u1', '4821')).id).toBe('u1');

    for (let i = 0; i < 3; i++) await pins.signInWithPin('u1', '1111').catch(() => undefined);
    await pins.setPin({ id: 'u1' }, '2580');
    for (let i = 0; i < 4; i++) expect(await codeOf(pins.signInWithPin('u1', '4821'))).toBe('PIN_INVALID');
    expect((await pins.signInWithPin('u1', '2580')).id).toBe('u1');
  });
});
