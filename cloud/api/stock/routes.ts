import { z } from 'zod';
import { text } from '../../../shared/validation.js';
import { AppError } from '../http/errors.js';
import { defineRoute, idParam, tenantIdParam, type RouteDef } from '../http/route.js';
import * as stock from './service.js';

const tenantParams = z.object({ tenantId: tenantIdParam });
const productParams = z.object({ tenantId: tenantIdParam, productId: idParam });
const countParams = z.object({ tenantId: tenantIdParam, countId: idParam });

const readStock = { kind: 'permission', module: 'stock', action: 'read' } as const;
const writeStock = { kind: 'permission', module: 'stock', action: 'write' } as const;

/** A signed quantity in thousandths of a unit, within what a movement may carry. */
const quantityMilli = z.number().int().min(-stock.MAX_QUANTITY_MILLI).max(stock.MAX_QUANTITY_MILLI);
/** A counted quantity: nothing below zero on a shelf. */
const countedMilli = z.number().int().min(0).max(stock.MAX_QUANTITY_MILLI);
const cursor = z.string().max(1000).optional();

const boutique = z.object({ id: z.string(), code: z.string(), name: z.string() });
const level = z.object({
  id: z.string(), name: z.string(), barcode: z.string(), categoryId: z.string(), unit: z.enum(['piece', 'kg', 'l']),
  lowStockMilli: z.number().int(), costMinor: z.number().int().nullable(), levels: z.record(z.string(), z.number().int()),
});
const adjustment = z.object({
  id: z.string(), movementId: z.string(), boutiqueId: z.string(), productId: z.string(), quantityMilli: z.number().int(), reason: z.string(), authorId: z.string(), createdAt: z.string(),
});
const count = z.object({
  id: z.string(), boutiqueId: z.string(), label: z.string(), filter: z.object({}).passthrough(), status: z.enum(['draft', 'applied', 'cancelled']),
  createdBy: z.string(), createdByName: z.string().nullable(), createdAt: z.string(), closedBy: z.string().nullable(), closedByName: z.string().nullable(),
  closedAt: z.string().nullable(), lines: z.number().int(), counted: z.number().int(),
});
const totals = z.object({
  lines: z.number().int(), counted: z.number().int(), withVariance: z.number().int(), varianceMilli: z.number().int(), varianceValueMinor: z.number().int(), uncostedLines: z.number().int(),
});
const countLine = z.object({
  productId: z.string(), name: z.string(), barcode: z.string(), unit: z.enum(['piece', 'kg', 'l']), expectedMilli: z.number().int(),
  countedMilli: z.number().int().nullable(), onHandMilli: z.number().int(), costMinor: z.number().int().nullable(),
  differenceMilli: z.number().int().nullable(), differenceValueMinor: z.number().int().nullable(),
});
const movement = z.object({
  id: z.string(), kind: z.enum(['sale', 'return', 'receipt', 'adjustment', 'transfer_out', 'transfer_in']), boutiqueId: z.string(), quantityMilli: z.number().int(),
  reason: z.string().nullable(), refId: z.string().nullable(), deviceId: z.string().nullable(), deviceName: z.string().nullable(),
  authorId: z.string().nullable(), authorName: z.string().nullable(), createdAt: z.string(),
});

/** A count file as spreadsheets and browsers label it. */
const CSV_MEDIA_TYPES = new Set(['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel']);

/** The body of a count import as text: bounded, strict UTF-8, read before any transaction opens. */
async function readCsvBody(req: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buffer.length;
    if (bytes > stock.COUNT_CSV_LIMITS.bytes) throw new AppError(413, 'CSV_TOO_LARGE', undefined, { max: stock.COUNT_CSV_LIMITS.bytes / 1024 / 1024 });
    chunks.push(buffer);
  }
  try {
    const decoded = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
    if (decoded.includes('\u0000')) throw new Error('NUL');
    return decoded;
  } catch {
    throw new AppError(400, 'CSV_NOT_TEXT');
  }
}

