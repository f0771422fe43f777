import { errorFromStatus, PaymentProviderError } from './errors.js';
import type { ProviderName } from './provider.js';

export type JsonResponse = { status: number; headers: Headers; body: unknown };

/**
 * One provider HTTP call with a deadline. Network failures and timeouts become retryable
 * PAYMENT_PROVIDER_UNAVAILABLE; any status the caller did not list in `accept` becomes the
 * matching PaymentProviderError. Bodies are parsed as JSON when they are JSON, kept as text otherwise.
 */
export async function requestJson(
  provider: ProviderName,
  what: string,
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string; timeoutMs?: number; accept?: number[] },
): Promise<JsonResponse> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: init.headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
      signal: AbortSignal.timeout(init.timeoutMs ?? 15_000),
    });
  } catch (error) {
    throw new PaymentProviderError({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', provider, message: `${provider} did not answer ${what}`, retryable: true, cause: error });
  }
  const text = await response.text();
  let body: unknown = text;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const accept = init.accept ?? [200, 201, 202];
  if (!accept.includes(response.status)) {
    throw errorFromStatus(provider, response.status, what, { providerError: summarise(body) });
  }
  return { status: response.status, headers: response.headers, body };
}

/** Keeps a provider's error code and message, drops anything else (it may echo our request). */
function summarise(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return typeof body === 'string' ? body.slice(0, 200) : undefined;
  const b = body as Record<string, unknown>;
  const code = b.code ?? b.error ?? b.name;
  const message = b.message ?? b.error_description ?? b.description;
  return { code, message };
}

/** A cached OAuth token, refreshed a minute before it expires; concurrent callers share one fetch. */
export function tokenCache(fetchToken: () => Promise<{ token: string; expiresInSeconds: number }>): { get(): Promise<string>; clear(): void } {
  let current: { token: string; expiresAt: number } | undefined;
  let inflight: Promise<string> | undefined;
  return {
    async get() {
      if (current && current.expiresAt > Date.now()) return current.token;
      inflight ??= fetchToken()
        .then(({ token, expiresInSeconds }) => {
          current = { token, expiresAt: Date.now() + Math.max(0, expiresInSeconds - 60) * 1000 };
          return token;
        })
        .finally(() => {
          inflight = undefined;
        });
      return inflight;
    },
    clear() {
      current = undefined;
    },
  };
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}
