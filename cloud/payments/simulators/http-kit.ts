import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The few pieces every simulator shares: a loopback HTTP server, body and form parsing, JSON and
 * HTML answers, fault switches, and callback delivery that tests can wait for.
 */

export type Fault = { status: number; count: number };

export type CallbackSwitches = {
  /** `never`: the provider forgets to call back (reconciliation must resolve the payment). */
  mode: 'normal' | 'never';
  /** Milliseconds before each callback leaves. */
  delayMs: number;
  /** Extra copies of every callback, sent concurrently. */
  duplicates: number;
  /** After the final callback, also send a stale earlier-state one (processing, approved, PENDING). */
  outOfOrder: boolean;
  /**
   * `bad-signature`: signed with the wrong secret; `stale-signature`: correctly signed long ago;
   * `false-success`: claims success for a payment that failed; `wrong-notif-token`: an Orange
   * notification with someone else's token.
   */
  forge: 'none' | 'bad-signature' | 'stale-signature' | 'false-success' | 'wrong-notif-token';
};

export type SimulatorSwitches = {
  /** Every API call answers 401, as with revoked credentials. */
  unauthorized: boolean;
  /** The next `count` API calls answer `status` (500, 502, 503, ...). */
  failNext: Fault;
  /** The payer's attempt is declined (card declined, capture denied, MTN/Orange failure). */
  decline: boolean;
  /** The payment never leaves pending and no final callback is sent. */
  pendingForever: boolean;
  /** The payment ends expired (payer never approved in time). */
  expire: boolean;
  /** The provider reports this many minor units more than requested (amount mismatch). */
  amountDelta: number;
  callbacks: CallbackSwitches;
};

export type SwitchesPatch = Partial<Omit<SimulatorSwitches, 'callbacks' | 'failNext'>> & { callbacks?: Partial<CallbackSwitches>; failNext?: Partial<Fault> };

export function defaultSwitches(): SimulatorSwitches {
  return {
    unauthorized: false,
    failNext: { status: 500, count: 0 },
    decline: false,
    pendingForever: false,
    expire: false,
    amountDelta: 0,
    callbacks: { mode: 'normal', delayMs: 0, duplicates: 0, outOfOrder: false, forge: 'none' },
  };
}

export function applyPatch(current: SimulatorSwitches, patch: SwitchesPatch): SimulatorSwitches {
  return {
    ...current,
    ...patch,
    failNext: { ...current.failNext, ...patch.failNext },
    callbacks: { ...current.callbacks, ...patch.callbacks },
  };
}

export type Delivery = {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  /** Status our receiver answered, or `error` when it could not be reached. */
  outcome: number | 'error' | 'pending';
  label: string;
};

export type SimRequest = {
  method: string;
  url: URL;
  path: string;
  headers: http.IncomingHttpHeaders;
  rawBody: Buffer;
};

export type SimResponse = { status: number; headers?: Record<string, string>; body?: unknown; html?: string; redirect?: string };

export type RunningServer = { baseUrl: string; port: number; close(): Promise<void> };

export function randomId(prefix: string, bytes = 12): string {
  return `${prefix}${randomBytes(bytes).toString('hex')}`;
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1_000_000) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Stripe-style form bodies: `metadata[paymentId]=x&automatic_payment_methods[enabled]=true`, one nesting level deep is all we send. */
export function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const match = /^([^[]+)\[([^\]]*)\]$/.exec(key);
    if (match) {
      const [, outer = '', inner = ''] = match;
      const nested = (out[outer] ??= {}) as Record<string, unknown>;
      nested[inner] = value;
    } else {
      out[key] = value;
    }
  }
  return out;
}

export function parseJson(raw: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** A plain page with a form of buttons: enough for a person, a test's fetch, or Playwright in Chromium. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}button{font-size:1.1rem;padding:.6rem 1.2rem;margin:.3rem}.amount{font-size:1.6rem;font-weight:600}.note{color:#666;font-size:.85rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}<p class="note">Simulator: no real money moves.</p></body></html>`;
}

export function hiddenInputs(values: Record<string, string | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v ?? '')}">`)
    .join('');
}

/** Starts a server on 127.0.0.1 (port 0: the system picks a free one) and routes every request to `handle`. */
export async function startServer(handle: (req: SimRequest) => Promise<SimResponse> | SimResponse, options: { port?: number; host?: string } = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((req, res) => {
    void (async () => {
      let answer: SimResponse;
      try {
        const rawBody = await readBody(req);
        // A forward-proxy style absolute URL and a plain path both resolve to the same path.
        const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`);
        answer = await handle({ method: req.method ?? 'GET', url, path: url.pathname, headers: req.headers, rawBody });
      } catch (error) {
        answer = { status: 500, body: { error: { code: 'SIMULATOR_FAILURE', message: error instanceof Error ? error.message : 'simulator failure' } } };
      }
      if (answer.redirect) {
        res.writeHead(303, { location: answer.redirect, ...answer.headers });
        res.end();
        return;
      }
      if (answer.html !== undefined) {
        res.writeHead(answer.status, { 'content-type': 'text/html; charset=utf-8', ...answer.headers });
        res.end(answer.html);
        return;
      }
      if (answer.body === undefined) {
        res.writeHead(answer.status, answer.headers ?? {});
        res.end();
        return;
      }
      const text = JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...answer.headers });
      res.end(text);
    })();
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Sends callbacks the way providers do: in the background, possibly late, possibly several times.
 * Every attempt is recorded, and `idle()` lets a test wait for them without sleeping.
 */
export class CallbackSender {
  readonly deliveries: Delivery[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private closed = false;

  send(request: { url: string; method: string; headers: Record<string, string>; body: string; label: string }, delayMs: number): void {
    if (this.closed) return;
    const delivery: Delivery = { ...request, outcome: 'pending' };
    this.deliveries.push(delivery);
    const task = (async () => {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (this.closed) {
        delivery.outcome = 'error';
        return;
      }
      try {
        const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        delivery.outcome = response.status;
      } catch {
        delivery.outcome = 'error';
      }
    })();
    this.inflight.add(task);
    void task.finally(() => this.inflight.delete(task));
  }

  /** Resolves when every callback sent so far has been answered (or failed). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  close(): void {
    this.closed = true;
  }
}

/** The answer to a switched fault, or undefined to carry on. Shared so every simulator fails the same way. */
export function faultAnswer(switches: SimulatorSwitches, unauthorized: () => SimResponse, outage: (status: number) => SimResponse): SimResponse | undefined {
  if (switches.unauthorized) return unauthorized();
  if (switches.failNext.count > 0) {
    switches.failNext.count -= 1;
    return outage(switches.failNext.status);
  }
  return undefined;
}

export function bearer(headers: http.IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  return value?.startsWith('Bearer ') ? value.slice(7) : undefined;
}

export function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
