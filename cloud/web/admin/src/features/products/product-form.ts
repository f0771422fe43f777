/**
 * The product form's rules, apart from the screen so they are tested alone. Values are typed as
 * text; what leaves is the API's body in minor units and basis points (shared/money.ts).
 */
import { parseMajor, DEFAULT_CURRENCY } from '../../../../../../shared/money.js';
import type { Product, ProductInput } from '../../api/catalog.js';

export type ProductFormValues = {
  /** The company's reference; left empty on a new product, the main barcode is taken. */
  sku: string;
  barcode: string;
  /** The other codes a scanner may read, separated by spaces, commas or `|`. */
  otherBarcodes: string;
  name: string;
  categoryId: string;
  unit: Product['unit'];
  price: string;
  /** What the company pays (empty: not known); managers only. */
  cost: string;
  vat: string;
  /** The low-stock threshold in units (decimal comma for kg and litres); empty: no warning. */
  lowStock: string;
  /** Each boutique's own price by boutique id; empty: the company's price. */
  boutiquePrices: Record<string, string>;
  active: boolean;
};

/** The fields with a message of their own (the boutique prices share one). */
export type ProductField = Exclude<keyof ProductFormValues, 'boutiquePrices'> | 'boutiquePrices';

/** Keys under ui.productForm of the message to show beside each field. */
export type ProductFormErrors = Partial<Record<ProductField, string>>;

export const UNITS: readonly Product['unit'][] = ['piece', 'kg', 'l'];
/** The VAT usual in Guinea, offered for a new product. */
const DEFAULT_VAT_BP = 1800;
/** Above this a price is a typing slip, not a shop price (and stays far from float limits). */
const MAX_PRICE_MINOR = 1_000_000_000_000;

export function emptyProductForm(categoryId = ''): ProductFormValues {
  return {
    sku: '', barcode: '', otherBarcodes: '', name: '', categoryId, unit: 'piece', price: '', cost: '', vat: percentText(DEFAULT_VAT_BP, 'fr'), lowStock: '',
    boutiquePrices: {}, active: true,
  };
}

/** A rate in basis points as a person types it: 1800 → "18", 550 → "5,5" in French. */
export function percentText(bp: number, language: string): string {
  const text = String(bp / 100);
  return language === 'en' ? text : text.replace('.', ',');
}

/** Milli-units as a person types a quantity: 2500 → "2,5" in French; 0 → "" (no threshold). */
export function quantityText(milli: number, language: string): string {
  if (milli === 0) return '';
  const text = String(milli / 1000);
  return language === 'en' ? text : text.replace('.', ',');
}

export function formFromProduct(product: Product, language: string): ProductFormValues {
  return {
    sku: product.sku,
    barcode: product.barcode,
    otherBarcodes: product.barcodes.slice(1).join(' '),
    name: product.name,
    categoryId: product.categoryId,
    unit: product.unit,
    price: String(product.priceMinor),
    cost: product.costMinor === null || product.costMinor === undefined ? '' : String(product.costMinor),
    vat: percentText(product.vatRateBp, language),
    lowStock: quantityText(product.lowStockMilli, language),
    boutiquePrices: Object.fromEntries(product.boutiquePrices.map((p) => [p.boutiqueId, String(p.priceMinor)])),
    active: product.active,
  };
}

/** "5", "2,5", "0.250" → milli-units; null when it is not a quantity with three decimals at most. */
export function parseQuantity(text: string): number | null {
  const cleaned = text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (!/^\d{1,9}(\.\d{1,3})?$/.test(cleaned)) return null;
  const [whole, fraction = ''] = cleaned.split('.');
  return Number(whole) * 1000 + Number(fraction.padEnd(3, '0'));
}

const BARCODE = /^[A-Za-z0-9-]+$/;

/** "18", "18,5", "5.5 %" → basis points; null when it is not a rate from 0 to 100 with two decimals at most. */
export function parseVat(text: string): number | null {
  const cleaned = text.replace(/[\s\u00a0\u202f%]/g, '').replace(',', '.');
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(cleaned)) return null;
  const [whole, fraction = ''] = cleaned.split('.');
  const bp = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return bp <= 10_000 ? bp : null;
}

/** A typed price → GNF minor units; null when it is not a whole, non-negative number of francs. */
export function parsePrice(text: string): number | null {
  try {
    const minor = parseMajor(text, DEFAULT_CURRENCY);
    return minor >= 0 ? minor : null;
  } catch {
    return null;
  }
}

