import type { RxDatabase } from 'rxdb';
import { v7 as uuidv7 } from 'uuid';
import { formatMoney, vatIncluded } from '../../../shared/money.js';
import type { CashSessionEvent, Return, Sale, Tender, TillUser } from '../../../shared/schema/index.js';
import type { Cashier, TillIdentity } from './checkout.js';
import { PosError } from './errors.js';

export type TenderMethod = Tender['method'];
/** The order every report lists the methods in. */
export const TENDER_METHODS: readonly TenderMethod[] = ['cash', 'mtn_momo', 'orange_money', 'card'];

export type CashMove = { type: 'cash_in' | 'cash_out'; amountMinor: number; reason: string; userId: string; createdAt: string };

/** The open session as the counter shows it. */
export type SessionSummary = {
  sessionId: string;
  boutiqueId: string;
  deviceId: string;
  openedAt: string;
  openedBy: string;
  floatMinor: number;
  cashInMinor: number;
  cashOutMinor: number;
  /** Cash the drawer should hold now: float + cash sales − change − cash refunds + in − out. */
  expectedCashMinor: number;
  salesCount: number;
  returnsCount: number;
};

export type ZReportLine = {
  method: TenderMethod;
  /** Taken at sales, change given back deducted. */
  salesMinor: number;
  refundsMinor: number;
  /** Cash: float + sales − refunds + in − out; other methods: sales − refunds. */
  expectedMinor: number;
  /** Null while the session is still open (an X report). */
  countedMinor: number | null;
  differenceMinor: number | null;
};

export type ZReport = {
  sessionId: string;
  boutiqueId: string;
  boutiqueCode: string;
  deviceId: string;
  deviceCode: string;
  openedAt: string;
  openedBy: string;
  openedByName: string;
  closedAt: string | null;
  closedBy: string | null;
  closedByName: string | null;
  floatMinor: number;
  cashInMinor: number;
  cashOutMinor: number;
  moves: CashMove[];
  byMethod: ZReportLine[];
  salesCount: number;
  returnsCount: number;
  salesTotalMinor: number;
  refundsTotalMinor: number;
  totals: {
    /** Before discounts, VAT included (shelf prices are TTC). */
    grossMinor: number;
    discountMinor: number;
    /** VAT of the sales less the VAT of the refunds. */
    vatMinor: number;
    /** Sales after discounts less refunds. */
    netMinor: number;
  };
  /** Counted − expected over every method; null while open. */
  differenceMinor: number | null;
};

type Session = { id: string; open: CashSessionEvent; moves: CashSessionEvent[]; close: CashSessionEvent | null };

const REASON_MAX = 300;
const isAmount = (n: number, min: number) => Number.isSafeInteger(n) && n >= min;

/**
 * The drawer of this till: one session at a time, derived from this device's cash-session events
 * (facts: the last `open` without a `close` is the open session). The Z report is computed from
 * the sales and returns this device wrote between open and close, never from a stored total, so
 * it always agrees with the receipts.
 */
