/**
 * Documents as real tills write them (sales priced by shared/cart.ts, as the till's checkout does),
 * for the tests that push to the cloud, and fast-check arbitraries of them and of hostile ones.
 */
import fc from 'fast-check';
import { v7 as uuidv7 } from 'uuid';
import { priceCart, type CartLineInput } from '../../../shared/cart.js';
import type { CashSessionEvent, Customer, Return, Sale, StockMovement } from '../../../shared/schema/index.js';
import type { TillWrittenCollection } from '../../../shared/schema/validate.js';
import { isSafeText } from '../../../shared/text.js';

export type Writer = { tenantId: string; boutiqueId: string; deviceId: string };

type LineSpec = { priceMinor: number; quantityMilli: number; vatRateBp?: number; name?: string; discount?: CartLineInput['discount'] };

let counter = 0;

/** Only the writer's own fields: a caller may pass a till with its credential. */
const own = ({ tenantId, boutiqueId, deviceId }: Writer): Writer => ({ tenantId, boutiqueId, deviceId });

/** A sale of `lines` (one 12 500 GNF item by default), paid in cash, change given back when asked. */
export function validSale(writer: Writer, lines: LineSpec[] = [{ priceMinor: 12_500, quantityMilli: 1000 }], options: { overpay?: number; cartDiscount?: CartLineInput['discount']; number?: string } = {}): Sale {
  const totals = priceCart(
    lines.map((l, i) => ({
      product: { id: `p-${i}`, name: l.name ?? `Riz parfumé n° ${i}`, barcode: '6111234567893', priceMinor: l.priceMinor, vatRateBp: l.vatRateBp ?? 1800 },
      quantityMilli: l.quantityMilli,
      ...(l.discount ? { discount: l.discount } : {}),
    })),
    options.cartDiscount,
  );
  const overpay = options.overpay ?? 0;
  const tenders: Sale['tenders'] = totals.totalMinor + overpay > 0
    ? [{ method: 'cash', amountMinor: totals.totalMinor + overpay, ...(overpay > 0 ? { changeMinor: overpay } : {}) }]
    : [];
  return {
    id: uuidv7(), ...own(writer), cashierId: 'caissier', number: options.number ?? `KAL-C01-${String(++counter).padStart(6, '0')}`,
    lines: totals.lines, tenders, subtotalMinor: totals.subtotalMinor, discountMinor: totals.discountMinor, vatMinor: totals.vatMinor, totalMinor: totals.totalMinor,
    createdAt: new Date().toISOString(),
  };
}

export function validReturn(writer: Writer, refundMinor = 12_500): Return {
  return {
    id: uuidv7(), ...own(writer), cashierId: 'caissier', saleId: uuidv7(), lines: [{ productId: 'p-0', quantityMilli: 1000, refundMinor }],
    refunds: [{ method: 'cash', amountMinor: refundMinor }], reason: 'défaut', totalMinor: refundMinor, createdAt: new Date().toISOString(),
  };
}

export function validMovement(writer: Writer, quantityMilli = -1000, kind: StockMovement['kind'] = 'sale', productId = 'p-0'): StockMovement {
  return { id: uuidv7(), ...own(writer), productId, quantityMilli, kind, refId: null, createdAt: new Date().toISOString() };
}

export function validCashEvent(writer: Writer, type: CashSessionEvent['type'] = 'open', amountMinor = 500_000): CashSessionEvent {
  return {
    id: uuidv7(), ...own(writer), sessionId: 'session-1', userId: 'u1', type, amountMinor,
    ...(type === 'cash_in' || type === 'cash_out' ? { reason: 'monnaie' } : {}),
    ...(type === 'close' ? { counted: { cash: amountMinor, mtn_momo: 0, orange_money: 0, card: 0 } } : {}),
    createdAt: new Date().toISOString(),
  };
}

export function validCustomer(tenantId: string, name = 'Awa Bah'): Customer {
  const now = new Date().toISOString();
  return { id: uuidv7(), tenantId, name, phone: `224620${String(++counter % 1_000_000).padStart(6, '0')}`, fieldUpdatedAt: { name: now, phone: now } };
}

// ---------------------------------------------------------------------------------------------
// fast-check
// ---------------------------------------------------------------------------------------------

/** Text a person types: any well-formed Unicode, trimmed, not empty. */
const humanText = (max: number) =>
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: max }).map((s) => s.trim()).filter((s) => s.length > 0 && [...s].length <= max && isSafeText(s));
const instant = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) }).map((ms) => new Date(ms).toISOString());

