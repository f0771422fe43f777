import type { Queryable } from '../db/database.js';

/** A synced sale as far as its payments go. */
export type ClaimingSale = { id: string; tenders: Array<{ method?: unknown; amountMinor?: unknown; paymentId?: unknown }> };

/**
 * Records which sale claimed each counter payment, in the transaction that stores the sales, and
 * sets aside every claim that does not hold: a payment unknown here, started by another till or
 * for an order, not succeeded, for another amount, or already claimed by another sale. The sale
 * itself is kept (the goods left the counter); the anomaly is for a manager. Re-sending the same
 * sale records nothing new.
 */
export async function recordPaymentClaims(tx: Queryable, tenantId: string, deviceId: string, sales: ClaimingSale[]): Promise<number> {
  const claims = sales.flatMap((sale) =>
    (Array.isArray(sale.tenders) ? sale.tenders : [])
      .filter((t) => typeof t.paymentId === 'string' && Number.isSafeInteger(t.amountMinor))
      .map((t) => ({ payment_id: t.paymentId as string, sale_id: sale.id, amount_minor: t.amountMinor as number })),
  );
  if (claims.length === 0) return 0;
  // Both statements see the claims as they were before this push: a payment claimed earlier by
  // another sale is an anomaly, a sale sent again is not.
  const { rowCount } = await tx.query(
    `WITH c AS (SELECT * FROM jsonb_to_recordset($3::jsonb) AS c(payment_id text, sale_id text, amount_minor bigint)),
     checked AS (
       SELECT c.payment_id, c.sale_id,
         CASE
           WHEN p.id IS NULL THEN 'unknown'
           WHEN p.purpose <> 'pos' OR p.device_id IS DISTINCT FROM $2 THEN 'other_device'
           WHEN p.status <> 'succeeded' THEN 'not_succeeded'
           WHEN p.amount_minor <> c.amount_minor THEN 'amount'
           WHEN earlier.sale_id IS NOT NULL AND earlier.sale_id <> c.sale_id THEN 'claimed_twice'
         END AS reason
       FROM c
       LEFT JOIN payments p ON p.tenant_id = $1 AND p.id::text = c.payment_id
       LEFT JOIN payment_claims earlier ON earlier.tenant_id = $1 AND earlier.payment_id = c.payment_id
     ),
     claimed AS (
       INSERT INTO payment_claims (tenant_id, payment_id, sale_id, device_id)
       SELECT $1, payment_id, sale_id, $2 FROM c ON CONFLICT (tenant_id, payment_id) DO NOTHING
     )
     INSERT INTO payment_anomalies (tenant_id, sale_id, payment_id, device_id, reason)
     SELECT $1, sale_id, payment_id, $2, reason FROM checked WHERE reason IS NOT NULL
     ON CONFLICT (tenant_id, sale_id, payment_id, reason) DO NOTHING`,
    [tenantId, deviceId, JSON.stringify(claims)],
  );
  return rowCount;
}
