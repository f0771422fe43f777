import { z } from 'zod';
import { text } from '../../../shared/validation.js';
import { defineRoute, idParam, tenantIdParam, type RouteDef } from '../http/route.js';
import * as purchasing from './service.js';

const tenantParams = z.object({ tenantId: tenantIdParam });
const supplierParams = z.object({ tenantId: tenantIdParam, supplierId: idParam });
const orderParams = z.object({ tenantId: tenantIdParam, orderId: idParam });

const readSuppliers = { kind: 'permission', module: 'suppliers', action: 'read' } as const;
const writeSuppliers = { kind: 'permission', module: 'suppliers', action: 'write' } as const;

const email = text({ max: 200 }).refine((v) => v === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), { message: 'adresse e-mail invalide' });

const supplierFields = z.object({
  name: text({ min: 1, max: 200 }),
  contact: text({ max: 200 }),
  phone: text({ max: 40 }),
  email,
  address: text({ max: 500 }),
  notes: text({ max: 2000 }),
  active: z.boolean(),
});
const supplierCreate = supplierFields
  .extend({
    contact: supplierFields.shape.contact.default(''), phone: supplierFields.shape.phone.default(''), email: email.default(''),
    address: supplierFields.shape.address.default(''), notes: supplierFields.shape.notes.default(''), active: z.boolean().default(true),
  })
  .strict();
const supplierChange = supplierFields
  .partial()
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, { message: 'au moins un champ à modifier' });

const supplier = z.object({
  id: z.string(), name: z.string(), contact: z.string(), phone: z.string(), email: z.string(), address: z.string(), notes: z.string(),
  active: z.boolean(), createdAt: z.string(), updatedAt: z.string(),
});

const ORDER_STATUSES = ['draft', 'ordered', 'partly_received', 'received', 'cancelled'] as const;

/**
 * Bounds that keep every amount an exact integer: a line is at most 100,000 units (in thousandths)
 * at 500,000,000 minor units each, and an order at most 100 lines, so a total stays below 2^53.
 */
const quantityMilli = z.number().int('quantité entière attendue (millièmes d’unité)').min(1).max(100_000_000);
const unitCostMinor = z.number().int('montant entier attendu (unités mineures)').min(0).max(500_000_000);
const ORDER_LINES_MAX = 100;

const orderLine = z.object({ productId: idParam, quantityMilli, unitCostMinor }).strict();
const orderFields = z.object({
  supplierId: idParam,
  boutiqueId: idParam,
  notes: text({ max: 2000 }),
  lines: z.array(orderLine).max(ORDER_LINES_MAX),
});
const orderCreate = orderFields.extend({ notes: orderFields.shape.notes.default(''), lines: orderFields.shape.lines.default([]) }).strict();
const orderChange = orderFields
  .partial()
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, { message: 'au moins un champ à modifier' });

const receptionBody = z
  .object({
    /** Chosen by the sender, so that sending it again (a lost answer) is recognised and not redone. */
    id: idParam,
    lines: z.array(z.object({ lineId: idParam, quantityMilli, unitCostMinor }).strict()).min(1).max(ORDER_LINES_MAX),
  })
  .strict()
  .refine((body) => new Set(body.lines.map((l) => l.lineId)).size === body.lines.length, { message: 'une ligne de commande au plus une fois', path: ['lines'] });