export function createCashSessions(db: RxDatabase, till: TillIdentity, clock: () => Date = () => new Date()) {
  const events = () => db.collections.cash_session_events!;
  // One write at a time: two taps on "open" must not open two sessions.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };

  /** This device's sessions, oldest first. A till writes a few events a day: a scan is cheap. */
  async function sessions(): Promise<Session[]> {
    const docs = await events().find({ selector: { deviceId: till.deviceId } }).exec();
    const all = docs.map((d) => d.toJSON() as CashSessionEvent).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    const byId = new Map<string, Session>();
    for (const event of all) {
      if (event.type === 'open') byId.set(event.sessionId, { id: event.sessionId, open: event, moves: [], close: null });
      const session = byId.get(event.sessionId);
      if (!session) continue;
      if (event.type === 'close') session.close = event;
      else if (event.type !== 'open') session.moves.push(event);
    }
    return [...byId.values()];
  }

  async function openSession(): Promise<Session | null> {
    const last = (await sessions()).at(-1);
    return last && !last.close ? last : null;
  }

  /** Sales and returns of this device while the session was open. */
  async function activity(session: Session): Promise<{ sales: Sale[]; returns: Return[] }> {
    const range = { $gte: session.open.createdAt, $lte: session.close?.createdAt ?? '\uffff' };
    // Sales have a createdAt index; returns are few, so their scan stays small.
    const [sales, returns] = await Promise.all([
      db.collections.sales!.find({ selector: { createdAt: range, deviceId: till.deviceId } }).exec(),
      db.collections.returns!.find({ selector: { createdAt: range, deviceId: till.deviceId } }).exec(),
    ]);
    return { sales: sales.map((d) => d.toJSON() as Sale), returns: returns.map((d) => d.toJSON() as Return) };
  }

  function cashFlows(session: Session) {
    const sum = (type: CashSessionEvent['type']) => session.moves.filter((m) => m.type === type).reduce((a, m) => a + m.amountMinor, 0);
    return { floatMinor: session.open.amountMinor, cashInMinor: sum('cash_in'), cashOutMinor: sum('cash_out') };
  }

  function perMethod(session: Session, sales: Sale[], returns: Return[]) {
    const flows = cashFlows(session);
    return TENDER_METHODS.map((method) => {
      const salesMinor = sales.flatMap((s) => s.tenders).filter((t) => t.method === method).reduce((a, t) => a + t.amountMinor - (t.changeMinor ?? 0), 0);
      const refundsMinor = returns.flatMap((r) => r.refunds).filter((r) => r.method === method).reduce((a, r) => a + r.amountMinor, 0);
      const drawer = method === 'cash' ? flows.floatMinor + flows.cashInMinor - flows.cashOutMinor : 0;
      return { method, salesMinor, refundsMinor, expectedMinor: drawer + salesMinor - refundsMinor };
    });
  }

  async function summary(session: Session): Promise<SessionSummary> {
    const { sales, returns } = await activity(session);
    return {
      sessionId: session.id,
      boutiqueId: session.open.boutiqueId,
      deviceId: session.open.deviceId,
      openedAt: session.open.createdAt,
      openedBy: session.open.userId,
      ...cashFlows(session),
      expectedCashMinor: perMethod(session, sales, returns)[0]!.expectedMinor,
      salesCount: sales.length,
      returnsCount: returns.length,
    };
  }

  /** VAT given back with the refunds, at the rate of the line sold. */
  async function refundedVat(returns: Return[]): Promise<number> {
    const saleIds = [...new Set(returns.map((r) => r.saleId))];
    const found = saleIds.length ? await db.collections.sales!.findByIds(saleIds).exec() : new Map();
    let vat = 0;
    for (const ret of returns) {
      const sale = found.get(ret.saleId)?.toJSON() as Sale | undefined;
      for (const line of ret.lines) {
        const rate = sale?.lines.find((l) => l.productId === line.productId)?.vatRateBp ?? 0;
        vat += vatIncluded(line.refundMinor, rate).vat;
      }
    }
    return vat;
  }

  async function names(ids: string[]): Promise<Map<string, string>> {
    const found = await db.collections.users!.findByIds([...new Set(ids)]).exec();
    return new Map([...found].map(([id, doc]) => [id, (doc.toJSON() as TillUser).name]));
  }

  async function report(session: Session): Promise<ZReport> {
    const { sales, returns } = await activity(session);
    const counted = session.close?.counted ?? null;
    const byMethod: ZReportLine[] = perMethod(session, sales, returns).map((line) => {
      if (!counted) return { ...line, countedMinor: null, differenceMinor: null };
      // Close always records every method; see close() for the ones nobody counts.
      const countedMinor = counted[line.method] ?? line.expectedMinor;
      return { ...line, countedMinor, differenceMinor: countedMinor - line.expectedMinor };
    });
    const salesTotalMinor = sales.reduce((a, s) => a + s.totalMinor, 0);
    const refundsTotalMinor = returns.reduce((a, r) => a + r.totalMinor, 0);
    const who = await names([session.open.userId, ...(session.close ? [session.close.userId] : [])]);
    return {
      sessionId: session.id,
      boutiqueId: session.open.boutiqueId,
      boutiqueCode: till.boutiqueCode,
      deviceId: session.open.deviceId,
      deviceCode: till.deviceCode,
      openedAt: session.open.createdAt,
      openedBy: session.open.userId,
      openedByName: who.get(session.open.userId) ?? session.open.userId,
      closedAt: session.close?.createdAt ?? null,
      closedBy: session.close?.userId ?? null,
      closedByName: session.close ? (who.get(session.close.userId) ?? session.close.userId) : null,
      ...cashFlows(session),
      moves: session.moves.map((m) => ({ type: m.type as CashMove['type'], amountMinor: m.amountMinor, reason: m.reason ?? '', userId: m.userId, createdAt: m.createdAt })),
      byMethod,
      salesCount: sales.length,
      returnsCount: returns.length,
      salesTotalMinor,
      refundsTotalMinor,
      totals: {
        grossMinor: sales.reduce((a, s) => a + s.subtotalMinor, 0),
        discountMinor: sales.reduce((a, s) => a + s.discountMinor, 0),
        vatMinor: sales.reduce((a, s) => a + s.vatMinor, 0) - (await refundedVat(returns)),
        netMinor: salesTotalMinor - refundsTotalMinor,
      },
      differenceMinor: counted ? byMethod.reduce((a, l) => a + l.differenceMinor!, 0) : null,
    };
  }

  async function write(user: Cashier, sessionId: string, type: CashSessionEvent['type'], amountMinor: number, extra: Partial<CashSessionEvent> = {}): Promise<void> {
    const event: CashSessionEvent = {
      id: uuidv7(), tenantId: till.tenantId, boutiqueId: till.boutiqueId, deviceId: till.deviceId,
      sessionId, userId: user.id, type, amountMinor, ...extra, createdAt: clock().toISOString(),
    };
    await events().insert(event);
  }

  async function requireOpen(): Promise<Session> {
    const session = await openSession();
    if (!session) throw new PosError('CASH_SESSION_NOT_OPEN');
    return session;
  }

  // Who may touch the drawer is the bridge's decision (its `devices: write` right); the service
  // keeps the drawer's own rules.
  return {
    async current(): Promise<SessionSummary | null> {
      const session = await openSession();
      return session ? summary(session) : null;
    },

    open(user: Cashier, floatMinor: number): Promise<SessionSummary> {
      return serial(async () => {
        if (!isAmount(floatMinor, 0)) throw new PosError('AMOUNT_INVALID');
        if (await openSession()) throw new PosError('CASH_SESSION_ALREADY_OPEN');
        const sessionId = uuidv7();
        await write(user, sessionId, 'open', floatMinor);
        return summary((await openSession())!);
      });
    },

    cashMove(user: Cashier, move: { type: 'cash_in' | 'cash_out'; amountMinor: number; reason: string }): Promise<SessionSummary> {
      return serial(async () => {
        if (move.type !== 'cash_in' && move.type !== 'cash_out') throw new PosError('VALIDATION_FAILED');
        if (!isAmount(move.amountMinor, 1)) throw new PosError('AMOUNT_INVALID');
        const reason = move.reason.trim();
        if (!reason) throw new PosError('CASH_MOVE_REASON_REQUIRED');
        if (reason.length > REASON_MAX) throw new PosError('REASON_TOO_LONG', { max: REASON_MAX });
        const session = await requireOpen();
        if (move.type === 'cash_out') {
          const available = (await summary(session)).expectedCashMinor;
          if (move.amountMinor > available) throw new PosError('CASH_OUT_ABOVE_DRAWER', { available: formatMoney(Math.max(available, 0), till.currency) });
        }
        await write(user, session.id, move.type, move.amountMinor, { reason });
        return summary((await openSession())!);
      });
    },

    /**
     * Cash must be counted. A method left out (mobile money, card: nothing to count in the drawer,
     * the provider holds it) is recorded as counted at what was expected, so it shows no
     * difference rather than a false shortfall.
     */
    close(user: Cashier, counted: Partial<Record<TenderMethod, number>>): Promise<ZReport> {
      return serial(async () => {
        if (counted.cash === undefined) throw new PosError('CASH_COUNT_REQUIRED');
        for (const method of Object.keys(counted)) {
          if (!(TENDER_METHODS as readonly string[]).includes(method)) throw new PosError('VALIDATION_FAILED');
          if (!isAmount(counted[method as TenderMethod]!, 0)) throw new PosError('AMOUNT_INVALID');
        }
        const session = await requireOpen();
        const { sales, returns } = await activity(session);
        const full = Object.fromEntries(perMethod(session, sales, returns).map((l) => [l.method, counted[l.method] ?? l.expectedMinor]));
        await write(user, session.id, 'close', counted.cash, { counted: full });
        return report((await sessions()).find((s) => s.id === session.id)!);
      });
    },

    /** The Z report of a closed session, or the X report (nothing counted yet) of the open one. */
    async zReport(sessionId: string): Promise<ZReport> {
      const session = (await sessions()).find((s) => s.id === sessionId);
      if (!session) throw new PosError('CASH_SESSION_NOT_FOUND');
      return report(session);
    },

    /** Closed sessions of this till, the latest first. */
    async history(limit = 20): Promise<ZReport[]> {
      const closed = (await sessions()).filter((s) => s.close).reverse().slice(0, Math.max(limit, 0));
      return Promise.all(closed.map(report));
    },
  };
}