export function validateProductForm(values: ProductFormValues): { input: ProductInput | null; errors: ProductFormErrors } {
  const errors: ProductFormErrors = {};
  const barcode = values.barcode.trim();
  if (!barcode) errors.barcode = 'barcodeRequired';
  else if (barcode.length > 32) errors.barcode = 'barcodeTooLong';
  else if (!BARCODE.test(barcode)) errors.barcode = 'barcodeFormat';

  const others = values.otherBarcodes.split(/[\s,;|]+/).filter(Boolean);
  if (others.some((code) => code.length > 32 || !BARCODE.test(code))) errors.otherBarcodes = 'barcodeFormat';
  else if (new Set([barcode, ...others]).size !== others.length + 1) errors.otherBarcodes = 'barcodeRepeated';
  else if (others.length > 9) errors.otherBarcodes = 'barcodesTooMany';

  const sku = values.sku.trim() || barcode;
  if (sku.length > 64) errors.sku = 'skuTooLong';
  else if (/[;|]/.test(sku)) errors.sku = 'skuFormat';

  const name = values.name.trim().replace(/\s+/g, ' ');
  if (!name) errors.name = 'nameRequired';
  else if (name.length > 200) errors.name = 'nameTooLong';

  if (!values.categoryId) errors.categoryId = 'categoryRequired';

  const priceMinor = values.price.trim() ? parsePrice(values.price) : null;
  if (!values.price.trim()) errors.price = 'priceRequired';
  else if (priceMinor === null) errors.price = 'priceInvalid';
  else if (priceMinor > MAX_PRICE_MINOR) errors.price = 'priceTooLarge';

  const costMinor = values.cost.trim() ? parsePrice(values.cost) : null;
  if (values.cost.trim() && (costMinor === null || costMinor > MAX_PRICE_MINOR)) errors.cost = 'priceInvalid';

  const vatRateBp = values.vat.trim() ? parseVat(values.vat) : null;
  if (!values.vat.trim()) errors.vat = 'vatRequired';
  else if (vatRateBp === null) errors.vat = 'vatInvalid';

  const lowStockMilli = values.lowStock.trim() ? parseQuantity(values.lowStock) : 0;
  if (lowStockMilli === null) errors.lowStock = 'lowStockInvalid';

  const boutiquePrices: ProductInput['boutiquePrices'] = [];
  for (const [boutiqueId, text] of Object.entries(values.boutiquePrices)) {
    if (!text.trim()) continue;
    const own = parsePrice(text);
    if (own === null || own > MAX_PRICE_MINOR) errors.boutiquePrices = 'priceInvalid';
    else boutiquePrices.push({ boutiqueId, priceMinor: own });
  }
  boutiquePrices.sort((a, b) => (a.boutiqueId < b.boutiqueId ? -1 : a.boutiqueId > b.boutiqueId ? 1 : 0));

  if (Object.keys(errors).length > 0) return { input: null, errors };
  return {
    input: {
      sku, barcodes: [barcode, ...others], name, categoryId: values.categoryId, unit: values.unit, priceMinor: priceMinor!, costMinor,
      vatRateBp: vatRateBp!, lowStockMilli: lowStockMilli!, boutiquePrices, active: values.active,
    },
    errors,
  };
}

/** Only what changed, for a PATCH: a field someone else edited meanwhile is left as they put it. */
export function changesOf(before: Product, after: ProductInput): Partial<ProductInput> {
  const changes: Partial<ProductInput> = {};
  for (const key of Object.keys(after) as (keyof ProductInput)[]) {
    // Lists compare by content (boutique prices in the API's order, by boutique).
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null)) (changes as Record<string, unknown>)[key] = after[key];
  }
  return changes;
}

/** Which field an API refusal is about: `details` paths such as "body.barcode", or the code's name. */
export function fieldsOfApiError(code: string, details: unknown): ProductField[] {
  const fields = new Set<ProductField>();
  const known: Record<string, ProductField> = {
    sku: 'sku', barcode: 'barcode', barcodes: 'otherBarcodes', name: 'name', categoryId: 'categoryId', unit: 'unit', priceMinor: 'price', costMinor: 'cost',
    vatRateBp: 'vat', lowStockMilli: 'lowStock', boutiquePrices: 'boutiquePrices', active: 'active',
  };
  if (Array.isArray(details)) {
    for (const issue of details) {
      const path = typeof issue === 'object' && issue && 'path' in issue ? String((issue as { path: unknown }).path) : '';
      const field = known[path.split('.').at(-1) ?? ''];
      if (field) fields.add(field);
    }
  }
  if (/BARCODE/.test(code)) fields.add('barcode').add('otherBarcodes');
  if (/SKU/.test(code)) fields.add('sku');
  if (/BOUTIQUE/.test(code)) fields.add('boutiquePrices');
  if (/CATEGORY/.test(code)) fields.add('categoryId');
  if (/PRICE|AMOUNT/.test(code) && !/BOUTIQUE/.test(code)) fields.add('price');
  if (/VAT/.test(code)) fields.add('vat');
  return [...fields];
}
