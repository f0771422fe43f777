/**
 * The bridge between the counter UI and the till's core: the closed list of methods, what each
 * takes and answers, and who may call it. Core, Electron main and the browser host all validate
 * calls against this one file; the renderer gets its types from it. Change it additively only.
 */
import { z } from 'zod';
import { MAX_CART_LINES, MAX_LINE_QUANTITY_MILLI } from '../../shared/cart.js';
import { LOCALES } from '../../shared/i18n/index.js';
import { ROLES, type Action, type Module } from '../../shared/rbac.js';
import { text } from '../../shared/validation.js';

/** `public`: anyone at the till (enrol, sign in); `signed-in`: any signed-in user; else a right of shared/rbac. */
export type Right = 'public' | 'signed-in' | { module: Module; action: Action };

type Schema = z.ZodType;
export type MethodDefinition<I extends Schema = Schema, O extends Schema = Schema> = { input: I; output: O; right: Right };
const method = <I extends Schema, O extends Schema>(input: I, output: O, right: Right): MethodDefinition<I, O> => ({ input, output, right });

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------
const id = text({ min: 1, max: 64 });
/** Integer minor units of the currency (GNF has none): never a float. */
const minor = z.number().int().min(-1e15).max(1e15);
const positiveMinor = z.number().int().min(1).max(1e15);
/** Quantities in thousandths (1 piece = 1000; 0.250 kg = 250). */
const quantityMilli = z.number().int().min(1).max(1e12);
/**
 * A cart line's quantity: at most 9,999 units (shared/cart), before core looks anything up.
 * Whole pieces and the sale's total need the product: core's cart rules check them next.
 */
const lineQuantityMilli = z.number().int().min(1).max(MAX_LINE_QUANTITY_MILLI, { message: `au plus ${MAX_LINE_QUANTITY_MILLI / 1000} unités par ligne` });
const limit = (max: number) => z.number().int().min(1).max(max);
const isoDate = z.string().max(40);
const noInput = z.strictObject({});

export const roleSchema = z.enum(ROLES);
export const localeSchema = z.enum(LOCALES);
export const tenderMethodSchema = z.enum(['cash', 'mtn_momo', 'orange_money', 'card']);
export const mobileMoneyMethodSchema = z.enum(['mtn_momo', 'orange_money']);
export const discountSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('percent'), rate: z.number().int().min(0).max(10_000) }),
  z.strictObject({ kind: z.literal('amount'), amount: z.number().int().min(0).max(1e15) }),
]);

export const sessionUserSchema = z.object({ id, email: z.string(), name: z.string(), role: roleSchema });
export type SessionUser = z.output<typeof sessionUserSchema>;

export const tillSchema = z.object({
  deviceId: id,
  deviceCode: z.string(),
  tenant: z.object({ id, code: z.string(), name: z.string(), currency: z.string(), timeZone: z.string() }),
  boutique: z.object({ id, code: z.string(), name: z.string(), address: z.string().optional() }),
  cloudUrl: z.string(),
  enrolledAt: isoDate,
});
export type Till = z.output<typeof tillSchema>;

export const appStateSchema = z.object({
  enrolled: z.boolean(),
  till: tillSchema.nullable(),
  user: sessionUserSchema.nullable(),
  locale: localeSchema,
});
export type AppState = z.output<typeof appStateSchema>;

export const syncViewSchema = z.object({
  /** not-enrolled: nothing to sync; syncing: first pull running; in-sync / offline / revoked as named. */
  state: z.enum(['not-enrolled', 'syncing', 'in-sync', 'offline', 'revoked']),
  online: z.boolean(),
  /** Documents written here and not yet in the cloud. */
  waiting: z.number().int(),
  lastSuccessAt: isoDate.nullable(),
  lastError: z.string().nullable(),
  /** Documents the cloud refused since the till started: a manager must look at them. */
  rejected: z.number().int(),
  /** What the till holds: progress of the first catalogue sync. */
  local: z.object({ products: z.number().int(), users: z.number().int(), unsentSales: z.number().int().optional() }),
});
export type SyncView = z.output<typeof syncViewSchema>;

