import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Refused: another process has the embedded database open. The message says what to do. */
export class EmbeddedDatabaseBusyError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(
      `La base embarquée ${dataDir} est déjà ouverte par le processus ${pid} (l’API lancée par npm start ?). ` +
        'Arrêtez ce processus avant de relancer cette commande, ou faites-la passer par l’API en marche ' +
        `(si aucun processus AfriGest ne tourne, supprimez ${join(dataDir, LOCK_FILE)}). ` +
        `/ The embedded database ${dataDir} is already open by process ${pid} (the API started by npm start?). ` +
        'Stop that process before running this command again, or go through the running API ' +
        `(if no AfriGest process runs, delete ${join(dataDir, LOCK_FILE)}).`,
    );
    this.name = 'EmbeddedDatabaseBusyError';
  }
}

const LOCK_FILE = 'afrigest.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is one process's database: a second process writing beside it would lose data
 * silently (its writes vanish, or the first process's do). A lock file holding the owner's pid,
 * created atomically, keeps the directory to one process; a lock left by a process that died is
 * taken over. Returns the release function.
 */
export function lockEmbeddedDirectory(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let owner = Number.NaN;
    try {
      owner = Number(readFileSync(path, 'utf8').trim());
    } catch {
      continue; // released meanwhile: try again
    }
    // A lock being written has no pid yet: its owner is alive.
    if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) throw new EmbeddedDatabaseBusyError(dataDir, owner);
    try {
      unlinkSync(path);
    } catch {
      // another process took the stale lock over first; the next attempt tells
    }
  }
  throw new EmbeddedDatabaseBusyError(dataDir, Number.NaN);
}