const orderSummary = z.object({
  id: z.string(), number: z.string(), supplierId: z.string(), supplierName: z.string(), boutiqueId: z.string(), boutiqueName: z.string(),
  status: z.enum(ORDER_STATUSES), notes: z.string(), createdAt: z.string(), updatedAt: z.string(), orderedAt: z.string().nullable(),
  lineCount: z.number().int(), totalMinor: z.number().int(), receivedTotalMinor: z.number().int(),
});
const orderDetail = orderSummary.extend({
  lines: z.array(z.object({
    id: z.string(), position: z.number().int(), productId: z.string(), productName: z.string(), productBarcode: z.string(), unit: z.string(),
    quantityMilli: z.number().int(), unitCostMinor: z.number().int(), receivedMilli: z.number().int(), remainingMilli: z.number().int(),
    amountMinor: z.number().int(), costMinor: z.number().int().nullable(),
  })),
  receptions: z.array(z.object({
    id: z.string(), receivedAt: z.string(), receivedBy: z.string().nullable(), receivedByName: z.string().nullable(), totalMinor: z.number().int(),
    lines: z.array(z.object({
      lineId: z.string(), productId: z.string(), quantityMilli: z.number().int(), unitCostMinor: z.number().int(),
      onHandBeforeMilli: z.number().int(), costBeforeMinor: z.number().int().nullable(), costAfterMinor: z.number().int(),
    })),
  })),
});

