import { describe, expect, it } from 'vitest';
import type { Database } from '../../db/database.js';
import { createChangeFeed } from './change-feed.js';

describe('the change feed', () => {
  it('tries LISTEN again for the next subscriber when the database was away for the first', async () => {
    let attempts = 0;
    let deliver: ((payload: string) => void) | null = null;
    // Only `listen` is used by the feed: the database is down at the first attempt, back at the second.
    const database = {
      async listen(_channel: string, onMessage: (payload: string) => void) {
        if (++attempts === 1) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        deliver = onMessage;
        return async () => undefined;
      },
    } as unknown as Database;
    const feed = createChangeFeed(database);
    await expect(feed.subscribe('t1', 'till-1', () => undefined, () => undefined)).rejects.toThrow(/ECONNREFUSED/);
    let changes = 0;
    await feed.subscribe('t1', 'till-1', () => changes++, () => undefined);
    expect(attempts).toBe(2);
    deliver!('t1 another-till');
    expect(changes).toBe(1);
    await feed.close();
  });
});
