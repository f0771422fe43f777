import type { RxCollection, RxDatabase } from 'rxdb';
import { v7 as uuidv7 } from 'uuid';
import { can } from '../../../shared/rbac.js';
import type { Customer } from '../../../shared/schema/index.js';
import { searchForm } from '../../../shared/text.js';
import type { Cashier, TillIdentity } from './checkout.js';
import { PosError } from './errors.js';

export type CustomerInput = { name: string; phone: string };

const NAME_MAX = 120;
const GUINEA = '224';

/**
 * A phone number as digits with its country code, as the cloud stores it (payments and the shop
 * do the same): "+224 620 12 34 56", "00224620123456" and "620 12 34 56" are all 224620123456.
 * A national Guinean number has 9 digits; anything else must carry its country code. Null when
 * it cannot be a number (E.164: at most 15 digits).
 */
export function normalisePhone(text: string): string | null {
  const trimmed = text.trim();
  if (!/^\+?[\d\s.()/-]+$/.test(trimmed)) return null;
  let digits = trimmed.replace(/\D/g, '');
  if (!trimmed.startsWith('+') && digits.startsWith('00')) digits = digits.slice(2);
  else if (!trimmed.startsWith('+') && digits.length === 10 && digits.startsWith('0')) digits = digits.slice(1);
  if (!trimmed.startsWith('+') && digits.length === 9) digits = `${GUINEA}${digits}`;
  return digits.length >= 8 && digits.length <= 15 ? digits : null;
}

/** "diallo mam" finds "Mamadou Diallo": every word typed starts a word of the name. */
function nameMatches(name: string, words: string[]): boolean {
  const own = searchForm(name).split(' ');
  return words.every((w) => own.some((o) => o.startsWith(w)));
}

/**
 * The boutique's customers, written at the till offline. A customer is a shared record merged
 * field by field (ARCHITECTURE §4): every change stamps the fields it changed in fieldUpdatedAt.
 */
export function createCustomers(db: RxDatabase, till: TillIdentity, clock: () => Date = () => new Date()) {
  const customers = () => db.collections.customers! as RxCollection<Customer>;
  // One write at a time: two taps on "create" with the same phone give one customer.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };

  async function byPhone(phone: string): Promise<Customer | null> {
    const doc = await customers().findOne({ selector: { phone } }).exec();
    return (doc?.toJSON() as Customer | undefined) ?? null;
  }

  function check(user: Cashier, input: Partial<CustomerInput>): { name?: string; phone?: string } {
    if (!can(user.role, 'customers', 'write')) throw new PosError('FORBIDDEN');
    const out: { name?: string; phone?: string } = {};
    if (input.name !== undefined) {
      const name = input.name.trim().replace(/\s+/g, ' ');
      if (!name) throw new PosError('CUSTOMER_NAME_REQUIRED');
      if (name.length > NAME_MAX) throw new PosError('VALIDATION_FAILED');
      out.name = name;
    }
    if (input.phone !== undefined) {
      const phone = normalisePhone(input.phone);
      if (!phone) throw new PosError('PHONE_INVALID');
      out.phone = phone;
    }
    return out;
  }

  /**
   * Field stamps only move forward: a till whose clock runs behind the last writer's would
   * otherwise lose its own fresh edit at the next merge.
   */
  function stamp(previous: string | undefined): string {
    const now = clock().getTime();
    const before = previous ? Date.parse(previous) : Number.NaN;
    return new Date(Number.isNaN(before) || now > before ? now : before + 1).toISOString();
  }

  async function update(user: Cashier, id: string, changes: Partial<CustomerInput>): Promise<Customer> {
    const wanted = check(user, changes);
    return serial(async () => {
      const doc = await customers().findOne(id).exec();
      if (!doc) throw new PosError('CUSTOMER_NOT_FOUND');
      const current = doc.toJSON() as Customer;
      if (wanted.phone && wanted.phone !== current.phone) {
        const other = await byPhone(wanted.phone);
        if (other && other.id !== id) throw new PosError('CUSTOMER_PHONE_TAKEN', { name: other.name });
      }
      const changed = (['name', 'phone'] as const).filter((field) => wanted[field] !== undefined && wanted[field] !== current[field]);
      if (changed.length === 0) return current;
      const patch: Partial<Customer> = { fieldUpdatedAt: { ...current.fieldUpdatedAt } };
      for (const field of changed) {
        patch[field] = wanted[field]!;
        patch.fieldUpdatedAt![field] = stamp(current.fieldUpdatedAt[field]);
      }
      const saved = await doc.incrementalPatch(patch);
      return saved.toJSON() as Customer;
    });
  }

  return {
    /**
     * Digits search the phone (index range; a national number also matches under +224), anything
     * else the name, accents and case ignored. Names have no index: the boutique's customers are
     * read raw from the storage, a few thousand rows at most.
     */
    async search(query: string, limit = 20): Promise<Customer[]> {
      const text = query.trim();
      const max = Math.max(1, Math.min(limit, 200));
      if (/^\+?[\d\s.()/-]+$/.test(text)) {
        let digits = text.replace(/\D/g, '');
        if (digits.startsWith('00')) digits = digits.slice(2);
        if (digits.length < 2) return [];
        const prefixes = text.startsWith('+') || digits.startsWith(GUINEA) ? [digits] : [digits, `${GUINEA}${digits.replace(/^0/, '')}`];
        const found = new Map<string, Customer>();
        for (const prefix of prefixes) {
          const docs = await customers().find({ selector: { phone: { $gte: prefix, $lt: `${prefix}\uffff` } }, sort: [{ phone: 'asc' }], limit: max }).exec();
          for (const d of docs) found.set(d.primary, d.toJSON() as Customer);
        }
        return [...found.values()].sort((a, b) => a.phone.localeCompare(b.phone)).slice(0, max);
      }
      const words = searchForm(text).split(' ').filter(Boolean);
      if (words.length === 0) return [];
      const collection = customers();
      const { documents } = await collection.storageInstance.query(collection.find().getPreparedQuery());
      return documents
        .filter((c) => !c._deleted && nameMatches(c.name, words))
        .map(({ id, tenantId, name, phone, fieldUpdatedAt }): Customer => ({ id, tenantId, name, phone, fieldUpdatedAt }))
        .sort((a, b) => searchForm(a.name).localeCompare(searchForm(b.name)))
        .slice(0, max);
    },

    /** A phone already known gives back that customer, unchanged: one person, one record. */
    async create(user: Cashier, input: CustomerInput): Promise<Customer> {
      const { name, phone } = check(user, input) as Required<CustomerInput>;
      return serial(async () => {
        const existing = await byPhone(phone);
        if (existing) return existing;
        const now = clock().toISOString();
        const customer: Customer = { id: uuidv7(), tenantId: till.tenantId, name, phone, fieldUpdatedAt: { name: now, phone: now } };
        await customers().insert(customer);
        return customer;
      });
    },

    update,

    rename(user: Cashier, id: string, name: string): Promise<Customer> {
      return update(user, id, { name });
    },
  };
}
