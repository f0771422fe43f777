import { formatMoney, vatIncluded } from '../../../shared/money.js';
import type { Return, Sale, Tender } from '../../../shared/schema/index.js';
import type { ZReport } from './cash-sessions.js';

export { renderHtml, renderPdf } from './receipt-render.js';
export { createSalesHistory } from './sales-history.js';

export type ReceiptLocale = 'fr' | 'en';
export type ShopInfo = { name: string; address: string; taxId: string; phone?: string; timeZone: string; footer?: string };

type ShopBlock = { name: string; address: string; taxId: string; phone: string | null };
type Amount = string;

/**
 * A sale's ticket or a return slip, ready to show or print: every amount and date already
 * formatted for the locale and the shop's time zone, so the screen, the printer and the PDF say
 * exactly the same thing.
 */
export type Receipt = {
  kind: 'sale' | 'return';
  locale: ReceiptLocale;
  /** File name without extension, for "save as PDF". */
  fileStem: string;
  title: string;
  shop: ShopBlock;
  number: string;
  /** A return slip: the number of the sale it refunds. */
  reference: string | null;
  date: string;
  cashier: string;
  lines: Array<{ name: string; quantity: string; unitPrice: Amount; gross: Amount; discount: Amount | null; total: Amount }>;
  subtotal: Amount;
  discount: Amount | null;
  /** Prices include VAT: per rate, the VAT contained and the amount before tax. */
  vat: Array<{ rate: string; base: Amount; amount: Amount }>;
  total: Amount;
  /** Tenders of a sale, refunds of a return. */
  tenders: Array<{ method: Tender['method']; label: string; amount: Amount }>;
  change: Amount | null;
  reason: string | null;
  footer: string | null;
  labels: Labels;
};

export type ZReportDocument = {
  kind: 'z-report';
  locale: ReceiptLocale;
  fileStem: string;
  /** Z when closed, X while the session is still open. */
  title: string;
  shop: ShopBlock;
  till: string;
  sessionId: string;
  opened: { at: string; by: string };
  closed: { at: string; by: string } | null;
  float: Amount;
  cashIn: Amount;
  cashOut: Amount;
  moves: Array<{ label: string; amount: Amount; reason: string; at: string }>;
  /** Cash always; other methods when they moved or were counted. */
  methods: Array<{ method: Tender['method']; label: string; sales: Amount; refunds: Amount; expected: Amount; counted: Amount | null; difference: Amount | null }>;
  salesCount: number;
  returnsCount: number;
  totals: { gross: Amount; discount: Amount; vat: Amount; net: Amount };
  difference: Amount | null;
  labels: Labels;
};

export type PrintableDocument = Receipt | ZReportDocument;

const LABELS = {
  fr: {
    saleTitle: 'Ticket de caisse', returnTitle: 'Reçu de retour', zTitle: 'Rapport Z – clôture de caisse', xTitle: 'Rapport X – caisse ouverte',
    number: 'N°', date: 'Date', cashier: 'Caissier', taxId: 'NIF', phone: 'Tél.', subtotal: 'Sous-total', discount: 'Remises', lineDiscount: 'Remise',
    total: 'TOTAL', refundTotal: 'TOTAL REMBOURSÉ', vat: 'TVA', vatIncluded: 'incluse', vatBase: 'HT', change: 'Monnaie rendue', reference: 'Vente d’origine',
    reason: 'Motif', payment: 'Paiement', refund: 'Remboursement', till: 'Caisse', session: 'Session', openedAt: 'Ouverture', closedAt: 'Clôture', by: 'par',
    float: 'Fond de caisse', cashIn: 'Entrée d’espèces', cashOut: 'Sortie d’espèces', moves: 'Mouvements d’espèces', sales: 'Ventes', refunds: 'Remboursements',
    expected: 'Attendu', counted: 'Compté', difference: 'Écart', notCounted: 'non compté', salesCount: 'Nombre de ventes', returnsCount: 'Nombre de retours',
    gross: 'Ventes brutes', vatNet: 'TVA (ventes − retours)', net: 'Net (ventes − retours)', totals: 'Totaux', thanks: 'Merci de votre visite !',
    cash: 'Espèces', mtn_momo: 'MTN Mobile Money', orange_money: 'Orange Money', card: 'Carte bancaire',
  },
  en: {
    saleTitle: 'Sales receipt', returnTitle: 'Return slip', zTitle: 'Z report – till closing', xTitle: 'X report – till open',
    number: 'No.', date: 'Date', cashier: 'Cashier', taxId: 'Tax ID (NIF)', phone: 'Tel.', subtotal: 'Subtotal', discount: 'Discounts', lineDiscount: 'Discount',
    total: 'TOTAL', refundTotal: 'TOTAL REFUNDED', vat: 'VAT', vatIncluded: 'included', vatBase: 'excl. VAT', change: 'Change', reference: 'Original sale',
    reason: 'Reason', payment: 'Payment', refund: 'Refund', till: 'Till', session: 'Session', openedAt: 'Opened', closedAt: 'Closed', by: 'by',
    float: 'Opening float', cashIn: 'Cash in', cashOut: 'Cash out', moves: 'Cash movements', sales: 'Sales', refunds: 'Refunds',
    expected: 'Expected', counted: 'Counted', difference: 'Difference', notCounted: 'not counted', salesCount: 'Number of sales', returnsCount: 'Number of returns',
    gross: 'Gross sales', vatNet: 'VAT (sales − returns)', net: 'Net (sales − returns)', totals: 'Totals', thanks: 'Thank you for your visit!',
    cash: 'Cash', mtn_momo: 'MTN Mobile Money', orange_money: 'Orange Money', card: 'Card',
  },
} as const;
export type Labels = { -readonly [K in keyof (typeof LABELS)['fr']]: string };

