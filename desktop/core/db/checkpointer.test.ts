import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCheckpointer } from './checkpointer.js';
import { acquireFile, releaseFile } from './sqlite-file.js';
import { scratchDirectories } from './test-support/scratch.js';

const scratch = scratchDirectories('afrigest-checkpoint-');

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('checkpoints on a thread of their own', () => {
  it('leaves commits to the log and copies it into the database file once writes pause', async () => {
    const directory = scratch();
    const file = acquireFile(directory, 'till');
    const path = join(directory, 'till.sqlite');
    expect(file.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    file.db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT NOT NULL)');
    // Registered as a collection would be: a file without any is deleted when released.
    file.db.exec(`INSERT INTO afrigest_collections (name, version, schema_hash) VALUES ('t', 0, 'test')`);
    const insert = file.db.prepare('INSERT INTO t (data) VALUES (?)');
    const before = statSync(path).size;
    // Far past the 1,000 pages at which SQLite would have checkpointed inside this commit.
    file.db.transaction(() => {
      for (let i = 0; i < 20_000; i++) insert.run('x'.repeat(1_000));
    })();
    // The commit returned without copying anything into the database file…
    expect(statSync(path).size).toBe(before);
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(20_000_000);
    file.wrote();
    // …the thread does it shortly after.
    await until(() => statSync(path).size > 20_000_000);
    expect(file.db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(20_000);
    await releaseFile(file);

    // Everything is there after a reopen.
    const reopened = acquireFile(directory, 'till');
    expect(reopened.db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(20_000);
    await releaseFile(reopened);
  });

  it('lets a script that closes its database as its last act finish closing it', () => {
    const directory = scratch();
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'test-support/close-last.ts'), directory], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // The last connection to close copies the log into the file and deletes it.
    expect(existsSync(join(directory, 'script.sqlite-wal'))).toBe(false);
  });

  it('reports a thread that cannot open its file (SQLite then checkpoints inside commits again)', async () => {
    const reasons: string[] = [];
    const checkpointer = startCheckpointer(join(scratch(), 'absent.sqlite'), (reason) => reasons.push(reason));
    checkpointer.wrote();
    await until(() => reasons.length > 0);
    expect(reasons[0]).toMatch(/unable to open|does not exist|SQLITE_CANTOPEN/i);
    await checkpointer.close();
  });
});
