import { z } from 'zod';
import { can } from '../../../shared/rbac.js';
import { text } from '../../../shared/validation.js';
import type { ProviderName } from '../../payments/provider.js';
import { notFound } from '../http/errors.js';
import { idempotencyKey } from '../http/idempotency.js';
import { asApiError } from '../http/payment-errors.js';
import { defineRoute, idParam, tenantIdParam, type RouteDef } from '../http/route.js';
import * as ecommerce from './service.js';

const tenantParams = z.object({ tenantId: tenantIdParam });
const orderParams = z.object({ tenantId: tenantIdParam, orderId: z.uuid() });
const ONLINE_PROVIDERS = ['stripe', 'paypal', 'mtn-momo', 'orange-money'] as const satisfies readonly ProviderName[];

const orderBody = z.object({
  customer: z.object({
    name: text({ min: 2, max: 120 }),
    phone: z.string().trim().regex(/^\+?[0-9 ]{8,16}$/, 'numéro de téléphone invalide'),
    email: z.email().max(200).optional(),
  }),
  lines: z.array(z.object({ productId: text({ min: 1, max: 64 }), quantity: z.number().int().min(1).max(999) })).min(1).max(100),
  provider: z.enum(ONLINE_PROVIDERS),
  /** Where the provider's page sends the customer back (the storefront's order page). */
  returnUrl: z.url().max(2000).optional(),
});

const settingsBody = z.object({
  fulfilmentBoutiqueId: idParam,
  /** How long an unpaid order holds its quantities at the fulfilment boutique. */
  holdMinutes: z.number().int().min(5).max(1440).optional(),
}).strict();

const readOrders = { kind: 'permission', module: 'ecommerce.orders', action: 'read' } as const;
const writeOrders = { kind: 'permission', module: 'ecommerce.orders', action: 'write' } as const;

/**
 * The storefront's side (public: anyone may order and pay at the catalogue's prices, and follow
 * an order by its random id) and the staff's side of online orders (list, detail, the steps of
 * preparation, cancellation with refund, and the choice of the boutique that serves them).
 */
