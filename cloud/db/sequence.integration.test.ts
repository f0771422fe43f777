import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChanges, writeDocuments } from '../../sync/server/store.js';
import { openDatabases, type Databases } from './tenancy.js';
import { createTestDatabaseConfig } from './test-databases.js';

describe(`pull checkpoints under concurrent writers (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let databases: Databases;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const test = await createTestDatabaseConfig();
    drop = test.drop;
    databases = await openDatabases(test.config, { migrate: true });
    await databases.master.query(`INSERT INTO tenants (id, code, name) VALUES ('race', 'race', 'Course')`);
  });
  afterAll(async () => {
    await databases?.close();
    await drop?.();
  });

  it('never skips a document whose transaction commits after a pull moved past it', async () => {
    const WRITERS = 8;
    const BATCHES = 12;
    const written = new Set<string>();
    const seen = new Set<string>();
    let writing = true;

    const writer = async (w: number) => {
      for (let b = 0; b < BATCHES; b++) {
        const ids = Array.from({ length: 3 }, (_, i) => `w${w}-b${b}-d${i}`);
        await databases.withTenant('race', async (tx) => {
          await writeDocuments(tx, 'race', 'sales', ids.map((id) => ({ id, tenantId: 'race', boutiqueId: 'b1' })));
          // Hold the transaction open a random while after taking sequence numbers, so commits
          // would come out of order if the sequence did not serialise them.
          await tx.query('SELECT pg_sleep($1)', [Math.random() * 0.01]);
        });
        for (const id of ids) written.add(id);
      }
    };
    const puller = async () => {
      let seq = 0;
      const pullOnce = async () => {
        const rows = await databases.withTenant('race', (tx) => readChanges(tx, 'race', 'sales', seq, 7, 'b1'), { readOnly: true });
        for (const row of rows) {
          expect(row.seq).toBeGreaterThan(seq);
          seen.add(row.id);
          seq = row.seq;
        }
        return rows.length;
      };
      while (writing) await pullOnce();
      // Catch up with what committed last, from the same checkpoint (never from zero).
      while ((await pullOnce()) > 0);
    };

    const pullers = [puller(), puller()];
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    writing = false;
    await Promise.all(pullers);
    expect(written.size).toBe(WRITERS * BATCHES * 3);
    const missed = [...written].filter((id) => !seen.has(id));
    expect(missed).toEqual([]);
  });
});
