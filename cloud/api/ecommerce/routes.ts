import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { text } from '../../../shared/validation.js';
import type { Product } from '../../../shared/schema/index.js';
import type { ProviderName } from '../../payments/provider.js';
import { AppError, notFound } from '../http/errors.js';
import { defineRoute, idParam, tenantIdParam, type RouteDef } from '../http/route.js';
import { asApiError, idempotencyKey } from '../payments/routes.js';

const tenantParams = z.object({ tenantId: tenantIdParam });
/** An order's payment status: unpaid until its payment starts, then the payment's (succeeded is paid). */
const ORDER_PAYMENT_STATUSES = ['unpaid', 'pending', 'paid', 'failed', 'expired', 'refunded', 'review'] as const;
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
  boutiqueId: idParam.optional(),
});

type OrderRow = {
  id: string;
  number: string;
  customer: unknown;
  lines: Array<{ productId: string; name: string; quantity: number; unitPriceMinor: number; totalMinor: number }>;
  total_minor: string | number;
  currency: string;
  payment_status: string;
  payment_id: string | null;
  created_at: Date;
};

const orderView = (row: OrderRow) => ({
  orderId: row.id,
  number: row.number,
  customer: row.customer,
  lines: row.lines,
  totalMinor: Number(row.total_minor),
  currency: row.currency,
  paymentStatus: row.payment_status,
  paymentId: row.payment_id,
  createdAt: row.created_at,
});

function msisdn(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length === 9 ? `224${digits}` : digits;
}

/**
 * The storefront's side of orders: anyone may order and pay (the prices come from the catalogue,
 * never from the request); the order's `paymentStatus` follows its payment, moved only by verified
 * provider events. Order ids are random UUIDs: knowing one is what lets a customer follow it.
 */