export const productSchema = z.object({
  id, barcode: z.string(), name: z.string(), categoryId: z.string(), priceMinor: minor, vatRateBp: z.number().int(),
  unit: z.enum(['piece', 'kg', 'l']), active: z.boolean(),
});
export type BridgeProduct = z.output<typeof productSchema>;
export const categorySchema = z.object({ id, code: z.string(), name: z.string() });

export const saleLineSchema = z.object({
  productId: z.string(), name: z.string(), barcode: z.string().optional(), unitPriceMinor: minor, quantityMilli: z.number().int(),
  discountMinor: minor, vatRateBp: z.number().int(), totalMinor: minor, vatMinor: minor,
});
export const tenderSchema = z.object({ method: tenderMethodSchema, amountMinor: minor, changeMinor: minor.optional(), paymentId: z.string().optional() });
export const saleSchema = z.object({
  id, tenantId: z.string(), boutiqueId: z.string(), deviceId: z.string(), cashierId: z.string(), customerId: z.string().optional(),
  number: z.string(), lines: z.array(saleLineSchema), tenders: z.array(tenderSchema),
  subtotalMinor: minor, discountMinor: minor, vatMinor: minor, totalMinor: minor, createdAt: isoDate,
});
export type BridgeSale = z.output<typeof saleSchema>;

export const returnSchema = z.object({
  id, saleId: z.string(), cashierId: z.string(),
  lines: z.array(z.object({ productId: z.string(), quantityMilli: z.number().int(), refundMinor: minor })),
  refunds: z.array(z.object({ method: tenderMethodSchema, amountMinor: minor })),
  reason: z.string(), totalMinor: minor, createdAt: isoDate,
});
export const returnableSchema = z.object({
  sale: saleSchema,
  lines: z.array(z.object({
    productId: z.string(), name: z.string(), soldMilli: z.number().int(), returnedMilli: z.number().int(), returnableMilli: z.number().int(),
    /** Refund for one unit (1000 milli), discounts included. */
    unitRefundMinor: minor.optional(),
  })),
});

export const paymentStatusSchema = z.object({
  paymentId: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed', 'expired']),
  method: mobileMoneyMethodSchema.optional(),
  amountMinor: minor.optional(),
  /** Orange Money: the hosted payment page, shown at the counter as a QR code. */
  redirectUrl: z.string().optional(),
  expiresAt: isoDate.optional(),
});
export type PaymentStatus = z.output<typeof paymentStatusSchema>;

/** A printable document: HTML to show and print, or the PDF's bytes (base64) to save. */
export const documentSchema = z.object({
  fileName: z.string(),
  html: z.string().optional(),
  pdfBase64: z.string().optional(),
  /** Set by the browser host: the same PDF at a short-lived tokened URL, for a plain download link. */
  downloadUrl: z.string().optional(),
});
export type BridgeDocument = z.output<typeof documentSchema>;
const documentRequest = { format: z.enum(['html', 'pdf']).default('html'), locale: localeSchema.optional() };

export const cashSessionSchema = z.object({
  sessionId: z.string(), openedAt: isoDate, openedBy: z.string(), floatMinor: minor,
  cashInMinor: minor, cashOutMinor: minor,
  /** Cash the drawer should hold now: float + cash sales − change − cash refunds + in − out. */
  expectedCashMinor: minor.optional(),
});
export const zReportSchema = z.object({
  sessionId: z.string(), openedAt: isoDate, closedAt: isoDate.nullable(), floatMinor: minor,
  salesCount: z.number().int(), salesTotalMinor: minor, refundsTotalMinor: minor,
  cashInMinor: minor, cashOutMinor: minor,
  byMethod: z.array(z.object({
    method: z.string(), expectedMinor: minor, countedMinor: minor, differenceMinor: minor,
    /** Taken at sales (change given back deducted) and given back at returns, with this method. */
    salesMinor: minor.optional(), refundsMinor: minor.optional(),
  })),
  differenceMinor: minor,
  returnsCount: z.number().int().optional(),
  /** Gross (shelf prices, VAT included) − discounts = sales; VAT and net are after refunds. */
  totals: z.object({ grossMinor: minor, discountMinor: minor, vatMinor: minor, netMinor: minor }).optional(),
});
export type ZReport = z.output<typeof zReportSchema>;

