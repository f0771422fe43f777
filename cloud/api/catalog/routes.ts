import { z } from 'zod';
import { text } from '../../../shared/validation.js';
import { defineRoute, idParam, tenantIdParam, type RouteDef } from '../http/route.js';
import * as catalog from './service.js';

const tenantParams = z.object({ tenantId: tenantIdParam });
const productParams = z.object({ tenantId: tenantIdParam, productId: idParam });
const categoryParams = z.object({ tenantId: tenantIdParam, categoryId: idParam });

const productFields = z.object({
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

const productCreate = productFields.extend({ vatRateBp: productFields.shape.vatRateBp.default(1800), active: z.boolean().default(true) }).strict();
const productChange = productFields
  .partial()
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, { message: 'au moins un champ à modifier' });

const product = z.object({
  id: z.string(),
  tenantId: z.string(),
  barcode: z.string(),
  name: z.string(),
  searchName: z.string(),
  categoryId: z.string(),
  unit: z.enum(['piece', 'kg', 'l']),
  priceMinor: z.number().int(),
  vatRateBp: z.number().int(),
  active: z.boolean(),
  updatedAt: z.string(),
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

export const catalogRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/products',
    summary: 'Lister les produits par pages (recherche par nom ou code-barres, catégorie, statut, tri)',
    tags: ['products'],
    access: readProducts,
    params: tenantParams,
    query: productList,
    response: z.object({ products: z.array(product), nextCursor: z.string().nullable(), total: z.number().int() }),
    handler: async ({ params, query, tx }) =>
      catalog.listProducts(tx, params.tenantId, {
        q: query.q, categoryId: query.categoryId ?? null, status: query.status, sort: query.sort, dir: query.dir, limit: query.limit, after: query.after ?? null,
      }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/products/:productId',
    summary: 'Un produit',
    tags: ['products'],
    access: readProducts,
    params: productParams,
    response: z.object({ product }),
    handler: async ({ params, tx }) => ({ product: await catalog.getProduct(tx, params.tenantId, params.productId) }),
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
    handler: async ({ params, body, tx, audit }) => {
      const created = await catalog.createProduct(tx, params.tenantId, body);
      audit.target = created.id;
      audit.details = { barcode: created.barcode, name: created.name, priceMinor: created.priceMinor };
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
    handler: async ({ params, body, tx, audit }) => {
      const updated = await catalog.updateProduct(tx, params.tenantId, params.productId, body);
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