const intlLocale = (locale: ReceiptLocale) => (locale === 'en' ? 'en-GN' : 'fr-GN');

function formats(locale: ReceiptLocale, timeZone: string) {
  const money = (minor: number) => formatMoney(minor, 'GNF', intlLocale(locale));
  // English dates day first too: Guinea writes 25/11/2026.
  const dates = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-GN', {
    timeZone: timeZone || 'Africa/Conakry', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit',
  });
  const quantities = new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 3 });
  const percent = new Intl.NumberFormat(intlLocale(locale), { style: 'percent', maximumFractionDigits: 2 });
  return {
    money,
    date: (iso: string) => dates.format(new Date(iso)),
    quantity: (milli: number) => quantities.format(milli / 1000),
    rate: (bp: number) => percent.format(bp / 10_000),
  };
}

const shopBlock = (shop: ShopInfo): ShopBlock => ({ name: shop.name, address: shop.address, taxId: shop.taxId, phone: shop.phone ?? null });

function vatByRate(parts: Array<{ rate: number; gross: number; vat: number }>, f: ReturnType<typeof formats>): Receipt['vat'] {
  const byRate = new Map<number, { gross: number; vat: number }>();
  for (const p of parts) {
    const entry = byRate.get(p.rate) ?? { gross: 0, vat: 0 };
    entry.gross += p.gross;
    entry.vat += p.vat;
    byRate.set(p.rate, entry);
  }
  return [...byRate].sort(([a], [b]) => a - b).map(([rate, { gross, vat }]) => ({ rate: f.rate(rate), base: f.money(gross - vat), amount: f.money(vat) }));
}

export function buildReceipt(sale: Sale, shop: ShopInfo, cashierName: string, locale: ReceiptLocale): Receipt {
  const f = formats(locale, shop.timeZone);
  const labels = LABELS[locale];
  const change = sale.tenders.reduce((a, t) => a + (t.changeMinor ?? 0), 0);
  return {
    kind: 'sale', locale, fileStem: `ticket-${sale.number}`, title: labels.saleTitle, shop: shopBlock(shop),
    number: sale.number, reference: null, date: f.date(sale.createdAt), cashier: cashierName,
    lines: sale.lines.map((l) => ({
      name: l.name, quantity: f.quantity(l.quantityMilli), unitPrice: f.money(l.unitPriceMinor), gross: f.money(l.totalMinor + l.discountMinor),
      discount: l.discountMinor ? f.money(-l.discountMinor) : null, total: f.money(l.totalMinor),
    })),
    subtotal: f.money(sale.subtotalMinor),
    discount: sale.discountMinor ? f.money(-sale.discountMinor) : null,
    vat: vatByRate(sale.lines.map((l) => ({ rate: l.vatRateBp, gross: l.totalMinor, vat: l.vatMinor })), f),
    total: f.money(sale.totalMinor),
    tenders: sale.tenders.map((t) => ({ method: t.method, label: labels[t.method], amount: f.money(t.amountMinor) })),
    change: change ? f.money(change) : null,
    reason: null,
    footer: shop.footer?.trim() || labels.thanks,
    labels: { ...labels },
  };
}