export const stockItemSchema = z.object({
  productId: z.string(), name: z.string(), barcode: z.string(), unit: z.enum(['piece', 'kg', 'l']).optional(),
  onHandMilli: z.number().int(), low: z.boolean(),
});
export const customerSchema = z.object({ id, name: z.string(), phone: z.string() });
/** A transfer sent to this boutique, and its reception here (awaiting the cloud until synced). */
export const tillTransferSchema = z.object({
  id: z.string(), number: z.string(), fromBoutiqueName: z.string(), status: z.enum(['sent', 'received']), awaitingSync: z.boolean(),
  sentAt: isoDate.nullable(), receivedAt: isoDate.nullable(),
  lines: z.array(z.object({
    productId: z.string(), name: z.string(), unit: z.enum(['piece', 'kg', 'l']).nullable(), quantityMilli: z.number().int(),
    receivedMilli: z.number().int().nullable(), reason: z.string().nullable(),
  })),
});
export type TillTransfer = z.output<typeof tillTransferSchema>;

const checkoutLine = z.strictObject({ productId: id, quantityMilli: lineQuantityMilli, discount: discountSchema.optional() });
const cartLines = z.array(checkoutLine).max(MAX_CART_LINES);

/**
 * The cart in progress at the counter, kept by core so a reload or a crash of the window does not
 * lose the customer's basket. Saved as the lines checkout takes; read back with each product as
 * the catalogue has it now (what checkout will charge).
 */
export const openCartInputSchema = z.strictObject({
  lines: cartLines,
  cartDiscount: discountSchema.optional(),
  customer: z.strictObject({ id, name: text({ max: 120 }), phone: text({ max: 30 }) }).optional(),
});
export const openCartSchema = z.object({
  lines: z.array(z.object({ product: productSchema, quantityMilli: z.number().int(), discount: discountSchema.optional() })),
  cartDiscount: discountSchema.optional(),
  customer: customerSchema.optional(),
  updatedAt: isoDate.nullable(),
});
export type OpenCart = z.output<typeof openCartSchema>;
const checkoutTender = z.strictObject({ method: tenderMethodSchema, amountMinor: positiveMinor, paymentId: id.optional() });
const ok = z.object({ ok: z.literal(true) });

// ---------------------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------------------
const sales = { module: 'sales', action: 'read' } as const;
const sell = { module: 'sales', action: 'write' } as const;
/** The drawer belongs to the till (a device): opening, moving cash and closing are a manager's. */
const drawer = { module: 'devices', action: 'write' } as const;
const reports = { module: 'reports', action: 'read' } as const;

