import type { BridgeEvent } from './contract.js';
import type { BridgeErrorBody } from './errors.js';

/**
 * The messages that carry the bridge, the same over Electron IPC and the host's WebSocket:
 * a call `{ id, method, input }`, its answer `{ id, ok, output | error }`, and pushed events.
 */
export type BridgeRequest = { id: number; method: string; input: unknown };
export type BridgeResult = { ok: true; output: unknown } | { ok: false; error: BridgeErrorBody };
export type BridgeResponse = { id: number } & BridgeResult;
export type BridgeEventMessage = { event: BridgeEvent; payload: unknown };

/** Where the browser host offers the bridge. */
export const BRIDGE_PATH = '/bridge';

/** WebSocket close code of the host for a missing or wrong launch token. */
export const CLOSE_UNAUTHORIZED = 4401;

export function isBridgeRequest(value: unknown): value is BridgeRequest {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'number' && Number.isSafeInteger(v.id) && typeof v.method === 'string';
}
