import { z } from 'zod';
import { CURRENCY_EXPONENTS } from '../../../shared/money.js';
import { text } from '../../../shared/validation.js';
import type { ProviderName } from '../../payments/provider.js';
import type { PaymentView } from '../../payments/service.js';
import { AppError, notFound } from '../http/errors.js';
import { idempotencyKey } from '../http/idempotency.js';
import { asApiError } from '../http/payment-errors.js';
import { defineRoute, pageQuery, type RouteDef, tenantIdParam } from '../http/route.js';
import type { Services } from '../services.js';

const tenantParams = z.object({ tenantId: tenantIdParam });
const paymentIdParam = z.uuid();

/** Paths whose body must reach the adapter byte for byte (signatures are computed over it). */
export const RAW_BODY_PATHS = /^\/api\/tenants\/[^/]+\/ecommerce\/(payments\/[a-z]+\/callback|webhooks\/[a-z]+)$/;

function callbackRoute(method: 'post' | 'put', segment: string, provider: ProviderName, summary: string): RouteDef {
  return defineRoute({
    method,
    path: `/api/tenants/:tenantId/ecommerce/${segment}`,
    summary,
    tags: ['payments'],
    access: { kind: 'public' },
    transaction: false,
    params: tenantParams,
    handler: async ({ params, req, services }) => {
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const result = await asApiError(() =>
        services.payments.receiveCallback(params.tenantId, provider, {
          method: req.method,
          headers: req.headers,
          rawBody,
          query: req.query as Record<string, string | string[] | undefined>,
        }),
      );
      // Forged, stale or unknown: refused, recorded in the metrics and the log, nothing stored.
      if (!result.accepted) throw new AppError(400, 'CALLBACK_REJECTED');
      return { received: true };
    },
  });
}

const posPaymentBody = z.object({
  idempotencyKey: text({ max: 128 }).optional(),
  method: z.enum(['mtn_momo', 'orange_money']),
  amountMinor: z.number().int().positive().max(1_000_000_000_000),
  currency: z.enum(Object.keys(CURRENCY_EXPONENTS) as [keyof typeof CURRENCY_EXPONENTS]).default('GNF'),
  /** MTN: the payer's number, with country code (Guinea 224 added to a local 9-digit number). */
  phone: z.string().trim().regex(/^\+?[0-9 ]{8,16}$/, 'numéro de téléphone invalide').optional(),
  reference: text({ max: 64 }).optional(),
});

const PROVIDER_OF_TENDER = { mtn_momo: 'mtn-momo', orange_money: 'orange-money' } as const;

function msisdn(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length === 9 ? `224${digits}` : digits;
}

/**
 * A till follows the counter payments it started, and no other: a storefront order's payment or
 * another till's cannot be claimed as a tender.
 */
async function pendingFor(services: Services, tenantId: string, deviceId: string, paymentId: string, waitSeconds: number): Promise<PaymentView> {
  let payment = await services.payments.get(tenantId, paymentId, { deviceId });
  if (!payment) throw notFound('PAYMENT_NOT_FOUND');
  const deadline = Date.now() + waitSeconds * 1000;
  // Long poll: the till follows its payment live; a change on another instance is seen within a second.
  while (payment.status === 'pending' && Date.now() < deadline) {
    await services.payments.waitForChange(tenantId, paymentId, Math.min(1000, deadline - Date.now()));
    payment = (await services.payments.get(tenantId, paymentId))!;
  }
  return payment;
}