export const ecommerceRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/api/storefront/:tenantCode',
    summary: 'La boutique en ligne d’une entreprise : identité et catalogue actif',
    tags: ['ecommerce'],
    access: { kind: 'public' },
    params: z.object({ tenantCode: z.string().regex(/^[a-z0-9-]{2,32}$/i) }),
    query: z.object({ q: text({ max: 80 }).optional(), limit: z.coerce.number().int().min(1).max(200).default(60) }),
    handler: async ({ params, query, services }) => {
      const tenant = await services.tenants.byCode(params.tenantCode);
      if (!tenant || tenant.status !== 'active') throw notFound('TENANT_NOT_FOUND');
      const products = await services.databases.withTenant(
        tenant.id,
        async (tx) => {
          const { rows } = await tx.query<{ doc: Product }>(
            `SELECT doc FROM products WHERE NOT deleted AND (doc->>'active')::boolean
               AND ($1::text IS NULL OR doc->>'searchName' LIKE '%' || $1 || '%')
             ORDER BY doc->>'name' LIMIT $2`,
            [query.q ? query.q.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '') : null, query.limit],
          );
          return rows.map(({ doc }) => ({ id: doc.id, name: doc.name, priceMinor: doc.priceMinor, unit: doc.unit }));
        },
        { readOnly: true },
      );
      return { tenantId: tenant.id, code: tenant.code, name: tenant.name, currency: tenant.currency, products };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/ecommerce/orders',
    summary: 'Passer une commande en ligne et démarrer son paiement (en-tête Idempotency-Key requis)',
    tags: ['ecommerce'],
    access: { kind: 'public' },
    transaction: false,
    params: tenantParams,
    body: orderBody,
    status: 201,
    handler: async ({ params, body, tenant, services, req, setStatus }) => {
      const key = idempotencyKey(req);
      const hash = createHash('sha256').update(JSON.stringify(body)).digest('base64url');
      const { order, fresh } = await services.databases.withTenant(params.tenantId, async (tx) => {
        const existing = await tx.query<OrderRow & { request_hash: string }>('SELECT * FROM orders WHERE idempotency_key = $1', [key]);
        if (existing.rows[0]) {
          if (existing.rows[0].request_hash !== hash) throw new AppError(409, 'IDEMPOTENCY_CONFLICT');
          return { order: existing.rows[0], fresh: false };
        }
        const ids = [...new Set(body.lines.map((l) => l.productId))];
        const { rows } = await tx.query<{ doc: Product }>(`SELECT doc FROM products WHERE id = ANY($1::text[]) AND NOT deleted`, [ids]);
        const byId = new Map(rows.map((r) => [r.doc.id, r.doc]));
        const lines = body.lines.map((line) => {
          const product = byId.get(line.productId);
          if (!product?.active) throw new AppError(422, 'ORDER_PRODUCT_UNAVAILABLE', undefined, { ref: line.productId });
          return { productId: product.id, name: product.name, quantity: line.quantity, unitPriceMinor: product.priceMinor, totalMinor: product.priceMinor * line.quantity };
        });
        const total = lines.reduce((sum, l) => sum + l.totalMinor, 0);
        const { rows: seq } = await tx.query<{ n: string }>(`SELECT nextval('order_numbers') AS n`);
        const inserted = await tx.query<OrderRow>(
          `INSERT INTO orders (tenant_id, id, number, boutique_id, customer, lines, total_minor, currency, idempotency_key, request_hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING *`,
          [params.tenantId, uuidv7(), `CMD-${String(seq[0]!.n).padStart(6, '0')}`, body.boutiqueId ?? null, JSON.stringify(body.customer), JSON.stringify(lines), total, tenant.currency, key, hash],
        );
        if (!inserted.rows[0]) throw new AppError(409, 'IDEMPOTENCY_CONFLICT'); // a concurrent twin won; its retry will replay
        return { order: inserted.rows[0], fresh: true };
      });
      const { payment } = await asApiError(() =>
        services.payments.initiate(params.tenantId, {
          provider: body.provider,
          purpose: 'order',
          orderId: order.id,
          amount: Number(order.total_minor),
          currency: order.currency,
          // One key per order: a retried request finds the payment already started.
          idempotencyKey: `order-${order.id}`,
          payer: { name: body.customer.name, phone: msisdn(body.customer.phone), ...(body.customer.email ? { email: body.customer.email } : {}) },
          description: `Commande ${order.number}`,
          // The storefront cannot know the order id before asking: it leaves a {orderId} placeholder.
          ...(body.returnUrl ? { returnUrl: body.returnUrl.replace(/\{orderId\}|%7BorderId%7D/g, order.id) } : {}),
        }),
      );
      if (!fresh) setStatus(200);
      const current = await services.databases.withTenant(params.tenantId, (tx) => tx.query<OrderRow>('SELECT * FROM orders WHERE id = $1', [order.id]), { readOnly: true });
      return { order: orderView(current.rows[0]!), payment };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/ecommerce/orders/:orderId',
    summary: 'Suivre une commande et son paiement',
    tags: ['ecommerce'],
    access: { kind: 'public' },
    params: z.object({ tenantId: tenantIdParam, orderId: z.uuid() }),
    handler: async ({ params, tx }) => {
      const { rows } = await tx.query<OrderRow>('SELECT * FROM orders WHERE tenant_id = $1 AND id = $2', [params.tenantId, params.orderId]);
      if (!rows[0]) throw notFound('ORDER_NOT_FOUND');
      return { order: orderView(rows[0]) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/ecommerce/orders',
    summary: 'Lister les commandes en ligne',
    tags: ['ecommerce'],
    access: { kind: 'permission', module: 'ecommerce.orders', action: 'read' },
    params: tenantParams,
    query: z.object({ paymentStatus: z.enum(ORDER_PAYMENT_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
    handler: async ({ params, query, tx }) => {
      const { rows } = await tx.query<OrderRow>(
        `SELECT * FROM orders WHERE tenant_id = $1 AND ($2::text IS NULL OR payment_status = $2) ORDER BY created_at DESC LIMIT $3`,
        [params.tenantId, query.paymentStatus ?? null, query.limit],
      );
      return { orders: rows.map(orderView) };
    },
  }),
];
