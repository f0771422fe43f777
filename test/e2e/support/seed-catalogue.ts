/**
 * A large catalogue for the web admin's end-to-end test: products written as the cloud writes
 * them, through the sync store (`writeDocuments`) in the tenant's session (row-level security),
 * in batches. Deterministic; returns every product of the tenant afterwards (the demo's as read
 * back, and these), so the test knows its totals without asking the list it checks.
 */
import type { Databases } from '../../../cloud/db/tenancy.js';
import type { Category } from '../../../shared/schema/categories.js';
import type { Product } from '../../../shared/schema/products.js';
import { searchForm } from '../../../shared/text.js';
import { writeDocuments } from '../../../sync/server/store.js';

type Item = { name: string; brands: string[]; formats: Array<[string, number]>; unit?: Product['unit'] };

/** By category name: the demo tenant has the first four; the others are created here. */
const SHELVES: Record<string, Item[]> = {
  'Épicerie': [
    { name: 'Riz parfumé', brands: ['Belle Rose', 'Mama', 'Oncle Sam'], formats: [['1 kg', 12_000], ['5 kg', 55_000], ['25 kg', 260_000]] },
    { name: 'Sucre en poudre', brands: ['Sosuco', 'Saint Louis'], formats: [['1 kg', 11_000], ['5 kg', 52_000]] },
    { name: 'Huile d’arachide', brands: ['Dinor', 'Lesieur'], formats: [['1 L', 24_000], ['5 L', 112_000]] },
    { name: 'Farine de blé', brands: ['Grands Moulins', 'Mimi'], formats: [['1 kg', 9_000], ['50 kg', 420_000]] },
    { name: 'Café soluble', brands: ['Nescafé', 'Touba'], formats: [['50 g', 14_000], ['200 g', 48_000]] },
    { name: 'Attiéké', brands: ['Coyah', 'Saveurs d’Ivoire'], formats: [['1 kg', 15_000]], unit: 'kg' },
  ],
  'Boissons': [
    { name: 'Eau minérale', brands: ['Coyah', 'Kinda', 'Cristal'], formats: [['50 cl', 3_000], ['1,5 L', 6_000]] },
    { name: 'Jus de bissap', brands: ['Fruity', 'Saveurs de Guinée'], formats: [['33 cl', 5_000], ['1 L', 14_000]], unit: 'l' },
    { name: 'Thé vert', brands: ['Lipton', 'Ahmad'], formats: [['boîte de 25', 9_500]] },
  ],
  'Hygiène et beauté': [
    { name: 'Savon de Marseille', brands: ['Le Chat', 'Santex'], formats: [['300 g', 6_000]] },
    { name: 'Dentifrice', brands: ['Colgate', 'Signal'], formats: [['75 ml', 8_500]] },
    { name: 'Crème hydratante', brands: ['Nivea', 'Caro White'], formats: [['200 ml', 27_000]] },
  ],
  'Entretien': [
    { name: 'Eau de Javel', brands: ['La Croix', 'Saga'], formats: [['1 L', 7_500]] },
    { name: 'Lessive en poudre', brands: ['Omo', 'Madar'], formats: [['500 g', 9_000], ['3 kg', 48_000]] },
  ],
  'Conserves': [
    { name: 'Sardines à l’huile', brands: ['Titus', 'Joly'], formats: [['125 g', 7_000]] },
    { name: 'Tomate concentrée', brands: ['Gino', 'Pomo'], formats: [['70 g', 2_500], ['400 g', 12_000]] },
  ],
  'Produits laitiers': [
    { name: 'Lait concentré sucré', brands: ['Bonnet Rouge', 'Nestlé'], formats: [['397 g', 11_500]] },
    { name: 'Yaourt nature', brands: ['Laïcran', 'Danone'], formats: [['pack de 4', 16_000]] },
  ],
};

/** An EAN-13 in the in-store range (20–29), far from the demo's 6… codes. */
function barcode(i: number): string {
  const body = `21${String(i).padStart(10, '0')}`;
  const sum = [...body].reduce((s, d, k) => s + Number(d) * (k % 2 === 0 ? 1 : 3), 0);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

export type SeededCatalogue = { products: Product[]; categories: Category[]; seconds: number };

export async function seedCatalogue(databases: Databases, tenantId: string, count: number, batchSize = 5_000): Promise<SeededCatalogue> {
  const started = performance.now();
  const read = await databases.withTenant(
    tenantId,
    async (tx) => ({
      categories: (await tx.query<{ doc: Category }>('SELECT doc FROM categories WHERE tenant_id = $1 AND NOT deleted', [tenantId])).rows.map((r) => r.doc),
      products: (await tx.query<{ doc: Product }>('SELECT doc FROM products WHERE tenant_id = $1 AND NOT deleted', [tenantId])).rows.map((r) => r.doc),
    }),
    { readOnly: true },
  );
  const now = Date.parse('2026-03-02T09:30:00.000Z');
  const categories = [...read.categories];
  const missing: Category[] = Object.keys(SHELVES)
    .filter((name) => !categories.some((c) => c.name === name))
    .map((name, k) => ({ id: `e2e-cat-${k + 1}`, tenantId, code: `E2E${k + 1}`, name, updatedAt: new Date(now).toISOString() }));
  categories.push(...missing);
  const idOf = new Map(categories.map((c) => [c.name, c.id]));
  // Every product combination, in the order the catalogue cycles through them.
  const kinds = Object.entries(SHELVES).flatMap(([shelf, items]) =>
    items.flatMap((item) => item.brands.flatMap((brand) => item.formats.map(([format, price]) => ({ categoryId: idOf.get(shelf)!, name: `${item.name} ${brand} ${format}`, price, unit: item.unit ?? 'piece' })))),
  );

  const products: Product[] = Array.from({ length: count }, (_, i) => {
    const kind = kinds[(i * 7) % kinds.length]!;
    // A reference in the name, zero-padded so that name order reads as number order.
    const name = `${kind.name} n° ${String(i + 1).padStart(6, '0')}`;
    return {
      id: `e2e-p-${String(i + 1).padStart(6, '0')}`,
      tenantId,
      sku: `E2E-${String(i + 1).padStart(6, '0')}`,
      barcode: barcode(i + 1),
      barcodes: [barcode(i + 1)],
      name,
      searchName: searchForm(name),
      categoryId: kind.categoryId,
      // Whole GNF, rounded to 100 as shelves show them, within ±20 % of the usual price.
      priceMinor: Math.round((kind.price * (800 + ((i * 7_919) % 401))) / 1000 / 100) * 100,
      vatRateBp: i % 9 === 0 ? 0 : 1800,
      unit: kind.unit,
      lowStockMilli: i % 3 === 0 ? 10_000 : 0,
      boutiquePrices: [],
      active: i % 17 !== 5,
      updatedAt: new Date(now - ((i * 104_729) % 7_776_000) * 1000).toISOString(),
    };
  });

  if (missing.length > 0) await databases.withTenant(tenantId, (tx) => writeDocuments(tx, tenantId, 'categories', missing));
  for (let start = 0; start < products.length; start += batchSize) {
    const batch = products.slice(start, start + batchSize);
    await databases.withTenant(tenantId, (tx) => writeDocuments(tx, tenantId, 'products', batch));
  }
  return { products: [...read.products, ...products], categories, seconds: (performance.now() - started) / 1000 };
}