/** A return slip: what came back, what was refunded and how, with the sale it refers to. */
export function buildReturnReceipt(ret: Return, sale: Sale, shop: ShopInfo, cashierName: string, locale: ReceiptLocale): Receipt {
  const f = formats(locale, shop.timeZone);
  const labels = LABELS[locale];
  const soldAs = (productId: string) => sale.lines.find((l) => l.productId === productId);
  const lines = ret.lines.map((l) => ({ ...l, sold: soldAs(l.productId) }));
  // Returns carry no number of their own: the sale's number and the return's own id tail.
  const number = `${sale.number}-R${ret.id.replace(/-/g, '').slice(-6).toUpperCase()}`;
  return {
    kind: 'return', locale, fileStem: `retour-${number}`, title: labels.returnTitle, shop: shopBlock(shop),
    number, reference: sale.number, date: f.date(ret.createdAt), cashier: cashierName,
    lines: lines.map((l) => ({
      name: l.sold?.name ?? l.productId, quantity: f.quantity(l.quantityMilli), unitPrice: f.money(l.sold?.unitPriceMinor ?? 0),
      gross: f.money(l.refundMinor), discount: null, total: f.money(l.refundMinor),
    })),
    subtotal: f.money(ret.totalMinor),
    discount: null,
    vat: vatByRate(lines.map((l) => ({ rate: l.sold?.vatRateBp ?? 0, gross: l.refundMinor, vat: vatIncluded(l.refundMinor, l.sold?.vatRateBp ?? 0).vat })), f),
    total: f.money(ret.totalMinor),
    tenders: ret.refunds.map((r) => ({ method: r.method, label: labels[r.method], amount: f.money(r.amountMinor) })),
    change: null,
    reason: ret.reason,
    footer: shop.footer?.trim() || null,
    labels: { ...labels },
  };
}

export function buildZReportDocument(report: ZReport, shop: ShopInfo, locale: ReceiptLocale): ZReportDocument {
  const f = formats(locale, shop.timeZone);
  const labels = LABELS[locale];
  const signed = (n: number | null) => (n === null ? null : n > 0 ? `+${f.money(n)}` : f.money(n));
  return {
    kind: 'z-report', locale, fileStem: `rapport-${report.closedAt ? 'z' : 'x'}-${report.boutiqueCode}-${report.deviceCode}-${report.openedAt.slice(0, 10)}`,
    title: report.closedAt ? labels.zTitle : labels.xTitle, shop: shopBlock(shop), till: `${report.boutiqueCode}-${report.deviceCode}`, sessionId: report.sessionId,
    opened: { at: f.date(report.openedAt), by: report.openedByName },
    closed: report.closedAt ? { at: f.date(report.closedAt), by: report.closedByName ?? report.closedBy ?? '' } : null,
    float: f.money(report.floatMinor), cashIn: f.money(report.cashInMinor), cashOut: f.money(report.cashOutMinor),
    moves: report.moves.map((m) => ({ label: labels[m.type === 'cash_in' ? 'cashIn' : 'cashOut'], amount: f.money(m.amountMinor), reason: m.reason, at: f.date(m.createdAt) })),
    methods: report.byMethod
      .filter((m) => m.method === 'cash' || m.salesMinor || m.refundsMinor || m.expectedMinor || m.countedMinor)
      .map((m) => ({
        method: m.method, label: labels[m.method], sales: f.money(m.salesMinor), refunds: f.money(m.refundsMinor), expected: f.money(m.expectedMinor),
        counted: m.countedMinor === null ? null : f.money(m.countedMinor), difference: signed(m.differenceMinor),
      })),
    salesCount: report.salesCount,
    returnsCount: report.returnsCount,
    totals: { gross: f.money(report.totals.grossMinor), discount: f.money(-report.totals.discountMinor), vat: f.money(report.totals.vatMinor), net: f.money(report.totals.netMinor) },
    difference: signed(report.differenceMinor),
    labels: { ...labels },
  };
}
