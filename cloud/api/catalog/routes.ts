import { z } from 'zod';
import { errorMessage, pickLocale } from '../../../shared/i18n/index.js';
import { text } from '../../../shared/validation.js';
import { AppError } from '../http/errors.js';
import { defineRoute, idParam, tenantIdParam, type RouteDef } from '../http/route.js';
import { can } from '../../../shared/rbac.js';
import type { Principal } from '../http/principal.js';
import { listBoutiques } from '../boutiques/service.js';
import { productChange, productCreate } from './product-fields.js';
import { CSV_LIMITS } from './catalogue-csv.js';
import * as catalog from './service.js';

const tenantParams = z.object({ tenantId: tenantIdParam });
const productParams = z.object({ tenantId: tenantIdParam, productId: idParam });
const categoryParams = z.object({ tenantId: tenantIdParam, categoryId: idParam });

const product = z.object({
  id: z.string(),
  tenantId: z.string(),
  sku: z.string(),
  barcode: z.string(),
  barcodes: z.array(z.string()),
  name: z.string(),
  searchName: z.string(),
  categoryId: z.string(),
  unit: z.enum(['piece', 'kg', 'l']),
  priceMinor: z.number().int(),
  vatRateBp: z.number().int(),
  lowStockMilli: z.number().int(),
  boutiquePrices: z.array(z.object({ boutiqueId: z.string(), priceMinor: z.number().int() })),
  active: z.boolean(),
  updatedAt: z.string(),
  /** What the company pays, to managers only (never in the tills' document). */
  costMinor: z.number().int().nullable().optional(),
});
const category = z.object({ id: z.string(), tenantId: z.string(), code: z.string(), name: z.string(), updatedAt: z.string() });
const categoryBody = z.object({ name: text({ min: 1, max: 120 }) }).strict();

