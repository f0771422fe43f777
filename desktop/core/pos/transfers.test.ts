import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StockMovement, Transfer } from '../../../shared/schema/index.js';
import { PosError } from './errors.js';
import { createStock } from './stock.js';
import { openTestTill, steppingClock, testProduct, testTill as till, type TestTill } from './test-support/till.js';
import { createTillTransfers } from './transfers.js';

const manager = { id: 'dg1', role: 'dg' as const };
const cashier = { id: 'e1', role: 'employee' as const };

function transfer(id: string, extra: Partial<Transfer> = {}): Transfer {
  return {
    id, tenantId: 't', boutiqueId: 'b', number: 'TR-000007', fromBoutiqueId: 'src', toBoutiqueId: 'b', status: 'sent',
    lines: [{ productId: 'riz', name: 'Riz parfumé 5 kg', quantityMilli: 10_000 }, { productId: 'eau', name: 'Eau minérale 1,5 L', quantityMilli: 6_000 }],
    createdBy: 'pdg1', createdAt: '2026-11-24T08:00:00.000Z', sentAt: '2026-11-24T09:00:00.000Z', receivedAt: null, receivedVia: null, receivedBy: null,
    cancelledAt: null, updatedAt: '2026-11-24T09:00:00.000Z', ...extra,
  };
}

/** Reception of a transfer at the destination's counter: no network is involved (the sync is not even started). */
describe('transfers at the till', () => {
  let t: TestTill;
  beforeEach(async () => {
    t = await openTestTill('transfers');
    await t.db.collections.products!.bulkInsert([testProduct('riz', 'Riz parfumé 5 kg', 55_000), testProduct('eau', 'Eau minérale 1,5 L', 6_000)]);
    await t.db.collections.boutiques!.insert({ id: 'src', tenantId: 't', code: 'RAT', name: 'AfriGest Ratoma', address: '', phone: '', taxId: '', timeZone: 'Africa/Conakry', currency: 'GNF', updatedAt: '2026-11-24T00:00:00.000Z' });
    await t.db.collections.transfers!.bulkInsert([
      transfer('tr1'),
      transfer('tr-draft', { status: 'draft', sentAt: null }),
      transfer('tr-elsewhere', { toBoutiqueId: 'other', boutiqueId: 'other' }),
      transfer('tr-done', { status: 'received', receivedVia: 'admin', receivedAt: '2026-11-24T10:00:00.000Z', lines: [{ productId: 'riz', name: 'Riz parfumé 5 kg', quantityMilli: 1_000, receivedMilli: 1_000, reason: null }] }),
    ]);
  });
  afterEach(() => t.close());

  it('confirms a reception offline: transfer_in movements with the derived ids, stock here moves at once, and only once', async () => {
    const transfers = createTillTransfers(t.db, till, steppingClock().clock);
    const stock = createStock(t.db, till);
    expect((await transfers.list()).map((x) => [x.id, x.status])).toEqual([['tr1', 'sent'], ['tr-done', 'received']]);
    expect((await transfers.list())[0]).toMatchObject({ number: 'TR-000007', fromBoutiqueName: 'AfriGest Ratoma', awaitingSync: false, lines: [{ unit: 'piece', receivedMilli: null }, {}] });

    await expect(transfers.receive(manager, 'tr1', [{ productId: 'riz', receivedMilli: 8_000 }, { productId: 'eau', receivedMilli: 6_000 }])).rejects.toMatchObject({ code: 'TRANSFER_REASON_REQUIRED' });
    await expect(transfers.receive(cashier, 'tr1', [{ productId: 'riz', receivedMilli: 10_000 }, { productId: 'eau', receivedMilli: 6_000 }])).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(transfers.receive(manager, 'tr-draft', [{ productId: 'riz', receivedMilli: 10_000 }, { productId: 'eau', receivedMilli: 6_000 }])).rejects.toMatchObject({ code: 'TRANSFER_NOT_SENT' });
    await expect(transfers.receive(manager, 'tr-elsewhere', [{ productId: 'riz', receivedMilli: 10_000 }, { productId: 'eau', receivedMilli: 6_000 }])).rejects.toMatchObject({ code: 'TRANSFER_NOT_FOR_THIS_BOUTIQUE' });
    await expect(transfers.receive(manager, 'tr-done', [{ productId: 'riz', receivedMilli: 1_000 }])).rejects.toMatchObject({ code: 'TRANSFER_ALREADY_RECEIVED' });
    expect(await t.db.collections.stock_movements!.count().exec()).toBe(0);

    // Two confirmations at once (a double press): one passes, the other is refused.
    const lines = [{ productId: 'riz', receivedMilli: 8_000, reason: '  Deux sacs percés ' }, { productId: 'eau', receivedMilli: 6_000 }];
    const [first, second] = await Promise.allSettled([transfers.receive(manager, 'tr1', lines), transfers.receive(manager, 'tr1', lines)]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: expect.any(PosError) });
    expect((second as PromiseRejectedResult).reason.code).toBe('TRANSFER_ALREADY_RECEIVED');
    expect((first as PromiseFulfilledResult<unknown>).value).toMatchObject({
      status: 'received', awaitingSync: true, lines: [{ receivedMilli: 8_000, reason: 'Deux sacs percés' }, { receivedMilli: 6_000, reason: null }],
    });

    const movements = (await t.db.collections.stock_movements!.find().exec()).map((d) => d.toJSON() as StockMovement);
    expect(movements.map((m) => [m.id, m.kind, m.boutiqueId, m.productId, m.quantityMilli, m.reason ?? null, m.refId, m.deviceId]).sort()).toEqual([
      ['tr1:in:0', 'transfer_in', 'b', 'riz', 8_000, 'Deux sacs percés', 'tr1', 'd1'],
      ['tr1:in:1', 'transfer_in', 'b', 'eau', 6_000, null, 'tr1', 'd1'],
    ]);
    expect(await stock.onHand(['riz', 'eau'])).toEqual(new Map([['riz', 8_000], ['eau', 6_000]]));
    await expect(transfers.receive(manager, 'tr1', lines)).rejects.toMatchObject({ code: 'TRANSFER_ALREADY_RECEIVED' });
    expect(await t.db.collections.stock_movements!.count().exec()).toBe(2);
    expect((await transfers.list()).find((x) => x.id === 'tr1')).toMatchObject({ status: 'received', awaitingSync: true });
  });

  it('writes a movement of nothing, with its reason, for a line of which nothing arrived: the stock stays, the cloud learns the line', async () => {
    const transfers = createTillTransfers(t.db, till, steppingClock().clock);
    const done = await transfers.receive(manager, 'tr1', [{ productId: 'riz', receivedMilli: 10_000 }, { productId: 'eau', receivedMilli: 0, reason: 'Colis absent' }]);
    expect(done.lines.map((l) => [l.receivedMilli, l.reason])).toEqual([[10_000, null], [0, 'Colis absent']]);
    const movements = (await t.db.collections.stock_movements!.find({ sort: [{ id: 'asc' }] }).exec()).map((d) => d.toJSON() as StockMovement);
    expect(movements.map((m) => [m.id, m.quantityMilli, m.reason ?? null])).toEqual([['tr1:in:0', 10_000, null], ['tr1:in:1', 0, 'Colis absent']]);
    expect(await createStock(t.db, till).onHand(['riz', 'eau'])).toEqual(new Map([['riz', 10_000], ['eau', 0]]));
  });
});
