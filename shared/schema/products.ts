import type { RxJsonSchema } from 'rxdb';
import { idField, isoDateField, minorUnits, tenantField, type Owned } from './common.js';

/** A price a boutique sells a product at, instead of the company's price. */
export type BoutiquePrice = { boutiqueId: string; priceMinor: number };

/**
 * Cloud-owned: written in the cloud, pulled by every till of the tenant. What the company pays
 * for a product (`products.cost_minor`) is not here: it stays in the cloud.
 */
export type Product = Owned & {
  /** The company's own reference: unique in the company, the key of a CSV import. */
  sku: string;
  /** The main barcode, always `barcodes[0]`: indexes, lists and receipts use it. */
  barcode: string;
  /** Every code a scanner may read for this product, the main one first. */
  barcodes: string[];
  name: string;
  /** `searchForm(name)` from shared/text: what search-as-you-type compares. */
  searchName: string;
  categoryId: string;
  priceMinor: number;
  vatRateBp: number;
  unit: 'piece' | 'kg' | 'l';
  /** At or below this quantity (milli-units) a boutique's stock is low; 0: never warned. */
  lowStockMilli: number;
  /** Boutiques that sell at their own price; the others sell at `priceMinor`. */
  boutiquePrices: BoutiquePrice[];
  active: boolean;
};

/** Bounds of the product's lists: a handful of codes per product, one price per boutique. */
export const PRODUCT_LIMITS = { barcodes: 10, boutiquePrices: 200, sku: 64, barcode: 32 } as const;

export const productSchema: RxJsonSchema<Product> = {
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: idField,
    tenantId: tenantField,
    sku: { type: 'string', maxLength: PRODUCT_LIMITS.sku },
    barcode: { type: 'string', maxLength: PRODUCT_LIMITS.barcode },
    barcodes: { type: 'array', maxItems: PRODUCT_LIMITS.barcodes, items: { type: 'string', maxLength: PRODUCT_LIMITS.barcode } },
    name: { type: 'string', maxLength: 200 },
    searchName: { type: 'string', maxLength: 200 },
    categoryId: { type: 'string', maxLength: 64 },
    priceMinor: minorUnits,
    vatRateBp: { type: 'integer', minimum: 0, maximum: 10_000 },
    unit: { type: 'string', enum: ['piece', 'kg', 'l'] },
    lowStockMilli: { type: 'integer', minimum: 0, maximum: 1e12, multipleOf: 1 },
    boutiquePrices: {
      type: 'array',
      maxItems: PRODUCT_LIMITS.boutiquePrices,
      items: {
        type: 'object',
        properties: { boutiqueId: { type: 'string', maxLength: 64 }, priceMinor: minorUnits },
        required: ['boutiqueId', 'priceMinor'],
      },
    },
    active: { type: 'boolean' },
    updatedAt: isoDateField,
  },
  required: [
    'id', 'tenantId', 'sku', 'barcode', 'barcodes', 'name', 'searchName', 'categoryId', 'priceMinor', 'vatRateBp', 'unit',
    'lowStockMilli', 'boutiquePrices', 'active', 'updatedAt',
  ],
  indexes: ['barcode', 'searchName', 'categoryId'],
};

/**
 * A product of schema version 0 (before SKUs, several barcodes, thresholds and boutique prices)
 * as version 1 has it. The cloud's migration 0011_catalogue_fields fills its stored documents
 * with the same values, so a till that migrates its copy and one that pulls again agree.
 */
export type ProductV0 = Omit<Product, 'sku' | 'barcodes' | 'lowStockMilli' | 'boutiquePrices'>;

export function productV0ToV1(old: ProductV0 & Partial<Product>): Product {
  return {
    ...old,
    sku: old.sku ?? old.barcode,
    barcodes: old.barcodes ?? [old.barcode],
    lowStockMilli: old.lowStockMilli ?? 0,
    boutiquePrices: old.boutiquePrices ?? [],
  } as Product;
}

/** RxDB's migration of the tills' stored products, one function per version. */
export const productMigrationStrategies = {
  1: (old: Parameters<typeof productV0ToV1>[0]) => productV0ToV1(old),
};

/** The price a boutique sells the product at: its own when it has one, the company's otherwise. */
export function priceAtBoutique(product: Pick<Product, 'priceMinor' | 'boutiquePrices'>, boutiqueId: string): number {
  return product.boutiquePrices?.find((price) => price.boutiqueId === boutiqueId)?.priceMinor ?? product.priceMinor;
}

/** The product as a boutique sells it: its price is that boutique's. */
export function productAtBoutique<T extends Pick<Product, 'priceMinor' | 'boutiquePrices'>>(product: T, boutiqueId: string): T {
  const priceMinor = priceAtBoutique(product, boutiqueId);
  return priceMinor === product.priceMinor ? product : { ...product, priceMinor };
}
