import type { RxDatabase } from 'rxdb';
import type { AppState, BridgeMethod, BridgeOutput, BridgeParsedInput, SessionUser } from '../../bridge/contract.js';
import type { Locale } from '../../../shared/i18n/index.js';
import type { Category, Product, Return, TillUser } from '../../../shared/schema/index.js';
import { scopeOf } from '../../../shared/rbac.js';
import type { SyncHandle } from '../../../sync/client/replication.js';
import type { createLocalAuth } from '../auth/local-auth.js';
import { createPinAuth } from '../auth/pin.js';
import { createCashSessions, type ZReport as CashZReport } from '../pos/cash-sessions.js';
import { createCustomers } from '../pos/customers.js';
import { createOpenCart } from '../pos/open-cart.js';
import { createStock, type StockItem } from '../pos/stock.js';
import { createTillTransfers } from '../pos/transfers.js';
import { buildReceipt, buildReturnReceipt, buildZReportDocument, renderHtml, renderPdf, type PrintableDocument, type ShopInfo } from '../pos/receipts.js';
import { createReturns } from '../pos/returns.js';
import { createSalesHistory } from '../pos/sales-history.js';
import type { createCatalog } from '../pos/catalog.js';
import type { createCheckout, TillIdentity } from '../pos/checkout.js';
import type { Enrolment } from './enrolment.js';
import { CoreError } from './errors.js';
import type { MobileMoney } from './mobile-money.js';
import { shopDetails } from './shop.js';
import { buildSyncView } from './sync-view.js';

/** Everything that exists once the till is enrolled. */
export type TillRuntime = {
  enrolment: Enrolment;
  db: RxDatabase;
  identity: TillIdentity;
  sync: SyncHandle;
  firstSyncDone: boolean;
  catalog: ReturnType<typeof createCatalog>;
  checkout: ReturnType<typeof createCheckout>;
  auth: ReturnType<typeof createLocalAuth>;
  mobileMoney: MobileMoney;
  stopWatching: () => void;
};

export type HandlerContext = {
  /** The enrolled till, or NOT_ENROLLED. */
  till(): TillRuntime;
  user(): SessionUser | null;
  locale(): Locale;
  state(): AppState;
  enrol(input: BridgeParsedInput<'device.enrol'>): Promise<AppState>;
  setUser(user: SessionUser | null): void;
  setLocale(locale: Locale): void;
  clock: () => Date;
};

type Handler<M extends BridgeMethod> = (input: BridgeParsedInput<M>) => Promise<BridgeOutput<M>>;
export type Handlers = { [M in BridgeMethod]: Handler<M> };

/** The signed-in user; `call` has checked there is one before any handler that needs it runs. */
function signedIn(ctx: HandlerContext): SessionUser {
  const user = ctx.user();
  if (!user) throw new CoreError('UNAUTHENTICATED');
  return user;
}

// The drawer, stock, customers and PIN services of one enrolled till, made on first use and kept
// with it: the drawer's write queue, the low-stock totals and the PIN failure counts live there.
const drawerServices = new WeakMap<TillRuntime, ReturnType<typeof makeDrawerServices>>();
function makeDrawerServices(till: TillRuntime, clock: () => Date) {
  return {
    cash: createCashSessions(till.db, till.identity, clock),
    stock: createStock(till.db, till.identity, clock),
    customers: createCustomers(till.db, till.identity, clock),
    pins: createPinAuth(till.db, {}, () => clock().getTime()),
    transfers: createTillTransfers(till.db, till.identity, clock),
  };
}
function drawerOf(ctx: HandlerContext) {
  const till = ctx.till();
  let services = drawerServices.get(till);
  if (!services) drawerServices.set(till, (services = makeDrawerServices(till, ctx.clock)));
  return services;
}

/**
 * The contract's Z report. An open session (an X report) has nothing counted yet: counted and
 * difference are 0 there, and `closedAt: null` says the count is still to come.
 */
