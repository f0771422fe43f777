import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { PaymentStatus } from '../../bridge/contract.js';
import type { FieldIssue } from '../../../shared/errors.js';
import { isErrorCode } from '../../../shared/i18n/index.js';
import { PosError } from '../pos/errors.js';
import { CloudRefusal } from './errors.js';

const answerSchema = z.object({
  paymentId: z.string().min(1),
  // The cloud's states: `review` (amount or currency mismatch) is never paid; `refunded` neither.
  status: z.enum(['pending', 'succeeded', 'failed', 'expired', 'review', 'refunded']).transform((s) => (s === 'review' || s === 'refunded' ? 'failed' : s)),
  amountMinor: z.number().int().optional(),
  currency: z.string().optional(),
  redirectUrl: z.string().nullish(),
  expiresAt: z.string().nullish(),
});

const LONG_POLL_SECONDS = 20;

export type MobileMoneyStart = { method: 'mtn_momo' | 'orange_money'; amountMinor: number; phone?: string; reference?: string; idempotencyKey?: string };

export type MobileMoneyOptions = {
  cloudUrl: string;
  credential: string;
  fetch: typeof fetch;
  onStatus: (status: PaymentStatus) => void;
  /** Between two status questions while a payment is pending. */
  pollMs?: number;
  /** Stop asking after this long without an answer other than pending (MoMo callbacks may never come). */
  giveUpMs?: number;
  now?: () => number;
};

/**
 * Mobile money at the counter, through the cloud (the till holds no provider secret): start a
 * payment, then poll its status and tell the screen. Offline there is no mobile money: the answer
 * is MOBILE_MONEY_OFFLINE so the cashier takes cash instead.
 */