export const stockRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/stock',
    summary: 'Stock par produit d’une boutique (somme des mouvements), du plus bas au plus haut',
    tags: ['stock'],
    access: readStock,
    params: tenantParams,
    query: z.object({
      boutiqueId: idParam,
      below: z.coerce.number().int().min(-1e9).max(1e9).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(200),
    }),
    handler: async ({ params, query, tx, user }) => ({
      stock: await stock.boutiqueStock(tx, params.tenantId, user!, { boutiqueId: query.boutiqueId, below: query.below ?? null, limit: query.limit }),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/stock/levels',
    summary: 'Matrice du stock produits × boutiques, par pages (recherche, catégorie, boutique, stock bas)',
    tags: ['stock'],
    access: readStock,
    params: tenantParams,
    query: z.object({
      q: text({ max: 100 }).default(''),
      categoryId: text({ min: 1, max: 64 }).optional(),
      boutiqueId: idParam.optional(),
      low: z.enum(['true', 'false']).default('false'),
      limit: z.coerce.number().int().min(1).max(200).default(100),
      after: cursor,
    }),
    response: z.object({ boutiques: z.array(boutique), products: z.array(level), nextCursor: z.string().nullable(), total: z.number().int().nullable() }),
    handler: async ({ params, query, tx, user }) =>
      stock.listLevels(tx, params.tenantId, user!, {
        q: query.q, categoryId: query.categoryId ?? null, boutiqueId: query.boutiqueId ?? null, low: query.low === 'true', limit: query.limit, after: query.after ?? null,
      }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/stock/adjustments',
    summary: 'Ajuster le stock d’un produit dans une boutique (motif obligatoire ; idempotent par l’identifiant donné)',
    tags: ['stock'],
    action: 'stock.adjust',
    access: writeStock,
    params: tenantParams,
    body: z
      .object({ id: idParam, boutiqueId: idParam, productId: idParam, quantityMilli: quantityMilli.refine((q) => q !== 0, { message: 'quantité non nulle attendue' }), reason: text({ max: 300 }).optional() })
      .strict(),
    status: 201,
    response: z.object({ adjustment }),
    handler: async ({ params, body, tx, user, audit, setStatus }) => {
      const result = await stock.adjust(tx, params.tenantId, user!, body);
      if (!result.created) {
        setStatus(200);
        audit.skip = true;
      }
      audit.target = result.adjustment.movementId;
      audit.details = { adjustmentId: body.id, boutiqueId: body.boutiqueId, productId: body.productId, quantityMilli: body.quantityMilli, reason: result.adjustment.reason };
      return { adjustment: result.adjustment };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/stock/products/:productId/movements',
    summary: 'Historique des mouvements de stock d’un produit, du plus récent au plus ancien, par pages',
    tags: ['stock'],
    access: readStock,
    params: productParams,
    query: z.object({ boutiqueId: idParam.optional(), limit: z.coerce.number().int().min(1).max(200).default(100), after: cursor }),
    response: z.object({
      product: z.object({ id: z.string(), name: z.string(), barcode: z.string(), unit: z.string() }),
      boutiques: z.array(boutique), movements: z.array(movement), nextCursor: z.string().nullable(),
    }),
    handler: async ({ params, query, tx, user }) =>
      stock.productHistory(tx, params.tenantId, user!, params.productId, { boutiqueId: query.boutiqueId ?? null, after: query.after ?? null, limit: query.limit }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/stock/counts',
    summary: 'Lister les inventaires (les plus récents d’abord)',
    tags: ['stock'],
    access: readStock,
    params: tenantParams,
    query: z.object({
      boutiqueId: idParam.optional(),
      status: z.enum(['draft', 'applied', 'cancelled']).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      before: idParam.optional(),
    }),
    response: z.object({ counts: z.array(count), nextCursor: z.string().nullable() }),
    handler: async ({ params, query, tx, user }) =>
      stock.listCounts(tx, params.tenantId, user!, { boutiqueId: query.boutiqueId ?? null, status: query.status ?? null, before: query.before ?? null, limit: query.limit }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/stock/counts',
    summary: 'Créer une feuille d’inventaire d’une boutique (tous les produits actifs, ou une catégorie, ou une recherche) ; quantités attendues figées',
    tags: ['stock'],
    action: 'stock.count.create',
    access: writeStock,
    params: tenantParams,
    body: z
      .object({ id: idParam.optional(), boutiqueId: idParam, label: text({ max: 120 }).default(''), q: text({ max: 100 }).default(''), categoryId: text({ min: 1, max: 64 }).optional() })
      .strict(),
    status: 201,
    response: z.object({ count }),
    handler: async ({ params, body, tx, user, audit, setStatus }) => {
      const result = await stock.createCount(tx, params.tenantId, user!, { id: body.id, boutiqueId: body.boutiqueId, label: body.label, q: body.q, categoryId: body.categoryId ?? null });
      if (!result.created) {
        setStatus(200);
        audit.skip = true;
      }
      audit.target = result.count.id;
      audit.details = { boutiqueId: body.boutiqueId, label: body.label, q: body.q, categoryId: body.categoryId ?? null, lines: result.count.lines };
      return { count: result.count };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/stock/counts/:countId',
    summary: 'Un inventaire et les totaux de son rapport d’écarts',
    tags: ['stock'],
    access: readStock,
    params: countParams,
    response: z.object({ count, totals }),
    handler: async ({ params, tx, user }) => stock.getCount(tx, params.tenantId, user!, params.countId),
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/stock/counts/:countId/lines',
    summary: 'Lignes d’un inventaire par pages : attendu, compté, stock actuel, écart et sa valeur au coût',
    tags: ['stock'],
    access: readStock,
    params: countParams,
    query: z.object({
      q: text({ max: 100 }).default(''),
      state: z.enum(['all', 'counted', 'uncounted', 'variance']).default('all'),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      after: cursor,
    }),
    response: z.object({ lines: z.array(countLine), nextCursor: z.string().nullable() }),
    handler: async ({ params, query, tx, user }) =>
      stock.listCountLines(tx, params.tenantId, user!, params.countId, { q: query.q, state: query.state, after: query.after ?? null, limit: query.limit }),
  }),
  defineRoute({
    method: 'put',
    path: '/api/tenants/:tenantId/stock/counts/:countId/lines',
    summary: 'Saisir des quantités comptées (null efface un comptage)',
    tags: ['stock'],
    action: 'stock.count.enter',
    access: writeStock,
    params: countParams,
    body: z.object({ lines: z.array(z.object({ productId: idParam, countedMilli: countedMilli.nullable() }).strict()).min(1).max(1000) }).strict(),
    response: z.object({ updated: z.number().int() }),
    handler: async ({ params, body, tx, user, audit }) => {
      const result = await stock.enterCounts(tx, params.tenantId, user!, params.countId, body.lines);
      audit.target = params.countId;
      audit.details = { lines: body.lines.length };
      return result;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/stock/counts/:countId/import',
    summary: 'Importer des quantités comptées en CSV (colonnes code;quantite, code = code-barres ou référence) : rien n’est écrit si une ligne est en erreur',
    tags: ['stock'],
    action: 'stock.count.import',
    access: writeStock,
    params: countParams,
    content: { request: 'text/csv', description: 'Lignes lues, lignes enregistrées, erreurs par ligne' },
    response: z.object({ lines: z.number().int(), updated: z.number().int(), errorCount: z.number().int(), errors: z.array(z.object({ line: z.number().int(), reason: z.string() })) }),
    // The file is read before the transaction opens (an upload may be slow); the writes and the
    // audit entry then run in one transaction of their own.
    transaction: false,
    handler: async ({ params, req, res, services, user }) => {
      let file: string;
      try {
        const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (!CSV_MEDIA_TYPES.has(mediaType)) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE');
        const length = Number(req.headers['content-length'] ?? 0);
        if (length > stock.COUNT_CSV_LIMITS.bytes) throw new AppError(413, 'CSV_TOO_LARGE', undefined, { max: stock.COUNT_CSV_LIMITS.bytes / 1024 / 1024 });
        file = await readCsvBody(req.iterator({ destroyOnReturn: false }));
      } catch (error) {
        if ((error as { code?: string }).code === 'ECONNRESET') throw new AppError(400, 'MALFORMED_REQUEST');
        if (!req.readableEnded) {
          res.setHeader('Connection', 'close');
          req.resume();
        }
        throw error;
      }
      const tenantId = params.tenantId;
      return services.databases.withTenant(tenantId, async (tx) => {
        const result = await stock.importCounts(tx, tenantId, user!, params.countId, file);
        if (result.updated > 0) {
          await services.audit.tenant(tx, { tenantId, principal: user, action: 'stock.count.import', target: params.countId, req, details: { lines: result.lines, updated: result.updated } });
        }
        return result;
      });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/stock/counts/:countId/apply',
    summary: 'Appliquer un inventaire en une fois : chaque ligne comptée devient le stock de la boutique (mouvements d’ajustement, une seule fois)',
    tags: ['stock'],
    action: 'stock.count.apply',
    access: writeStock,
    params: countParams,
    response: z.object({ count, movements: z.number().int(), applied: z.boolean() }),
    handler: async ({ params, tx, user, audit }) => {
      const result = await stock.applyCount(tx, params.tenantId, user!, params.countId);
      if (!result.applied) audit.skip = true;
      audit.target = params.countId;
      audit.details = { boutiqueId: result.count.boutiqueId, movements: result.movements };
      return result;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/stock/counts/:countId/cancel',
    summary: 'Annuler un inventaire en brouillon (rien n’est écrit dans le stock)',
    tags: ['stock'],
    action: 'stock.count.cancel',
    access: writeStock,
    params: countParams,
    response: z.object({ count }),
    handler: async ({ params, tx, user, audit }) => {
      const cancelled = await stock.cancelCount(tx, params.tenantId, user!, params.countId);
      audit.target = params.countId;
      return { count: cancelled };
    },
  }),
];