function bridgeZReport(z: CashZReport): BridgeOutput<'cash.zReport'> {
  return {
    sessionId: z.sessionId, openedAt: z.openedAt, closedAt: z.closedAt, floatMinor: z.floatMinor,
    salesCount: z.salesCount, salesTotalMinor: z.salesTotalMinor, refundsTotalMinor: z.refundsTotalMinor,
    cashInMinor: z.cashInMinor, cashOutMinor: z.cashOutMinor,
    byMethod: z.byMethod.map((l) => ({
      method: l.method, expectedMinor: l.expectedMinor, countedMinor: l.countedMinor ?? 0, differenceMinor: l.differenceMinor ?? 0,
      salesMinor: l.salesMinor, refundsMinor: l.refundsMinor,
    })),
    differenceMinor: z.differenceMinor ?? 0,
    returnsCount: z.returnsCount,
    totals: z.totals,
  };
}

const bridgeStockItem = (item: StockItem): BridgeOutput<'stock.adjust'> => ({
  productId: item.productId, name: item.name, barcode: item.barcode, unit: item.unit, onHandMilli: item.onHandMilli, low: item.low,
});

// Sales history and returns of one enrolled till, made on first use and kept with it: returns
// queue one after another there, so two cannot both take the last unit.
const saleServices = new WeakMap<TillRuntime, ReturnType<typeof makeSaleServices>>();
function makeSaleServices(till: TillRuntime, clock: () => Date) {
  return { history: createSalesHistory(till.db, till.identity), returns: createReturns(till.db, till.identity, clock), openCart: createOpenCart(till.db, till.identity.boutiqueId, clock) };
}
function salesOf(ctx: HandlerContext) {
  const till = ctx.till();
  let services = saleServices.get(till);
  if (!services) saleServices.set(till, (services = makeSaleServices(till, ctx.clock)));
  return services;
}

/** shared/rbac gives an employee `own` sales: only theirs. Answers the cashier to filter by, if any. */
const ownSalesOf = (user: SessionUser): string | undefined => (scopeOf(user.role, 'sales', 'read') === 'own' ? user.id : undefined);

/** A sale of this boutique the user may read; another cashier's sale is not found for an employee. */
async function readableSale(ctx: HandlerContext, saleId: string) {
  const own = ownSalesOf(signedIn(ctx));
  const sale = await salesOf(ctx).history.byId(saleId);
  if (!sale || (own && sale.cashierId !== own)) throw new CoreError('SALE_NOT_FOUND');
  return sale;
}

/** The shop as printed: company and boutique, address, phone, NIF, time zone and footer. */
async function paperShop(till: TillRuntime): Promise<ShopInfo> {
  const shop = await shopDetails(till.db, till.enrolment);
  return {
    name: shop.tenantName && shop.tenantName !== shop.name ? `${shop.tenantName} – ${shop.name}` : shop.name,
    address: shop.address ?? '', taxId: shop.taxId ?? '', timeZone: shop.timeZone || 'Africa/Conakry',
    ...(shop.phone ? { phone: shop.phone } : {}),
    ...(shop.footer ? { footer: shop.footer } : {}),
  };
}

async function userName(till: TillRuntime, userId: string): Promise<string> {
  const doc = await till.db.collections.users!.findOne(userId).exec();
  return (doc?.toJSON() as TillUser | undefined)?.name ?? userId;
}

async function asDocument(doc: PrintableDocument, format: 'html' | 'pdf'): Promise<BridgeOutput<'receipts.sale'>> {
  const stem = doc.fileStem.replace(/[^\p{L}\p{N}._-]+/gu, '-').slice(0, 100) || 'document';
  if (format === 'pdf') return { fileName: `${stem}.pdf`, pdfBase64: (await renderPdf(doc)).toString('base64') };
  return { fileName: `${stem}.html`, html: renderHtml(doc) };
}