export const ecommerceRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/storefront/:tenantCode',
    summary: 'La boutique en ligne d’une entreprise : identité et catalogue actif, avec le stock disponible de la boutique qui sert les commandes',
    tags: ['ecommerce'],
    access: { kind: 'public' },
    params: z.object({ tenantCode: z.string().regex(/^[a-z0-9-]{2,32}$/i) }),
    query: z.object({ q: text({ max: 80 }).optional(), limit: z.coerce.number().int().min(1).max(200).default(60) }),
    handler: async ({ params, query, services }) => {
      const tenant = await services.tenants.byCode(params.tenantCode);
      if (!tenant || tenant.status !== 'active') throw notFound('TENANT_NOT_FOUND');
      const products = await services.databases.withTenant(tenant.id, (tx) => ecommerce.storefrontCatalogue(tx, tenant.id, query), { readOnly: true });
      return { tenantId: tenant.id, code: tenant.code, name: tenant.name, currency: tenant.currency, products };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/ecommerce/orders',
    summary: 'Passer une commande en ligne et démarrer son paiement (en-tête Idempotency-Key requis ; 409 si le stock ne suffit pas)',
    tags: ['ecommerce'],
    access: { kind: 'public' },
    transaction: false,
    params: tenantParams,
    body: orderBody,
    status: 201,
    handler: async ({ params, body, tenant, services, req, setStatus }) => {
      const key = idempotencyKey(req);
      const { order, fresh } = await services.databases.withTenant(params.tenantId, (tx) => ecommerce.createOrder(tx, tenant, key, body));
      const { payment } = await asApiError(() => services.payments.initiate(params.tenantId, ecommerce.paymentRequest(order, body)));
      if (!fresh) setStatus(200);
      const current = await services.databases.withTenant(params.tenantId, (tx) => ecommerce.trackOrder(tx, params.tenantId, order.id), { readOnly: true });
      return { order: current, payment };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/ecommerce/orders/:orderId',
    summary: 'Suivre une commande : paiement et préparation',
    tags: ['ecommerce'],
    access: { kind: 'public' },
    params: orderParams,
    handler: async ({ params, tx }) => ({ order: await ecommerce.trackOrder(tx, params.tenantId, params.orderId) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/ecommerce/orders',
    summary: 'Lister les commandes en ligne (les plus récentes d’abord ; filtre par statut, recherche par numéro ou client)',
    tags: ['ecommerce'],
    access: readOrders,
    params: tenantParams,
    query: z.object({
      status: z.enum(ecommerce.FULFILMENT_STATUSES).optional(),
      paymentStatus: z.enum(ecommerce.ORDER_PAYMENT_STATUSES).optional(),
      q: text({ max: 80 }).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      after: z.string().max(200).optional(),
    }),
    handler: async ({ params, query, user, tx }) => ecommerce.listOrders(tx, params.tenantId, user!, query),
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/ecommerce/orders/:orderId/details',
    summary: 'Une commande en ligne pour le personnel : lignes, client, paiement, étapes possibles',
    tags: ['ecommerce'],
    access: readOrders,
    params: orderParams,
    handler: async ({ params, user, tx }) => ({ order: await ecommerce.orderDetail(tx, params.tenantId, user!, params.orderId) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/ecommerce/orders/:orderId/fulfilment',
    summary: 'Faire avancer la préparation d’une commande payée : preparing → ready → picked_up | delivered',
    tags: ['ecommerce'],
    action: 'ecommerce.orders.fulfilment',
    access: writeOrders,
    params: orderParams,
    body: z.object({ status: z.enum(['preparing', 'ready', 'picked_up', 'delivered']) }).strict(),
    handler: async ({ params, body, user, tx, audit }) => {
      const { order, from } = await ecommerce.moveOrder(tx, params.tenantId, user!, params.orderId, body.status);
      audit.target = order.id;
      audit.details = { number: order.number, from, to: body.status };
      return { order: ecommerce.publicView(order) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/ecommerce/orders/:orderId/cancel',
    summary: 'Annuler une commande ; payée, elle est remboursée par son moyen de paiement et son stock rendu (droit payments.refunds)',
    tags: ['ecommerce'],
    action: 'ecommerce.orders.cancel',
    access: writeOrders,
    // The refund calls the provider: it happens between two transactions, never inside one.
    transaction: false,
    params: orderParams,
    body: z.object({ reason: text({ min: 3, max: 300 }) }).strict(),
    handler: async ({ params, body, user, services, req }) =>
      ecommerce.cancelOrder(
        {
          databases: services.databases,
          refund: (tenantId, paymentId, key, reason) => asApiError(() => services.payments.refund(tenantId, paymentId, key, reason)),
          mayRefund: can(user!.role, 'payments.refunds', 'write'),
          audit: (tx, details) => services.audit.tenant(tx, { tenantId: params.tenantId, principal: user, action: 'ecommerce.orders.cancel', target: params.orderId, details, req }),
        },
        params.tenantId,
        user!,
        params.orderId,
        body.reason,
      ),
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/ecommerce/settings',
    summary: 'Réglages de la vente en ligne : boutique qui sert les commandes (par défaut la première), durée de réservation du stock',
    tags: ['ecommerce'],
    access: { kind: 'permission', module: 'ecommerce.settings', action: 'read' },
    params: tenantParams,
    handler: async ({ params, tx }) => ecommerce.getSettings(tx, params.tenantId),
  }),
  defineRoute({
    method: 'put',
    path: '/api/tenants/:tenantId/ecommerce/settings',
    summary: 'Choisir la boutique qui sert les commandes en ligne',
    tags: ['ecommerce'],
    action: 'ecommerce.settings',
    access: { kind: 'permission', module: 'ecommerce.settings', action: 'write' },
    params: tenantParams,
    body: settingsBody,
    handler: async ({ params, body, user, tx, audit }) => {
      const before = await ecommerce.getSettings(tx, params.tenantId);
      const saved = await ecommerce.saveSettings(tx, params.tenantId, body, user);
      audit.target = saved.fulfilmentBoutiqueId ?? undefined;
      audit.details = { before: { fulfilmentBoutiqueId: before.fulfilmentBoutiqueId, holdMinutes: before.holdMinutes }, after: { fulfilmentBoutiqueId: saved.fulfilmentBoutiqueId, holdMinutes: saved.holdMinutes } };
      return saved;
    },
  }),
];
