import type { SyncView } from '../../bridge/contract.js';
import type { TillRuntime } from './handlers.js';

/** What the sync badge shows, without the timestamps that change on every request. */
export function syncViewKey(runtime: TillRuntime): string {
  const s = runtime.sync.status();
  return JSON.stringify([s.online, s.waiting, s.lastError, s.revoked, s.rejected, runtime.firstSyncDone]);
}

export async function buildSyncView(runtime: TillRuntime): Promise<SyncView> {
  const s = runtime.sync.status();
  const [products, users] = await Promise.all([
    runtime.db.collections.products!.count().exec(),
    runtime.db.collections.users!.count().exec(),
  ]);
  const state: SyncView['state'] = s.revoked ? 'revoked' : !s.online && s.lastError ? 'offline' : runtime.firstSyncDone && s.waiting === 0 ? 'in-sync' : 'syncing';
  return { state, online: s.online, waiting: s.waiting, lastSuccessAt: s.lastSuccessAt, lastError: s.lastError, rejected: s.rejected, local: { products, users } };
}
