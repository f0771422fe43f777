import { z } from 'zod';
import { PRODUCT_LIMITS } from '../../../shared/schema/products.js';
import { text } from '../../../shared/validation.js';

// Scanned or typed: no space inside, or a scanner's code would never match it.
const barcode = text({ min: 1, max: PRODUCT_LIMITS.barcode }).regex(/^\S+$/, 'code-barres sans espace');
// Minor units of the tenant's currency (GNF and XOF have none): whole numbers only.
const amount = z.number().int('montant entier attendu (unités mineures)').min(0).max(1e15);

const distinct = (values: readonly string[]) => new Set(values).size === values.length;

export const boutiquePrice = z.object({ boutiqueId: text({ min: 1, max: 64 }), priceMinor: amount }).strict();

/**
 * The rules of a product's fields, in one place: the create and edit routes check a JSON body
 * against them, the CSV import each line, so a product the form refuses cannot come in by a file.
 */
export const productFields = z.object({
  sku: text({ min: 1, max: PRODUCT_LIMITS.sku }).regex(/^[^;|]+$/, 'référence sans « ; » ni « | »'),
  // The main code first; each is unique among the company's live products (checked by the service).
  barcodes: z
    .array(barcode)
    .min(1, 'au moins un code-barres')
    .max(PRODUCT_LIMITS.barcodes, `${PRODUCT_LIMITS.barcodes} codes-barres au plus`)
    .refine(distinct, 'code-barres en double'),
  name: text({ min: 1, max: 200 }),
  categoryId: text({ min: 1, max: 64 }),
  unit: z.enum(['piece', 'kg', 'l']),
  priceMinor: amount,
  vatRateBp: z.number().int().min(0).max(10_000),
  /** What the company pays: the cloud's only, never in the tills' document. */
  costMinor: amount.nullable(),
  // Milli-units (1 kg = 1,000), as stock quantities are counted.
  lowStockMilli: z.number().int('quantité entière attendue (millièmes)').min(0).max(1e12),
  boutiquePrices: z
    .array(boutiquePrice)
    .max(PRODUCT_LIMITS.boutiquePrices)
    .refine((prices) => distinct(prices.map((price) => price.boutiqueId)), 'une boutique a deux prix'),
  active: z.boolean(),
});

export type ProductFields = z.output<typeof productFields>;

export const DEFAULT_VAT_RATE_BP = 1800;

/**
 * A new product. `barcode` alone stands for `barcodes: [barcode]` (clients of the first version of
 * the API send it); without a SKU, the main barcode is the SKU, as products made before SKUs got.
 */
export const productCreate = productFields
  .extend({
    sku: productFields.shape.sku.optional(),
    barcode: barcode.optional(),
    barcodes: productFields.shape.barcodes.optional(),
    vatRateBp: productFields.shape.vatRateBp.default(DEFAULT_VAT_RATE_BP),
    costMinor: productFields.shape.costMinor.default(null),
    lowStockMilli: productFields.shape.lowStockMilli.default(0),
    boutiquePrices: productFields.shape.boutiquePrices.default([]),
    active: z.boolean().default(true),
  })
  .strict()
  .refine((body) => body.barcode !== undefined || body.barcodes !== undefined, { message: 'code-barres manquant', path: ['barcodes'] })
  .refine((body) => body.barcode === undefined || body.barcodes === undefined || body.barcodes[0] === body.barcode, {
    message: 'le code-barres principal est le premier de la liste',
    path: ['barcode'],
  });

/** A change: the fields given, at least one; `barcode` alone replaces the main code and keeps the others. */
export const productChange = productFields
  .partial()
  .extend({ barcode: barcode.optional() })
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, { message: 'au moins un champ à modifier' })
  .refine((body) => body.barcode === undefined || body.barcodes === undefined || body.barcodes[0] === body.barcode, {
    message: 'le code-barres principal est le premier de la liste',
    path: ['barcode'],
  });

export type ProductCreateBody = z.output<typeof productCreate>;
export type ProductChangeBody = z.output<typeof productChange>;