export const paymentRoutes: RouteDef[] = [
  callbackRoute('post', 'payments/mtn/callback', 'mtn-momo', 'Rappel MTN MoMo (non signé : déclenche une vérification du statut)'),
  callbackRoute('put', 'payments/mtn/callback', 'mtn-momo', 'Rappel MTN MoMo envoyé en PUT'),
  callbackRoute('post', 'payments/orange/callback', 'orange-money', 'Notification Orange Money WebPay (notif_token puis statut)'),
  callbackRoute('post', 'webhooks/stripe', 'stripe', 'Webhook Stripe (signature vérifiée sur le corps brut)'),
  callbackRoute('post', 'webhooks/paypal', 'paypal', 'Webhook PayPal (vérifié par verify-webhook-signature)'),
  defineRoute({
    method: 'post',
    path: '/api/pos/payments',
    summary: 'Démarrer un paiement mobile au comptoir (MTN MoMo, Orange Money)',
    tags: ['payments'],
    access: { kind: 'device' },
    body: posPaymentBody,
    status: 201,
    handler: async ({ body, device, principal, services, req, setStatus }) => {
      const tenant = await services.tenants.assertAccess(device!.tenantId, principal);
      if (body.method === 'mtn_momo' && !body.phone) throw new AppError(400, 'VALIDATION_FAILED', [{ path: 'body.phone', message: 'numéro requis pour MTN MoMo' }]);
      const key = idempotencyKey(req, body.idempotencyKey);
      const { payment, replayed } = await asApiError(() =>
        services.payments.initiate(tenant.id, {
          provider: PROVIDER_OF_TENDER[body.method],
          purpose: 'pos',
          deviceId: device!.deviceId,
          amount: body.amountMinor,
          currency: body.currency,
          idempotencyKey: key,
          ...(body.phone ? { payer: { phone: msisdn(body.phone) } } : {}),
          description: body.reference ? `Vente ${body.reference}` : 'Vente au comptoir',
          // Orange sends the payer's phone back somewhere after paying: a page telling them they are done.
          returnUrl: `${services.config.publicUrl ?? services.listeningUrl}/boutique-assets/counter-paid.html`,
        }),
      );
      if (replayed) setStatus(200);
      return payment;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/pos/payments/:paymentId',
    summary: 'Suivre un paiement mobile du comptoir (attente jusqu’à `wait` secondes tant qu’il est en cours)',
    tags: ['payments'],
    access: { kind: 'device' },
    params: z.object({ paymentId: paymentIdParam }),
    query: z.object({ wait: z.coerce.number().int().min(0).max(25).default(0) }),
    handler: async ({ params, query, device, principal, services }) => {
      const tenant = await services.tenants.assertAccess(device!.tenantId, principal);
      return pendingFor(services, tenant.id, device!.deviceId, params.paymentId, query.wait);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/tenants/:tenantId/payments/:paymentId/refund',
    summary: 'Rembourser entièrement un paiement réussi (Idempotency-Key requis)',
    tags: ['payments'],
    action: 'payments.refund',
    access: { kind: 'permission', module: 'payments.refunds', action: 'write' },
    transaction: false,
    params: z.object({ tenantId: tenantIdParam, paymentId: paymentIdParam }),
    body: z.object({ reason: text({ min: 3, max: 300 }) }),
    handler: async ({ params, body, user, services, req }) => {
      const key = idempotencyKey(req);
      const payment = await asApiError(() => services.payments.refund(params.tenantId, params.paymentId, key, body.reason));
      await services.databases.withTenant(params.tenantId, (tx) =>
        services.audit.tenant(tx, { tenantId: params.tenantId, principal: user, action: 'payments.refund', target: params.paymentId, details: { reason: body.reason, status: payment.status }, req }),
      );
      return payment;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/payments',
    summary: 'Lister les paiements (filtre par statut, p. ex. review)',
    tags: ['payments'],
    access: { kind: 'permission', module: 'payments', action: 'read' },
    params: tenantParams,
    query: z.object({ status: z.enum(['pending', 'succeeded', 'failed', 'expired', 'refunded', 'review']).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
    handler: async ({ params, query, tx }) => {
      const { rows } = await tx.query(
        `SELECT id AS "paymentId", provider, purpose, order_id AS "orderId", device_id AS "deviceId", amount_minor::bigint AS "amountMinor", currency,
                status, status_reason AS reason, transaction_id AS "transactionId", created_at AS "createdAt", updated_at AS "updatedAt"
         FROM payments WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY created_at DESC LIMIT $3`,
        [params.tenantId, query.status ?? null, query.limit],
      );
      return { payments: rows.map((r) => ({ ...r, amountMinor: Number((r as { amountMinor: string }).amountMinor) })) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/tenants/:tenantId/payments/anomalies',
    summary: 'Ventes synchronisées dont le paiement mobile ne tient pas (inconnu, d’une autre caisse, non abouti, autre montant, déjà utilisé)',
    tags: ['payments'],
    access: { kind: 'permission', module: 'reports', action: 'read' },
    params: tenantParams,
    query: pageQuery,
    handler: async ({ params, query, tx }) => {
      const { rows } = await tx.query(
        `SELECT a.id, a.at, a.reason, a.payment_id AS "paymentId", a.sale_id AS "saleId", s.doc->>'number' AS "saleNumber",
                a.device_id AS "deviceId", d.name AS "deviceName"
         FROM payment_anomalies a
         LEFT JOIN sales s ON s.tenant_id = a.tenant_id AND s.id = a.sale_id
         LEFT JOIN devices d ON d.tenant_id = a.tenant_id AND d.id = a.device_id
         WHERE a.tenant_id = $1 AND ($2::bigint IS NULL OR a.id < $2) ORDER BY a.id DESC LIMIT $3`,
        [params.tenantId, query.before ?? null, query.limit],
      );
      return { anomalies: rows };
    },
  }),
];
