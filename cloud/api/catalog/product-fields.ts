import { z } from 'zod';
import { text } from '../../../shared/validation.js';

/**
 * The rules of a product's fields, in one place: the create and edit routes check a JSON body
 * against them, the CSV import each line, so a product the form refuses cannot come in by a file.
 */
export const productFields = z.object({
  // Scanned or typed: no space inside, or a scanner's code would never match it.
  barcode: text({ min: 1, max: 32 }).regex(/^\S+$/, 'code-barres sans espace'),
  name: text({ min: 1, max: 200 }),
  categoryId: text({ min: 1, max: 64 }),
  unit: z.enum(['piece', 'kg', 'l']),
  // Minor units of the tenant's currency (GNF and XOF have none): whole numbers only.
  priceMinor: z.number().int('montant entier attendu (unités mineures)').min(0).max(1e15),
  vatRateBp: z.number().int().min(0).max(10_000),
  active: z.boolean(),
});

export const DEFAULT_VAT_RATE_BP = 1800;

export const productCreate = productFields
  .extend({ vatRateBp: productFields.shape.vatRateBp.default(DEFAULT_VAT_RATE_BP), active: z.boolean().default(true) })
  .strict();
