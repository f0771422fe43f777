import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Customer } from '../../../shared/schema/index.js';
import { createCustomers, normalisePhone } from './customers.js';
import { PosError } from './errors.js';
import { openTestTill, steppingClock, testTill as till, type TestTill } from './test-support/till.js';

const cashier = { id: 'u1', role: 'employee' as const };

describe('customers', () => {
  let t: TestTill;
  beforeEach(async () => {
    t = await openTestTill('customers');
  });
  afterEach(() => t.close());

  it('normalises phone numbers to digits with the country code, Guinea by default', () => {
    for (const text of ['620 12 34 56', '+224 620 12 34 56', '00224620123456', '224620123456', '0620-12-34-56', '(620) 12.34.56']) {
      expect(normalisePhone(text), text).toBe('224620123456');
    }
    expect(normalisePhone('+33 6 12 34 56 78')).toBe('33612345678');
    for (const text of ['', '12', 'abc', '+224 620 12 34 56 78 90 12 34', '620x123456']) expect(normalisePhone(text), text).toBeNull();
  });

  it('creates customers, gives back the existing one for a known phone, and finds them by phone or name', async () => {
    const customers = createCustomers(t.db, till, steppingClock().clock);
    const mamadou = await customers.create(cashier, { name: '  Mamadou   Diallo ', phone: '620 12 34 56' });
    expect(mamadou).toMatchObject({ name: 'Mamadou Diallo', phone: '224620123456', tenantId: 't' });
    expect(Object.keys(mamadou.fieldUpdatedAt).sort()).toEqual(['name', 'phone']);
    const [again, twice] = await Promise.all([
      customers.create(cashier, { name: 'M. Diallo', phone: '+224 620 12 34 56' }),
      customers.create(cashier, { name: 'Autre', phone: '00224620123456' }),
    ]);
    expect(again).toEqual(mamadou);
    expect(twice).toEqual(mamadou);
    await customers.create(cashier, { name: 'Aïssatou Bah', phone: '664 00 11 22' });
    await customers.create(cashier, { name: 'Élise Camara', phone: '+33 6 12 34 56 78' });
    expect(await t.db.collections.customers!.count().exec()).toBe(3);

    const names = (list: Customer[]) => list.map((c) => c.name);
    expect(names(await customers.search('620 12'))).toEqual(['Mamadou Diallo']);
    expect(names(await customers.search('+22466'))).toEqual(['Aïssatou Bah']);
    expect(names(await customers.search('66'))).toEqual(['Aïssatou Bah']);
    expect(await customers.search('6')).toEqual([]); // one digit would list everyone
    expect(names(await customers.search('+33 6'))).toEqual(['Élise Camara']);
    expect(names(await customers.search('AISSA'))).toEqual(['Aïssatou Bah']);
    expect(names(await customers.search('diallo mam'))).toEqual(['Mamadou Diallo']);
    expect(names(await customers.search('elise'))).toEqual(['Élise Camara']);
    expect(names(await customers.search('224'))).toEqual(['Mamadou Diallo', 'Aïssatou Bah']);
    expect(names(await customers.search('224', 1))).toEqual(['Mamadou Diallo']);
    expect(await customers.search('   ')).toEqual([]);
    expect(await customers.search('iallo')).toEqual([]);
  });

  it('stamps only the fields it changes, never backwards, and keeps one phone per customer', async () => {
    const { clock, advance } = steppingClock();
    const customers = createCustomers(t.db, till, clock);
    const fanta = await customers.create(cashier, { name: 'Fanta Kourouma', phone: '622 00 00 01' });
    const other = await customers.create(cashier, { name: 'Sékou Touré', phone: '622 00 00 02' });
    advance(60_000);
    const renamed = await customers.rename(cashier, fanta.id, 'Fanta Kourouma Condé');
    expect(renamed.name).toBe('Fanta Kourouma Condé');
    expect(renamed.fieldUpdatedAt.phone).toBe(fanta.fieldUpdatedAt.phone);
    expect(renamed.fieldUpdatedAt.name! > fanta.fieldUpdatedAt.name!).toBe(true);
    // Unchanged values change nothing.
    expect(await customers.update(cashier, fanta.id, { name: 'Fanta Kourouma Condé', phone: '+224622000001' })).toEqual(renamed);

    const error = await customers.update(cashier, fanta.id, { phone: '622000002' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PosError);
    expect((error as PosError).code).toBe('CUSTOMER_PHONE_TAKEN');
    for (const [promise, code] of [
      [customers.update(cashier, 'nope', { name: 'X' }), 'CUSTOMER_NOT_FOUND'],
      [customers.rename(cashier, fanta.id, '  '), 'CUSTOMER_NAME_REQUIRED'],
      [customers.create(cashier, { name: 'Y', phone: '12' }), 'PHONE_INVALID'],
    ] as const) expect(((await promise.catch((e: unknown) => e)) as PosError).code).toBe(code);

    // A stamp from a till whose clock ran ahead: the next local edit still moves past it.
    const ahead = '2030-01-01T00:00:00.000Z';
    await (await t.db.collections.customers!.findOne(other.id).exec())!.incrementalPatch({ fieldUpdatedAt: { ...other.fieldUpdatedAt, phone: ahead } });
    const moved = await customers.update(cashier, other.id, { phone: '622 00 00 03' });
    expect(moved).toMatchObject({ phone: '224622000003', fieldUpdatedAt: { name: other.fieldUpdatedAt.name, phone: '2030-01-01T00:00:00.001Z' } });
  });
});