export function createHandlers(ctx: HandlerContext): Handlers {
  return {
    'app.state': async () => ctx.state(),
    'app.setLocale': async ({ locale }) => {
      ctx.setLocale(locale);
      return ctx.state();
    },
    'device.enrol': (input) => ctx.enrol(input),
    'sync.status': async () => {
      try {
        return await buildSyncView(ctx.till());
      } catch (error) {
        if (error instanceof CoreError && error.code === 'NOT_ENROLLED') {
          return { state: 'not-enrolled', online: false, waiting: 0, lastSuccessAt: null, lastError: null, rejected: 0, local: { products: 0, users: 0 } };
        }
        throw error;
      }
    },

    'auth.signIn': async ({ email, password }) => {
      const till = ctx.till();
      const found = await till.auth.signIn(email, password);
      // Staff sync tenant-wide; only this boutique's people (and the company's pdg) sell here.
      if (found.role !== 'pdg' && !found.boutiqueIds.includes(till.identity.boutiqueId)) throw new CoreError('FORBIDDEN');
      const user: SessionUser = { id: found.id, email: found.email, name: found.name, role: found.role };
      ctx.setUser(user);
      return user;
    },
    'auth.pinUsers': async () => {
      const till = ctx.till();
      const { pins } = drawerOf(ctx);
      const docs = await till.db.collections.users!.find({ selector: { active: true } }).exec();
      const staff = docs.map((d) => d.toJSON() as TillUser).filter((u) => u.role === 'pdg' || u.boutiqueIds.includes(till.identity.boutiqueId));
      // Only those who can switch in: a user without a PIN here signs in with their password.
      const withPin = await Promise.all(staff.map((u) => pins.hasPin(u.id)));
      return staff
        .filter((_, i) => withPin[i])
        .map((u) => ({ id: u.id, name: u.name, role: u.role }))
        .sort((a, b) => a.name.localeCompare(b.name, 'fr'));
    },
    'auth.signInWithPin': async ({ userId, pin }) => {
      const till = ctx.till();
      const found = await drawerOf(ctx).pins.signInWithPin(userId, pin);
      // As with the password: only this boutique's people (and the company's pdg) sell here.
      if (found.role !== 'pdg' && !found.boutiqueIds.includes(till.identity.boutiqueId)) throw new CoreError('FORBIDDEN');
      const user: SessionUser = { id: found.id, email: found.email, name: found.name, role: found.role };
      ctx.setUser(user);
      return user;
    },
    'auth.setPin': async ({ pin }) => {
      await drawerOf(ctx).pins.setPin(signedIn(ctx), pin);
      return { ok: true as const };
    },
    'auth.signOut': async () => {
      ctx.setUser(null);
      return { ok: true as const };
    },

    'catalog.search': async ({ text, limit }) => ctx.till().catalog.search(text, limit ?? 20),
    'catalog.byBarcode': async ({ barcode }) => ctx.till().catalog.findByBarcode(barcode),
    'catalog.categories': async () => {
      const docs = await ctx.till().db.collections.categories!.find().exec();
      return docs.map((d) => d.toJSON() as Category).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
    },
    'catalog.byCategory': async ({ categoryId, limit }) => ctx.till().catalog.byCategory(categoryId, limit ?? 200),

    'checkout.complete': async (input) => {
      const till = ctx.till();
      const user = signedIn(ctx);
      // Mobile money is checked with the cloud before anything is written.
      await till.mobileMoney.verifyTenders(input.tenders);
      const sale = await till.checkout.checkout({ id: user.id, role: user.role }, {
        lines: input.lines.map((l) => ({ productId: l.productId, quantityMilli: l.quantityMilli, ...(l.discount ? { discount: l.discount } : {}) })),
        ...(input.cartDiscount ? { cartDiscount: input.cartDiscount } : {}),
        tenders: input.tenders.map((t) => ({ method: t.method, amountMinor: t.amountMinor, ...(t.paymentId ? { paymentId: t.paymentId } : {}) })),
        ...(input.customerId ? { customerId: input.customerId } : {}),
      });
      // The basket is paid: a reload must not bring it back. The sale is written whatever happens here.
      await salesOf(ctx).openCart.clear().catch(() => undefined);
      return sale;
    },
    'cart.get': async () => salesOf(ctx).openCart.get(),
    'cart.save': async (input) => salesOf(ctx).openCart.save(input),
    'payments.mobileStart': async (input) => ctx.till().mobileMoney.start(input),
    'payments.mobileStatus': async ({ paymentId }) => ctx.till().mobileMoney.status(paymentId),

    'sales.recent': async ({ limit, before }) => {
      const own = ownSalesOf(signedIn(ctx));
      return salesOf(ctx).history.recent({ limit: limit ?? 50, ...(before ? { before } : {}), ...(own ? { cashierId: own } : {}) });
    },
    'sales.byNumber': async ({ number }) => {
      const own = ownSalesOf(signedIn(ctx));
      const sale = await salesOf(ctx).history.byNumber(number);
      return sale && (!own || sale.cashierId === own) ? sale : null;
    },
    'receipts.sale': async ({ saleId, format, locale }) => {
      const till = ctx.till();
      const sale = await readableSale(ctx, saleId);
      return asDocument(buildReceipt(sale, await paperShop(till), await userName(till, sale.cashierId), locale ?? ctx.locale()), format);
    },
    'receipts.return': async ({ returnId, format, locale }) => {
      const till = ctx.till();
      const own = ownSalesOf(signedIn(ctx));
      const ret = (await till.db.collections.returns!.findOne(returnId).exec())?.toJSON() as Return | undefined;
      // An employee reprints the returns they made.
      if (!ret || ret.boutiqueId !== till.identity.boutiqueId || (own && ret.cashierId !== own)) throw new CoreError('RETURN_NOT_FOUND');
      const sale = await salesOf(ctx).history.byId(ret.saleId);
      if (!sale) throw new CoreError('SALE_NOT_FOUND');
      return asDocument(buildReturnReceipt(ret, sale, await paperShop(till), await userName(till, ret.cashierId), locale ?? ctx.locale()), format);
    },
    'returns.returnable': async ({ saleId }) => {
      await readableSale(ctx, saleId);
      const { sale, lines } = await salesOf(ctx).returns.returnable(saleId);
      return {
        sale,
        lines: lines.map((l) => ({
          productId: l.productId, name: l.name, soldMilli: l.soldMilli, returnedMilli: l.returnedMilli, returnableMilli: l.remainingMilli, unitRefundMinor: l.unitRefundMinor,
        })),
      };
    },
    'returns.create': async ({ saleId, lines, refundMethod, reason }) => {
      const user = signedIn(ctx);
      // Refunding needs reading the sale: an employee returns their own sales, a manager any.
      await readableSale(ctx, saleId);
      return salesOf(ctx).returns.returnSale({ id: user.id, role: user.role }, { saleId, lines, refundMethod, reason });
    },
    'cash.current': async () => drawerOf(ctx).cash.current(),
    'cash.open': async ({ floatMinor }) => drawerOf(ctx).cash.open(signedIn(ctx), floatMinor),
    'cash.move': async ({ type, amountMinor, reason }) => drawerOf(ctx).cash.cashMove(signedIn(ctx), { type, amountMinor, reason }),
    'cash.close': async ({ counted }) => bridgeZReport(await drawerOf(ctx).cash.close(signedIn(ctx), counted)),
    'cash.zReport': async ({ sessionId }) => bridgeZReport(await drawerOf(ctx).cash.zReport(sessionId)),
    'cash.zReportDocument': async ({ sessionId, format, locale }) => {
      const till = ctx.till();
      const report = await drawerOf(ctx).cash.zReport(sessionId);
      return asDocument(buildZReportDocument(report, await paperShop(till), locale ?? ctx.locale()), format);
    },
    'cash.history': async ({ limit }) => (await drawerOf(ctx).cash.history(limit ?? 20)).map(bridgeZReport),
    'stock.list': async ({ search, lowOnly, limit }) =>
      (await drawerOf(ctx).stock.list({ ...(search ? { search } : {}), ...(lowOnly ? { lowOnly } : {}), limit: limit ?? 100 })).map(bridgeStockItem),
    'stock.low': async ({ limit }) => (await drawerOf(ctx).stock.list({ lowOnly: true, limit: limit ?? 100 })).map(bridgeStockItem),
    'stock.adjust': async ({ productId, deltaMilli, reason }) => bridgeStockItem(await drawerOf(ctx).stock.adjust(signedIn(ctx), { productId, deltaMilli, reason })),
    'transfers.list': async ({ limit }) => drawerOf(ctx).transfers.list(limit ?? 100),
    'transfers.receive': async ({ transferId, lines }) => drawerOf(ctx).transfers.receive(signedIn(ctx), transferId, lines),
    'customers.search': async ({ query, limit }) => (await drawerOf(ctx).customers.search(query, limit ?? 20)).map(({ id, name, phone }) => ({ id, name, phone })),
    'customers.create': async ({ name, phone }) => {
      const { id, name: saved, phone: normalised } = await drawerOf(ctx).customers.create(signedIn(ctx), { name, phone });
      return { id, name: saved, phone: normalised };
    },

    // Only Electron's main process prints itself; here the page prints with window.print().
    'shell.print': async () => ({ handled: false }),
    'shell.savePdf': async () => ({ saved: false }),
  };
}