const productList = z.object({
  q: text({ max: 100 }).default(''),
  categoryId: text({ min: 1, max: 64 }).optional(),
  status: z.enum(['active', 'archived', 'all']).default('active'),
  sort: z.enum(['name', 'barcode', 'priceMinor', 'updatedAt']).default('name'),
  dir: z.enum(['asc', 'desc']).default('asc'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.string().max(1000).optional(),
});

const readProducts = { kind: 'permission', module: 'products', action: 'read' } as const;
const writeProducts = { kind: 'permission', module: 'products', action: 'write' } as const;

/** What a product costs is for those who manage the catalogue; an employee reads the rest. */
function seesCost(principal: Principal | null): boolean {
  return principal?.kind === 'user' && can(principal.role, 'products', 'write');
}

/** Whose boutique prices the author may set: a dg their own boutiques', anyone else all of them. */
function boutiqueScope(principal: Principal | null): catalog.BoutiqueScope {
  return principal?.kind === 'user' && principal.role === 'dg' ? principal.boutiqueIds : null;
}

const importQuery = z.object({ mode: z.enum(['all-or-nothing', 'valid-only']).default('all-or-nothing') });

/** A CSV body as spreadsheets and browsers label it; anything else is not a catalogue file. */
const CSV_MEDIA_TYPES = new Set(['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel']);

/** Progress lines of an import: one every write batch, a few thousand lines each. */
type ImportLine =
  | { type: 'progress'; processed: number; total: number }
  | { type: 'result'; mode: string; created: number; updated: number; unchanged: number; errorCount: number; errors: catalog.ImportLineError[] }
  | { type: 'error'; error: { code: string; message: string } };

export const catalogRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/products/export.csv',
    summary:
      'Exporter tout le catalogue en CSV (UTF-8 avec BOM, séparateur « ; », colonnes sku;code_barres;nom;categorie;unite;prix_vente;prix_achat;tva;seuil_stock;actif puis prix_<CODE> par boutique)',
    tags: ['products'],
    access: readProducts,
    params: tenantParams,
    content: { response: 'text/csv', description: 'Le catalogue, archivés compris, par ordre de code-barres' },
    handler: async ({ params, tx, res, principal }) => {
      res.status(200);
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="catalogue.csv"');
      // Written as it is read, at the pace the caller takes it: a slow download holds one page.
      for await (const chunk of catalog.exportCatalogue(tx, params.tenantId, boutiqueScope(principal), seesCost(principal))) {
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      }
      res.end();
      return undefined;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/products/import',
    summary:
      'Importer un catalogue CSV (mêmes colonnes ; « ; » ou « , »), par SKU : réponse NDJSON, des lignes {type:"progress"} puis {type:"result"}',
    tags: ['products'],
    action: 'products.import',
    access: writeProducts,
    params: tenantParams,
    query: importQuery,
    content: { request: 'text/csv', response: 'application/x-ndjson', description: 'Progression puis résultat (créés, modifiés, inchangés, erreurs par ligne)' },
    // The file is read before any transaction opens (an upload may be slow), and the writes then
    // run in the route's own transaction, which records the audit entry.
    transaction: false,
    handler: async ({ params, query, req, res, services, principal }) => {
      const tenantId = params.tenantId;
      let file: catalog.ImportFile;
      try {
        const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (!CSV_MEDIA_TYPES.has(mediaType)) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE');
        const length = Number(req.headers['content-length'] ?? 0);
        if (length > CSV_LIMITS.bytes) throw new AppError(413, 'CSV_TOO_LARGE', undefined, { max: CSV_LIMITS.bytes / 1024 / 1024 });
        const scope = boutiqueScope(principal);
        const { categories, boutiques } = await services.databases.withTenant(
          tenantId,
          async (tx) => ({
            categories: await catalog.listCategories(tx, tenantId),
            boutiques: (await listBoutiques(tx, tenantId)).filter((b) => scope === null || scope.includes(b.id)),
          }),
          { readOnly: true },
        );
        // Not destroyed when reading stops early: the answer must still reach the caller.
        file = await catalog.readImportFile(req.iterator({ destroyOnReturn: false }), categories, boutiques);
      } catch (error) {
        // The caller hung up mid-upload: theirs to retry, not a fault of ours to log as one.
        if ((error as { code?: string }).code === 'ECONNRESET') throw new AppError(400, 'MALFORMED_REQUEST');
        // Refused before the whole body was read: the rest is drained and the connection closed.
        if (!req.readableEnded) {
          res.setHeader('Connection', 'close');
          req.resume();
        }
        throw error;
      }
      res.status(200);
      res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
      const send = (line: ImportLine) => void res.write(`${JSON.stringify(line)}\n`);
      const report = (result: catalog.ImportResult) => send({ type: 'result', mode: query.mode, ...result });
      if (file.errorCount > 0 && query.mode === 'all-or-nothing') {
        report({ created: 0, updated: 0, unchanged: 0, errorCount: file.errorCount, errors: file.errors });
      } else {
        try {
          const result = await services.databases.withTenant(tenantId, async (tx) => {
            const done = await catalog.importCatalogue(tx, tenantId, file, query.mode, async (progress) => {
              send({ type: 'progress', ...progress });
              // A turn of the event loop, so the line leaves now: on the embedded database the
              // batches' queries never wait for I/O, and every line would otherwise go at the end.
              await new Promise((resolve) => setImmediate(resolve));
            });
            await services.audit.tenant(tx, {
              tenantId, principal, action: 'products.import', target: null, req,
              details: { mode: query.mode, lines: file.lines, created: done.created, updated: done.updated, unchanged: done.unchanged, errorCount: done.errorCount },
            });
            return done;
          });
          report(result);
        } catch (error) {
          // The answer has begun: the failure is its last line, and the transaction wrote nothing.
          req.log?.error({ err: error }, 'catalogue import failed');
          send({ type: 'error', error: { code: 'IMPORT_INTERRUPTED', message: errorMessage(pickLocale(req.headers['accept-language']), 'IMPORT_INTERRUPTED') } });
        }
      }
      res.end();
      return undefined;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/products',
    summary: 'Lister les produits par pages (recherche par nom, par l’un des codes-barres ou par SKU, catégorie, statut, tri)',
    tags: ['products'],
    access: readProducts,
    params: tenantParams,
    query: productList,
    response: z.object({ products: z.array(product), nextCursor: z.string().nullable(), total: z.number().int() }),
    handler: async ({ params, query, tx, principal }) =>
      catalog.listProducts(
        tx,
        params.tenantId,
        { q: query.q, categoryId: query.categoryId ?? null, status: query.status, sort: query.sort, dir: query.dir, limit: query.limit, after: query.after ?? null },
        seesCost(principal),
      ),
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/products/:productId',
    summary: 'Un produit',
    tags: ['products'],
    access: readProducts,
    params: productParams,
    response: z.object({ product }),
    handler: async ({ params, tx, principal }) => ({ product: await catalog.getProduct(tx, params.tenantId, params.productId, seesCost(principal)) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/products',
    summary: 'Créer un produit (les caisses le reçoivent par la synchronisation)',
    tags: ['products'],
    action: 'products.create',
    access: writeProducts,
    params: tenantParams,
    body: productCreate,
    status: 201,
    response: z.object({ product }),
    handler: async ({ params, body, tx, audit, principal }) => {
      const created = await catalog.createProduct(tx, params.tenantId, body, boutiqueScope(principal));
      audit.target = created.id;
      audit.details = { sku: created.sku, barcodes: created.barcodes, name: created.name, priceMinor: created.priceMinor, costMinor: created.costMinor };
      return { product: created };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/tenants/:tenantId/products/:productId',
    summary: 'Modifier un produit ; { active: false } l’archive',
    tags: ['products'],
    action: 'products.update',
    access: writeProducts,
    params: productParams,
    body: productChange,
    response: z.object({ product }),
    handler: async ({ params, body, tx, audit, principal }) => {
      const updated = await catalog.updateProduct(tx, params.tenantId, params.productId, body, boutiqueScope(principal));
      audit.target = updated.id;
      audit.details = { changes: body };
      return { product: updated };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/categories',
    summary: 'Lister les catégories',
    tags: ['categories'],
    access: readProducts,
    params: tenantParams,
    response: z.object({ categories: z.array(category) }),
    handler: async ({ params, tx }) => ({ categories: await catalog.listCategories(tx, params.tenantId) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/categories',
    summary: 'Créer une catégorie',
    tags: ['categories'],
    action: 'categories.create',
    access: writeProducts,
    params: tenantParams,
    body: categoryBody,
    status: 201,
    response: z.object({ category }),
    handler: async ({ params, body, tx, audit }) => {
      const created = await catalog.createCategory(tx, params.tenantId, body);
      audit.target = created.id;
      audit.details = { name: created.name, code: created.code };
      return { category: created };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/tenants/:tenantId/categories/:categoryId',
    summary: 'Renommer une catégorie',
    tags: ['categories'],
    action: 'categories.update',
    access: writeProducts,
    params: categoryParams,
    body: categoryBody,
    response: z.object({ category }),
    handler: async ({ params, body, tx, audit }) => {
      const updated = await catalog.updateCategory(tx, params.tenantId, params.categoryId, body);
      audit.target = updated.id;
      audit.details = { name: updated.name };
      return { category: updated };
    },
  }),
];