export const purchasingRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/suppliers',
    summary: 'Lister les fournisseurs par nom, par pages (recherche par nom, contact, téléphone ou e-mail)',
    tags: ['suppliers'],
    access: readSuppliers,
    params: tenantParams,
    query: z.object({
      q: text({ max: 100 }).default(''),
      status: z.enum(['active', 'archived', 'all']).default('active'),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      after: z.string().max(1000).optional(),
    }),
    response: z.object({ suppliers: z.array(supplier), nextCursor: z.string().nullable(), total: z.number().int() }),
    handler: async ({ params, query, tx }) => purchasing.listSuppliers(tx, params.tenantId, { q: query.q, status: query.status, limit: query.limit, after: query.after ?? null }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/suppliers/:supplierId',
    summary: 'Un fournisseur',
    tags: ['suppliers'],
    access: readSuppliers,
    params: supplierParams,
    response: z.object({ supplier }),
    handler: async ({ params, tx }) => ({ supplier: await purchasing.getSupplier(tx, params.tenantId, params.supplierId) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/suppliers',
    summary: 'Créer un fournisseur',
    tags: ['suppliers'],
    action: 'suppliers.create',
    access: writeSuppliers,
    params: tenantParams,
    body: supplierCreate,
    status: 201,
    response: z.object({ supplier }),
    handler: async ({ params, body, tx, audit }) => {
      const created = await purchasing.createSupplier(tx, params.tenantId, body);
      audit.target = created.id;
      audit.details = { name: created.name };
      return { supplier: created };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/tenants/:tenantId/suppliers/:supplierId',
    summary: 'Modifier un fournisseur ; { active: false } l’archive',
    tags: ['suppliers'],
    action: 'suppliers.update',
    access: writeSuppliers,
    params: supplierParams,
    body: supplierChange,
    response: z.object({ supplier }),
    handler: async ({ params, body, tx, audit }) => {
      const updated = await purchasing.updateSupplier(tx, params.tenantId, params.supplierId, body);
      audit.target = updated.id;
      audit.details = { changes: body };
      return { supplier: updated };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/purchase-orders',
    summary: 'Lister les commandes d’achat, les plus récentes d’abord (filtres : statut, fournisseur, boutique) ; un gérant voit celles de ses boutiques',
    tags: ['purchase-orders'],
    access: readSuppliers,
    params: tenantParams,
    query: z.object({
      status: z.enum(ORDER_STATUSES).optional(),
      supplierId: idParam.optional(),
      boutiqueId: idParam.optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    }),
    response: z.object({ orders: z.array(orderSummary), nextBefore: z.number().int().nullable(), total: z.number().int() }),
    handler: async ({ params, query, tx, user }) =>
      purchasing.listOrders(tx, params.tenantId, purchasing.scopeOf(user!), {
        status: query.status ?? null, supplierId: query.supplierId ?? null, boutiqueId: query.boutiqueId ?? null, limit: query.limit, before: query.before ?? null,
      }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/purchase-orders/:orderId',
    summary: 'Une commande d’achat : lignes, totaux, réceptions (coût du produit avant → après)',
    tags: ['purchase-orders'],
    access: readSuppliers,
    params: orderParams,
    response: z.object({ order: orderDetail }),
    handler: async ({ params, tx, user }) => ({ order: await purchasing.getOrder(tx, params.tenantId, purchasing.scopeOf(user!), params.orderId) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/purchase-orders',
    summary: 'Créer une commande d’achat en brouillon (numéro BC-000123 donné par le serveur)',
    tags: ['purchase-orders'],
    action: 'purchase_orders.create',
    access: writeSuppliers,
    params: tenantParams,
    body: orderCreate,
    status: 201,
    response: z.object({ order: orderDetail }),
    handler: async ({ params, body, tx, user, audit }) => {
      const order = await purchasing.createOrder(tx, params.tenantId, purchasing.scopeOf(user!), body, user!.userId);
      audit.target = order.id;
      audit.details = { number: order.number, supplierId: order.supplierId, boutiqueId: order.boutiqueId, lines: body.lines, totalMinor: order.totalMinor };
      return { order };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/tenants/:tenantId/purchase-orders/:orderId',
    summary: 'Modifier une commande en brouillon (fournisseur, boutique, notes, lignes remplacées)',
    tags: ['purchase-orders'],
    action: 'purchase_orders.update',
    access: writeSuppliers,
    params: orderParams,
    body: orderChange,
    response: z.object({ order: orderDetail }),
    handler: async ({ params, body, tx, user, audit }) => {
      const order = await purchasing.updateOrder(tx, params.tenantId, purchasing.scopeOf(user!), params.orderId, body);
      audit.target = order.id;
      audit.details = { number: order.number, changes: body };
      return { order };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/purchase-orders/:orderId/order',
    summary: 'Passer la commande au fournisseur (brouillon → commandée)',
    tags: ['purchase-orders'],
    action: 'purchase_orders.order',
    access: writeSuppliers,
    params: orderParams,
    response: z.object({ order: orderDetail }),
    handler: async ({ params, tx, user, audit }) => {
      const order = await purchasing.placeOrder(tx, params.tenantId, purchasing.scopeOf(user!), params.orderId);
      audit.target = order.id;
      audit.details = { number: order.number, totalMinor: order.totalMinor };
      return { order };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/purchase-orders/:orderId/cancel',
    summary: 'Annuler une commande (depuis brouillon ou commandée, avant toute réception)',
    tags: ['purchase-orders'],
    action: 'purchase_orders.cancel',
    access: writeSuppliers,
    params: orderParams,
    response: z.object({ order: orderDetail }),
    handler: async ({ params, tx, user, audit }) => {
      const order = await purchasing.cancelOrder(tx, params.tenantId, purchasing.scopeOf(user!), params.orderId);
      audit.target = order.id;
      audit.details = { number: order.number };
      return { order };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/purchase-orders/:orderId/receptions',
    summary:
      'Réceptionner tout ou partie d’une commande (quantités et coûts unitaires réels) : entrées de stock à la boutique, coût moyen pondéré des produits ; renvoyée sous le même id, elle ne refait rien (200)',
    tags: ['purchase-orders'],
    action: 'purchase_orders.receive',
    access: writeSuppliers,
    params: orderParams,
    body: receptionBody,
    status: 201,
    response: z.object({ replayed: z.boolean(), order: orderDetail }),
    handler: async ({ params, body, tx, user, audit, setStatus }) => {
      const result = await purchasing.receive(tx, params.tenantId, purchasing.scopeOf(user!), params.orderId, body, user!.userId);
      if (result.replayed) setStatus(200);
      const reception = result.order.receptions.find((r) => r.id === body.id);
      audit.target = result.order.id;
      audit.details = { number: result.order.number, receptionId: body.id, replayed: result.replayed, status: result.order.status, lines: reception?.lines ?? body.lines };
      return result;
    },
  }),
];
