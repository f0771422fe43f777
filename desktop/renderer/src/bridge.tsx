/**
 * How the page reaches the till's core: Electron's preload gives `window.afrigest`; the browser
 * host gives a WebSocket whose address and launch token come from this page's URL.
 */
import { createContext, useContext, type ReactNode } from 'react';
import { createBridgeClient, hostBridgeUrl, webSocketTransport, type BridgeTransport, type WebSocketLike } from '../../bridge/client.js';
import type { BridgeApi } from '../../bridge/contract.js';
import { BridgeError } from '../../bridge/errors.js';
import type { ErrorCode } from '../../../shared/i18n/index.js';

export function connectBridge(disconnectedMessage: string): BridgeApi | null {
  const preload = (window as unknown as { afrigest?: BridgeTransport }).afrigest;
  if (preload) return createBridgeClient(preload);
  const url = hostBridgeUrl(window.location);
  if (!url) return null;
  return createBridgeClient(webSocketTransport(() => new WebSocket(url) as unknown as WebSocketLike, { disconnectedMessage }));
}

const BridgeContext = createContext<BridgeApi | null>(null);

export function BridgeProvider({ bridge, children }: { bridge: BridgeApi; children: ReactNode }) {
  return <BridgeContext.Provider value={bridge}>{children}</BridgeContext.Provider>;
}

export function useBridge(): BridgeApi {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error('useBridge outside BridgeProvider');
  return bridge;
}

export type Translate = (key: string, params?: Record<string, unknown>) => string;

/**
 * The words to show for a failure: the bridge's error format carries its message in the till's
 * language (core follows the screen's language); anything else is our fault, said plainly.
 */
export function errorText(error: unknown, t: Translate): string {
  if (error instanceof BridgeError) {
    if (error.code === 'VALIDATION_FAILED' && Array.isArray(error.details) && error.details.length) {
      const fields = (error.details as Array<{ path?: unknown; message?: unknown }>).map((d) => `${String(d.path ?? '')} : ${String(d.message ?? '')}`);
      return `${error.message} (${fields.join(' ; ')})`;
    }
    return error.message;
  }
  return t('errors.INTERNAL');
}

/** A refusal made on this screen, worded by the same catalogue as the bridge's. */
export function localError(code: ErrorCode, t: Translate, params?: Record<string, unknown>): BridgeError {
  return new BridgeError({ code, message: t(`errors.${code}`, params), ...(params ? { details: params } : {}) });
}

export function errorCode(error: unknown): string | null {
  return error instanceof BridgeError ? error.code : null;
}
