import { CHANGES_CHANNEL } from '../../../sync/server/store.js';
import type { Database } from '../../db/database.js';

export type ChangeFeed = {
  /**
   * Calls `onChange` whenever a write for the tenant commits (on any API instance), and `onEnd`
   * when the feed closes (shutdown: the streams end so the process need not wait for them).
   */
  subscribe(tenantId: string, onChange: () => void, onEnd: () => void): Promise<() => void>;
  close(): Promise<void>;
};

/**
 * Fans PostgreSQL NOTIFYs of committed writes out to the tills' live streams of this process.
 * One LISTEN connection per process, opened at the first subscriber.
 */
export function createChangeFeed(database: Database): ChangeFeed {
  const subscribers = new Map<string, Set<() => void>>();
  const enders = new Set<() => void>();
  let listening: Promise<() => Promise<void>> | null = null;
  const dispatch = (tenantId: string) => {
    const targets = tenantId === '*' ? [...subscribers.values()].flatMap((s) => [...s]) : [...(subscribers.get(tenantId) ?? [])];
    for (const notify of targets) notify();
  };
  return {
    async subscribe(tenantId, onChange, onEnd) {
      listening ??= database.listen(CHANGES_CHANNEL, dispatch);
      await listening;
      let set = subscribers.get(tenantId);
      if (!set) subscribers.set(tenantId, (set = new Set()));
      set.add(onChange);
      enders.add(onEnd);
      return () => {
        set.delete(onChange);
        enders.delete(onEnd);
        if (set.size === 0) subscribers.delete(tenantId);
      };
    },
    async close() {
      for (const end of [...enders]) end();
      enders.clear();
      subscribers.clear();
      const stop = listening;
      listening = null;
      if (stop) await (await stop)();
    },
  };
}
