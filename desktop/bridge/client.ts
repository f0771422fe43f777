import type { BridgeApi, BridgeEvent, BridgeEventPayload, BridgeInput, BridgeMethod, BridgeOutput } from './contract.js';
import { BridgeError, type BridgeErrorBody } from './errors.js';
import { BRIDGE_PATH, CLOSE_UNAUTHORIZED, type BridgeRequest, type BridgeResponse, type BridgeResult } from './wire.js';

/**
 * What carries calls and events: Electron's preload exposes exactly this as `window.afrigest`;
 * `webSocketTransport` provides it over the host's WebSocket.
 */
export type BridgeTransport = {
  call(method: string, input: unknown): Promise<BridgeResult>;
  on(event: string, listener: (payload: unknown) => void): () => void;
};

/** The typed bridge the renderer uses; a refused call rejects with a BridgeError in the error format. */
export function createBridgeClient(transport: BridgeTransport): BridgeApi {
  return {
    async call<M extends BridgeMethod>(method: M, input: BridgeInput<M>): Promise<BridgeOutput<M>> {
      const result = await transport.call(method, input);
      if (!result.ok) throw new BridgeError(result.error);
      return result.output as BridgeOutput<M>;
    },
    on<E extends BridgeEvent>(event: E, listener: (payload: BridgeEventPayload<E>) => void): () => void {
      return transport.on(event, listener as (payload: unknown) => void);
    },
  };
}

/** The part of a WebSocket we use: the browser's and the `ws` package's both fit. */
export type WebSocketLike = {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: { data?: unknown; code?: number }) => void): void;
};

const OPEN = 1;
const disconnected = (message: string): BridgeErrorBody => ({ code: 'BRIDGE_DISCONNECTED', message });

export type WebSocketTransportOptions = {
  /** Delay before reconnecting after the socket closed (the host restarting); 0 disables it. */
  reconnectMs?: number;
  /** Shown if a call is cut off; the renderer passes the localized text. */
  disconnectedMessage?: string;
  setTimeout?: (fn: () => void, ms: number) => unknown;
};

/**
 * The bridge over the host's WebSocket. Calls made before the socket opens wait for it; calls in
 * flight when it closes are refused with BRIDGE_DISCONNECTED (core may or may not have run them:
 * the screen says so rather than guessing). A 4401 close (wrong token) is final.
 */
export function webSocketTransport(open: () => WebSocketLike, options: WebSocketTransportOptions = {}): BridgeTransport & { close(): void } {
  const reconnectMs = options.reconnectMs ?? 1_000;
  const message = options.disconnectedMessage ?? 'Liaison avec la caisse interrompue. / Link to the till lost.';
  const schedule = options.setTimeout ?? ((fn: () => void, ms: number) => (globalThis as unknown as { setTimeout(fn: () => void, ms: number): unknown }).setTimeout(fn, ms));
  const pending = new Map<number, (result: BridgeResult) => void>();
  const queued: string[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let closed = false;
  let socket: WebSocketLike;

  function connect(): void {
    socket = open();
    socket.addEventListener('open', () => {
      for (const data of queued.splice(0)) socket.send(data);
    });
    socket.addEventListener('message', (event) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(event.data));
      } catch {
        return;
      }
      const msg = parsed as Partial<BridgeResponse> & { event?: string; payload?: unknown };
      if (typeof msg.event === 'string') {
        for (const listener of listeners.get(msg.event) ?? []) listener(msg.payload);
      } else if (typeof msg.id === 'number') {
        const resolve = pending.get(msg.id);
        pending.delete(msg.id);
        resolve?.(msg.ok ? { ok: true, output: msg.output } : { ok: false, error: (msg as { error: BridgeErrorBody }).error });
      }
    });
    socket.addEventListener('close', (event) => {
      for (const [, resolve] of pending) resolve({ ok: false, error: disconnected(message) });
      pending.clear();
      queued.length = 0;
      if (!closed && event.code !== CLOSE_UNAUTHORIZED && reconnectMs > 0) schedule(connect, reconnectMs);
      if (event.code === CLOSE_UNAUTHORIZED) closed = true;
    });
  }
  connect();

  return {
    call(method, input) {
      if (closed) return Promise.resolve({ ok: false, error: disconnected(message) });
      const request: BridgeRequest = { id: nextId++, method, input: input ?? {} };
      const data = JSON.stringify(request);
      return new Promise<BridgeResult>((resolve) => {
        pending.set(request.id, resolve);
        if (socket.readyState === OPEN) socket.send(data);
        else queued.push(data);
      });
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    close() {
      closed = true;
      socket.close();
    },
  };
}

/**
 * The host's bridge address for the page it served: the launch token comes from the URL fragment
 * (`#token=…`, never sent over HTTP). Null when there is no token (the page was opened without it).
 */
export function hostBridgeUrl(location: { protocol: string; host: string; hash: string }): string | null {
  // No URLSearchParams here: the bridge compiles without DOM or Node types.
  const pair = location.hash.replace(/^#/, '').split('&').find((part) => part.startsWith('token='));
  const token = pair ? decodeURIComponent(pair.slice('token='.length)) : '';
  if (!token) return null;
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${BRIDGE_PATH}?token=${encodeURIComponent(token)}`;
}