export const BRIDGE_METHODS = {
  'app.state': method(noInput, appStateSchema, 'public'),
  'app.setLocale': method(z.strictObject({ locale: localeSchema }), appStateSchema, 'public'),
  /** First start: exchange the one-time code for the till's credential, then sync starts. Refused once enrolled. */
  'device.enrol': method(
    z.strictObject({ tenant: text({ min: 2, max: 40 }), code: text({ min: 8, max: 20 }), cloudUrl: z.url({ protocol: /^https?$/ }).optional() }),
    appStateSchema,
    'public',
  ),
  'sync.status': method(noInput, syncViewSchema, 'public'),

  // The password is taken as typed (no trim); the text rule still applies to it, through checkBridgeInput.
  'auth.signIn': method(z.strictObject({ email: text({ min: 3, max: 200 }), password: z.string().min(1).max(200) }), sessionUserSchema, 'public'),
  /** Staff of this boutique who can switch in with a PIN. */
  'auth.pinUsers': method(noInput, z.array(z.object({ id, name: z.string(), role: roleSchema })), 'public'),
  'auth.signInWithPin': method(z.strictObject({ userId: id, pin: z.string().regex(/^\d{4,6}$/) }), sessionUserSchema, 'public'),
  'auth.setPin': method(z.strictObject({ pin: z.string().regex(/^\d{4,6}$/) }), ok, 'signed-in'),
  'auth.signOut': method(noInput, ok, 'public'),

  /** Search as you type: names starting with the text, accents and case ignored. */
  'catalog.search': method(z.strictObject({ text: text({ max: 200 }), limit: limit(100).optional() }), z.array(productSchema), { module: 'products', action: 'read' }),
  'catalog.byBarcode': method(z.strictObject({ barcode: text({ min: 1, max: 32 }) }), productSchema.nullable(), { module: 'products', action: 'read' }),
  'catalog.categories': method(noInput, z.array(categorySchema), { module: 'products', action: 'read' }),
  'catalog.byCategory': method(z.strictObject({ categoryId: id, limit: limit(500).optional() }), z.array(productSchema), { module: 'products', action: 'read' }),

  /** The cart priced again by core from its catalogue; mobile-money tenders carry a succeeded paymentId. */
  'checkout.complete': method(
    z.strictObject({ lines: cartLines.min(1), cartDiscount: discountSchema.optional(), tenders: z.array(checkoutTender).min(1).max(10), customerId: id.optional() }),
    saleSchema,
    sell,
  ),
  /** The counter's cart in progress; an empty cart when none is kept. */
  'cart.get': method(noInput, openCartSchema, sell),
  /** Keeps the cart in progress (the whole cart each time); refused like checkout would refuse it. */
  'cart.save': method(openCartInputSchema, z.object({ updatedAt: isoDate }), sell),
  /** Starts a mobile-money payment through the cloud; MOBILE_MONEY_OFFLINE when it cannot be reached. */
  'payments.mobileStart': method(
    z.strictObject({
      method: mobileMoneyMethodSchema,
      amountMinor: positiveMinor,
      phone: z.string().trim().regex(/^\+?[0-9 ]{8,20}$/).optional(),
      reference: text({ max: 64 }).optional(),
      /** Same key, same payment: a retried start never charges twice. */
      idempotencyKey: z.string().min(8).max(64).optional(),
    }),
    paymentStatusSchema,
    { module: 'payments', action: 'write' },
  ),
  'payments.mobileStatus': method(z.strictObject({ paymentId: id }), paymentStatusSchema, { module: 'payments', action: 'read' }),

  'sales.recent': method(z.strictObject({ limit: limit(200).optional(), before: isoDate.optional() }), z.array(saleSchema), sales),
  'sales.byNumber': method(z.strictObject({ number: text({ min: 1, max: 40 }) }), saleSchema.nullable(), sales),
  'receipts.sale': method(z.strictObject({ saleId: id, ...documentRequest }), documentSchema, sales),
  'receipts.return': method(z.strictObject({ returnId: id, ...documentRequest }), documentSchema, sales),

  'returns.returnable': method(z.strictObject({ saleId: id }), returnableSchema, sales),
  'returns.create': method(
    z.strictObject({
      saleId: id,
      lines: z.array(z.strictObject({ productId: id, quantityMilli })).min(1).max(500),
      refundMethod: tenderMethodSchema,
      reason: text({ max: 300 }),
    }),
    returnSchema,
    sell,
  ),

  'cash.current': method(noInput, cashSessionSchema.nullable(), sales),
  'cash.open': method(z.strictObject({ floatMinor: z.number().int().min(0).max(1e15) }), cashSessionSchema, drawer),
  'cash.move': method(z.strictObject({ type: z.enum(['cash_in', 'cash_out']), amountMinor: positiveMinor, reason: text({ max: 300 }) }), cashSessionSchema, drawer),
  /** Counted amount per tender method; answers the Z report. */
  'cash.close': method(z.strictObject({ counted: z.partialRecord(tenderMethodSchema, z.number().int().min(0).max(1e15)) }), zReportSchema, drawer),
  'cash.zReport': method(z.strictObject({ sessionId: id }), zReportSchema, reports),
  'cash.zReportDocument': method(z.strictObject({ sessionId: id, ...documentRequest }), documentSchema, reports),
  'cash.history': method(z.strictObject({ limit: limit(100).optional() }), z.array(zReportSchema), reports),

  'stock.list': method(z.strictObject({ search: text({ max: 200 }).optional(), lowOnly: z.boolean().optional(), limit: limit(500).optional() }), z.array(stockItemSchema), { module: 'stock', action: 'read' }),
  'stock.low': method(z.strictObject({ limit: limit(500).optional() }), z.array(stockItemSchema), { module: 'stock', action: 'read' }),
  /** dg and pdg only; the reason is mandatory. */
  'stock.adjust': method(z.strictObject({ productId: id, deltaMilli: z.number().int().min(-1e12).max(1e12).refine((n) => n !== 0), reason: text({ max: 300 }) }), stockItemSchema, { module: 'stock', action: 'write' }),

  'transfers.list': method(z.strictObject({ limit: limit(200).optional() }), z.array(tillTransferSchema), { module: 'transfers', action: 'read' }),
  /** Confirms what arrived of each line (in the transfer's order), a reason for each difference; works offline. */
  'transfers.receive': method(
    z.strictObject({
      transferId: id,
      lines: z.array(z.strictObject({ productId: id, receivedMilli: z.number().int().min(0).max(1e12), reason: text({ max: 300 }).optional() })).min(1).max(500),
    }),
    tillTransferSchema,
    { module: 'transfers', action: 'write' },
  ),

  'customers.search': method(z.strictObject({ query: text({ max: 120 }), limit: limit(50).optional() }), z.array(customerSchema), { module: 'customers', action: 'read' }),
  'customers.create': method(z.strictObject({ name: text({ min: 1, max: 120 }), phone: text({ max: 30 }) }), customerSchema, { module: 'customers', action: 'write' }),

  /** Electron prints the window through the system printer; elsewhere `handled: false` and the page calls window.print(). */
  'shell.print': method(z.strictObject({ silent: z.boolean().optional() }), z.object({ handled: z.boolean() }), 'signed-in'),
  /**
   * Electron asks where to save and writes the PDF (the bytes given, e.g. a receipt's, or else the
   * page printed to PDF); elsewhere `saved: false` and the page downloads the document's `downloadUrl`.
   */
  'shell.savePdf': method(
    z.strictObject({ fileName: text({ min: 1, max: 120 }).regex(/^[^/\\]+$/), pdfBase64: z.string().max(20_000_000).optional() }),
    z.object({ saved: z.boolean() }),
    'signed-in',
  ),
} as const satisfies Record<string, MethodDefinition>;