const saleArb = (writer: Writer) =>
  fc
    .record({
      lines: fc.array(
        fc.record({
          priceMinor: fc.integer({ min: 0, max: 5_000_000 }),
          quantityMilli: fc.oneof(fc.integer({ min: 1, max: 20 }).map((n) => n * 1000), fc.integer({ min: 1, max: 50_000 })),
          vatRateBp: fc.constantFrom(0, 1000, 1800),
          name: humanText(200),
          discount: fc.option(fc.oneof(fc.record({ kind: fc.constant('percent' as const), rate: fc.integer({ min: 0, max: 10_000 }) }), fc.record({ kind: fc.constant('amount' as const), amount: fc.integer({ min: 0, max: 100_000 }) })), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      overpay: fc.integer({ min: 0, max: 10_000 }),
      cartDiscount: fc.option(fc.record({ kind: fc.constant('percent' as const), rate: fc.integer({ min: 0, max: 10_000 }) }), { nil: undefined }),
    })
    .map(({ lines, overpay, cartDiscount }) => validSale(writer, lines, { overpay, ...(cartDiscount ? { cartDiscount } : {}) }));

const returnArb = (writer: Writer) =>
  fc.record({ lines: fc.array(fc.record({ quantityMilli: fc.integer({ min: 1, max: 1_000_000 }), refundMinor: fc.integer({ min: 0, max: 10_000_000 }) }), { minLength: 1, maxLength: 5 }), reason: humanText(300), createdAt: instant, method: fc.constantFrom<Return['refunds'][number]['method']>('cash', 'mtn_momo', 'orange_money', 'card') }).map(({ lines, reason, createdAt, method }): Return => {
    const total = lines.reduce((a, l) => a + l.refundMinor, 0);
    return { ...validReturn(writer), lines: lines.map((l, i) => ({ productId: `p-${i}`, ...l })), refunds: [{ method, amountMinor: total }], reason, totalMinor: total, createdAt };
  });

const movementArb = (writer: Writer) =>
  fc.record({ kind: fc.constantFrom<StockMovement['kind']>('sale', 'return', 'receipt', 'adjustment', 'transfer_out', 'transfer_in'), size: fc.integer({ min: 1, max: 1_000_000_000 }), negative: fc.boolean(), reason: fc.option(humanText(300), { nil: undefined }) }).map(({ kind, size, negative, reason }): StockMovement => {
    const sign = kind === 'sale' || kind === 'transfer_out' ? -1 : kind === 'adjustment' && negative ? -1 : 1;
    return { ...validMovement(writer, sign * size, kind, `prop-${uuidv7()}`), ...(reason ? { reason } : {}) };
  });

const cashEventArb = (writer: Writer) =>
  fc.record({ type: fc.constantFrom<CashSessionEvent['type']>('open', 'cash_in', 'cash_out', 'close'), amount: fc.integer({ min: 1, max: 1e12 }), reason: humanText(300) }).map(({ type, amount, reason }): CashSessionEvent => ({
    ...validCashEvent(writer, type, amount), ...(type === 'cash_in' || type === 'cash_out' ? { reason } : {}),
  }));

const customerArb = (tenantId: string) =>
  fc.record({ name: humanText(120), phone: fc.stringMatching(/^\d{8,15}$/), stamp: instant }).map(({ name, phone, stamp }): Customer => ({ ...validCustomer(tenantId), name, phone, fieldUpdatedAt: { name: stamp, phone: stamp } }));

/** A valid document of each collection a till writes, as the till would write it. */
export function validDocumentArb(collection: TillWrittenCollection, writer: Writer): fc.Arbitrary<Record<string, unknown>> {
  const arbs = { sales: saleArb, returns: returnArb, stock_movements: movementArb, cash_session_events: cashEventArb, customers: (w: Writer) => customerArb(w.tenantId) };
  return (arbs[collection](writer) as fc.Arbitrary<unknown>).map((doc) => doc as Record<string, unknown>);
}

/** Values no document field may hold, whatever the field. */
const deep = (levels: number): unknown => (levels === 0 ? 'fond' : { next: deep(levels - 1) });
const hostileText = fc.constantFrom('caisse\u0000', 'x\ud800y', '\udfff', `riz ${'é'.repeat(400)}`);
const hostileValue = fc.oneof(hostileText, fc.constant(deep(40)), fc.constant(JSON.parse('{"__proto__":{"admin":true}}') as unknown));
/** Of the wrong type whatever the field: every number of ours is an integer, every text bounded. */
const wrongType = (current: unknown) =>
  current === null || current === undefined ? fc.constantFrom<unknown>(12, [null], { $ne: 1 })
    : typeof current === 'number' ? fc.constantFrom<unknown>('abc', 0.5, 1e300, '12', [current], { $ne: 1 })
    : typeof current === 'string' ? fc.constantFrom<unknown>(12, { $ne: 1 }, [current], true)
      : Array.isArray(current) ? fc.constantFrom<unknown>('garbage', 12, { 0: current[0] })
        : fc.constantFrom<unknown>('garbage', 12, [current]);

/**
 * A valid document made invalid in one place, in a way no schema of ours allows: a hostile value
 * (NUL byte, lone surrogate, 400 characters, 40 levels deep, a `__proto__` key) in any field or a
 * new one, a field of the wrong type (at the top or in the first item of a list), or a required
 * field gone.
 */
export function hostileDocumentArb(valid: fc.Arbitrary<Record<string, unknown>>, required: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  return valid.chain((doc) => {
    const keys = Object.keys(doc).filter((k) => k !== 'id');
    const nested = keys.filter((k) => Array.isArray(doc[k]) && (doc[k] as unknown[]).length > 0 && typeof (doc[k] as unknown[])[0] === 'object');
    return fc.oneof(
      fc.tuple(fc.constantFrom(...keys, 'note'), hostileValue).map(([key, value]) => ({ ...doc, [key]: value })),
      fc.constantFrom(...keys).chain((key) => wrongType(doc[key]).map((value) => ({ ...doc, [key]: value }))),
      ...(nested.length
        ? [fc.constantFrom(...nested).chain((key) => {
            const [first, ...rest] = doc[key] as Array<Record<string, unknown>>;
            return fc.constantFrom(...Object.keys(first!), 'extra').chain((field) =>
              fc.oneof(hostileValue, wrongType(first![field])).map((value) => ({ ...doc, [key]: [{ ...first, [field]: value }, ...rest] })),
            );
          })]
        : []),
      fc.constantFrom(...required.filter((k) => k !== 'id')).map((key) => Object.fromEntries(Object.entries(doc).filter(([k]) => k !== key))),
    );
  });
}
