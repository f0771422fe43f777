/**
 * The product form's rules, apart from the screen so they are tested alone. Values are typed as
 * text; what leaves is the API's body in minor units and basis points (shared/money.ts).
 */
import { parseMajor, DEFAULT_CURRENCY } from '../../../../../../shared/money.js';
import type { Product, ProductInput } from '../../api/catalog.js';

export type ProductFormValues = {
  barcode: string;
  name: string;
  categoryId: string;
  unit: Product['unit'];
  price: string;
  vat: string;
  active: boolean;
};

export type ProductField = keyof ProductFormValues;
/** Keys under ui.productForm of the message to show beside each field. */
export type ProductFormErrors = Partial<Record<ProductField, string>>;

export const UNITS: readonly Product['unit'][] = ['piece', 'kg', 'l'];
/** The VAT usual in Guinea, offered for a new product. */
const DEFAULT_VAT_BP = 1800;
/** Above this a price is a typing slip, not a shop price (and stays far from float limits). */
const MAX_PRICE_MINOR = 1_000_000_000_000;

export function emptyProductForm(categoryId = ''): ProductFormValues {
  return { barcode: '', name: '', categoryId, unit: 'piece', price: '', vat: percentText(DEFAULT_VAT_BP, 'fr'), active: true };
}

/** A rate in basis points as a person types it: 1800 → "18", 550 → "5,5" in French. */
export function percentText(bp: number, language: string): string {
  const text = String(bp / 100);
  return language === 'en' ? text : text.replace('.', ',');
}

export function formFromProduct(product: Product, language: string): ProductFormValues {
  return {
    barcode: product.barcode,
    name: product.name,
    categoryId: product.categoryId,
    unit: product.unit,
    price: String(product.priceMinor),
    vat: percentText(product.vatRateBp, language),
    active: product.active,
  };
}

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
  else if (!/^[A-Za-z0-9-]+$/.test(barcode)) errors.barcode = 'barcodeFormat';

  const name = values.name.trim().replace(/\s+/g, ' ');
  if (!name) errors.name = 'nameRequired';
  else if (name.length > 200) errors.name = 'nameTooLong';

  if (!values.categoryId) errors.categoryId = 'categoryRequired';

  const priceMinor = values.price.trim() ? parsePrice(values.price) : null;
  if (!values.price.trim()) errors.price = 'priceRequired';
  else if (priceMinor === null) errors.price = 'priceInvalid';
  else if (priceMinor > MAX_PRICE_MINOR) errors.price = 'priceTooLarge';

  const vatRateBp = values.vat.trim() ? parseVat(values.vat) : null;
  if (!values.vat.trim()) errors.vat = 'vatRequired';
  else if (vatRateBp === null) errors.vat = 'vatInvalid';

  if (Object.keys(errors).length > 0) return { input: null, errors };
  return { input: { barcode, name, categoryId: values.categoryId, unit: values.unit, priceMinor: priceMinor!, vatRateBp: vatRateBp!, active: values.active }, errors };
}

/** Only what changed, for a PATCH: a field someone else edited meanwhile is left as they put it. */
export function changesOf(before: Product, after: ProductInput): Partial<ProductInput> {
  const changes: Partial<ProductInput> = {};
  for (const key of Object.keys(after) as (keyof ProductInput)[]) {
    if (before[key] !== after[key]) (changes as Record<string, unknown>)[key] = after[key];
  }
  return changes;
}

/** Which field an API refusal is about: `details` paths such as "body.barcode", or the code's name. */
export function fieldsOfApiError(code: string, details: unknown): ProductField[] {
  const fields = new Set<ProductField>();
  const known: Record<string, ProductField> = { barcode: 'barcode', name: 'name', categoryId: 'categoryId', unit: 'unit', priceMinor: 'price', vatRateBp: 'vat', active: 'active' };
  if (Array.isArray(details)) {
    for (const issue of details) {
      const path = typeof issue === 'object' && issue && 'path' in issue ? String((issue as { path: unknown }).path) : '';
      const field = known[path.split('.').at(-1) ?? ''];
      if (field) fields.add(field);
    }
  }
  if (/BARCODE/.test(code)) fields.add('barcode');
  if (/CATEGORY/.test(code)) fields.add('categoryId');
  if (/PRICE|AMOUNT/.test(code)) fields.add('price');
  if (/VAT/.test(code)) fields.add('vat');
  return [...fields];
}