export type BridgeMethod = keyof typeof BRIDGE_METHODS;
export type BridgeInput<M extends BridgeMethod> = z.input<(typeof BRIDGE_METHODS)[M]['input']>;
/** The input after parsing (defaults applied): what core receives. */
export type BridgeParsedInput<M extends BridgeMethod> = z.output<(typeof BRIDGE_METHODS)[M]['input']>;
export type BridgeOutput<M extends BridgeMethod> = z.output<(typeof BRIDGE_METHODS)[M]['output']>;

export function isBridgeMethod(name: unknown): name is BridgeMethod {
  return typeof name === 'string' && Object.hasOwn(BRIDGE_METHODS, name);
}

// ---------------------------------------------------------------------------------------------
// Events pushed by core
// ---------------------------------------------------------------------------------------------
export const BRIDGE_EVENTS = {
  'sync.status': syncViewSchema,
  'payment.status': paymentStatusSchema,
  'session.changed': z.object({ user: sessionUserSchema.nullable() }),
  /** Enrolment or locale changed. */
  'app.changed': appStateSchema,
} as const;

export type BridgeEvent = keyof typeof BRIDGE_EVENTS;
export type BridgeEventPayload<E extends BridgeEvent> = z.output<(typeof BRIDGE_EVENTS)[E]>;

export function isBridgeEvent(name: unknown): name is BridgeEvent {
  return typeof name === 'string' && Object.hasOwn(BRIDGE_EVENTS, name);
}

/** What the renderer holds, whatever carries it (Electron preload or WebSocket). */
export type BridgeApi = {
  call<M extends BridgeMethod>(method: M, input: BridgeInput<M>): Promise<BridgeOutput<M>>;
  on<E extends BridgeEvent>(event: E, listener: (payload: BridgeEventPayload<E>) => void): () => void;
};