export function createMobileMoney(options: MobileMoneyOptions) {
  const pollMs = options.pollMs ?? 2_000;
  const giveUpMs = options.giveUpMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const known = new Map<string, PaymentStatus>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let closed = false;

  async function request(path: string, init?: { method: 'POST'; body: { idempotencyKey: string } & Record<string, unknown> }, timeoutMs = 10_000): Promise<z.output<typeof answerSchema>> {
    let response: Response;
    try {
      response = await options.fetch(`${options.cloudUrl}${path}`, {
        method: init?.method ?? 'GET',
        headers: {
          authorization: `Device ${options.credential}`,
          accept: 'application/json',
          ...(init ? { 'content-type': 'application/json', 'idempotency-key': init.body.idempotencyKey } : {}),
        },
        ...(init ? { body: JSON.stringify(init.body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      throw new PosError('MOBILE_MONEY_OFFLINE');
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const error = (body as { error?: { code?: unknown; details?: unknown } } | null)?.error;
      const code = typeof error?.code === 'string' ? error.code : '';
      // The cloud's own refusals (a phone missing, the provider down) are said as the cloud says
      // them; a cloud without these routes, a gateway error or a revoked till mean no mobile money now.
      if (isErrorCode(code) && !['ROUTE_NOT_FOUND', 'INTERNAL', 'SERVICE_UNAVAILABLE', 'DEVICE_REVOKED', 'DEVICE_CREDENTIAL_INVALID', 'UNAUTHENTICATED', 'NOT_FOUND'].includes(code)) {
        throw new CloudRefusal(code, code === 'VALIDATION_FAILED' && Array.isArray(error?.details) ? (error.details as FieldIssue[]) : undefined);
      }
      if (response.status === 404 && path !== '/api/pos/payments' && code !== 'ROUTE_NOT_FOUND') throw new PosError('PAYMENT_NOT_FOUND');
      throw new PosError('MOBILE_MONEY_OFFLINE');
    }
    const parsed = answerSchema.safeParse(body);
    if (!parsed.success) throw new PosError('MOBILE_MONEY_OFFLINE');
    return parsed.data;
  }

  function remember(answer: z.output<typeof answerSchema>, start?: MobileMoneyStart): PaymentStatus {
    const before = known.get(answer.paymentId);
    const status: PaymentStatus = {
      paymentId: answer.paymentId,
      status: answer.status,
      ...(start ? { method: start.method } : before?.method ? { method: before.method } : {}),
      // What the cloud says it charges wins over what this till asked for.
      ...(answer.amountMinor !== undefined ? { amountMinor: answer.amountMinor } : start ? { amountMinor: start.amountMinor } : before?.amountMinor !== undefined ? { amountMinor: before.amountMinor } : {}),
      ...(answer.redirectUrl ? { redirectUrl: answer.redirectUrl } : before?.redirectUrl ? { redirectUrl: before.redirectUrl } : {}),
      ...(answer.expiresAt ? { expiresAt: answer.expiresAt } : before?.expiresAt ? { expiresAt: before.expiresAt } : {}),
    };
    known.set(status.paymentId, status);
    if (before?.status !== status.status) options.onStatus(status);
    return status;
  }

  function follow(paymentId: string, startedAt: number): void {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (closed) return;
      // The cloud holds the question open up to `wait` seconds while the payment is pending.
      request(`/api/pos/payments/${encodeURIComponent(paymentId)}?wait=${LONG_POLL_SECONDS}`, undefined, (LONG_POLL_SECONDS + 10) * 1000).then(
        (answer) => {
          const status = remember(answer);
          if (status.status === 'pending' && now() - startedAt < giveUpMs) follow(paymentId, startedAt);
        },
        // Offline for a moment: keep asking; the screen still shows "pending".
        () => (now() - startedAt < giveUpMs ? follow(paymentId, startedAt) : undefined),
      );
    }, pollMs);
    timers.add(timer);
  }

  return {
    async start(input: MobileMoneyStart): Promise<PaymentStatus> {
      const answer = await request('/api/pos/payments', {
        method: 'POST',
        body: {
          idempotencyKey: input.idempotencyKey ?? randomUUID(),
          method: input.method,
          amountMinor: input.amountMinor,
          currency: 'GNF',
          ...(input.phone ? { phone: input.phone.replace(/\s+/g, '') } : {}),
          ...(input.reference ? { reference: input.reference } : {}),
        },
      });
      const status = remember(answer, input);
      if (status.status === 'pending') follow(status.paymentId, now());
      return status;
    },

    async status(paymentId: string): Promise<PaymentStatus> {
      if (!/^[\w-]{1,64}$/.test(paymentId)) throw new PosError('PAYMENT_NOT_FOUND');
      const cached = known.get(paymentId);
      // A final answer does not change: no need for the network.
      if (cached && cached.status !== 'pending') return cached;
      return remember(await request(`/api/pos/payments/${encodeURIComponent(paymentId)}`));
    },

    /**
     * Checks mobile-money tenders before a sale is written: each names a payment that succeeded,
     * for its method and amount (checkout then refuses one already used by another sale).
     */
    async verifyTenders(tenders: Array<{ method: string; amountMinor: number; paymentId?: string | undefined }>): Promise<void> {
      const ids = new Set<string>();
      for (const tender of tenders) {
        if (tender.method !== 'mtn_momo' && tender.method !== 'orange_money') continue;
        if (!tender.paymentId || ids.has(tender.paymentId)) throw new PosError('PAYMENT_NOT_SUCCEEDED');
        ids.add(tender.paymentId);
        const status = await this.status(tender.paymentId);
        if (status.status !== 'succeeded') throw new PosError('PAYMENT_NOT_SUCCEEDED');
        if ((status.method && status.method !== tender.method) || (status.amountMinor !== undefined && status.amountMinor !== tender.amountMinor)) {
          throw new PosError('PAYMENT_NOT_SUCCEEDED');
        }
      }
    },

    close(): void {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

export type MobileMoney = ReturnType<typeof createMobileMoney>;
