import { CHANGES_CHANNEL, parseChangeNotice } from '../../../sync/server/store.js';
import type { Database } from '../../db/database.js';

export type ChangeFeed = {
  /**
   * Calls `onChange` whenever a write for the tenant commits (on any API instance), except the
   * pushes of `deviceId` itself (it has those documents; telling it would only make it pull and
   * re-read them while it is still pushing), and `onEnd` when the feed closes (shutdown: the
   * streams end so the process need not wait for them).
   */
  subscribe(tenantId: string, deviceId: string | null, onChange: () => void, onEnd: () => void): Promise<() => void>;
  close(): Promise<void>;
};

/**
 * Fans PostgreSQL NOTIFYs of committed writes out to the tills' live streams of this process.
 * One LISTEN connection per process, opened at the first subscriber.
 */
export function createChangeFeed(database: Database): ChangeFeed {
  type Subscriber = { deviceId: string | null; onChange: () => void };
  const subscribers = new Map<string, Set<Subscriber>>();
  const enders = new Set<() => void>();
  let listening: Promise<() => Promise<void>> | null = null;
  const dispatch = (payload: string) => {
    const { tenantId, origin } = parseChangeNotice(payload);
    const targets = tenantId === '*' ? [...subscribers.values()].flatMap((s) => [...s]) : [...(subscribers.get(tenantId) ?? [])];
    for (const target of targets) if (origin === null || target.deviceId !== origin) target.onChange();
  };
  return {
    async subscribe(tenantId, deviceId, onChange, onEnd) {
      // A LISTEN that could not start (the database was away) is tried again by the next subscriber.
      const started = (listening ??= database.listen(CHANGES_CHANNEL, dispatch));
      await started.catch((error: unknown) => {
        if (listening === started) listening = null;
        throw error;
      });
      let set = subscribers.get(tenantId);
      if (!set) subscribers.set(tenantId, (set = new Set()));
      const subscriber = { deviceId, onChange };
      set.add(subscriber);
      enders.add(onEnd);
      return () => {
        set.delete(subscriber);
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
