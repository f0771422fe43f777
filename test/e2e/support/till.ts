/**
 * A till for browser tests: the host (core + renderer over the bridge) in its own process, so a
 * test can kill it without warning (SIGKILL) as a power cut would, and start it again on its data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from './browser.js';

const HOST_SCRIPT = join(ROOT, 'test', 'e2e', 'support', 'till-host-process.ts');

export type Till = { openUrl: string; child: ChildProcess; logs: string[] };

/** Starts the host in a child process and reads its tokened URL. */
export async function startTill(env: { TILL_DIR: string; CLOUD_URL: string; RENDERER_DIR: string }): Promise<Till> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOST_SCRIPT], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => {
    logs.push(...chunk.toString().split('\n').filter(Boolean));
    if (logs.length > 300) logs.splice(0, logs.length - 300);
  });
  const openUrl = await new Promise<string>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`till host did not start:\n${logs.join('\n')}`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`till host exited (${code}):\n${logs.join('\n')}`));
    });
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolvePromise((JSON.parse(line) as { openUrl: string }).openUrl);
    });
  });
  return { openUrl, child, logs };
}

export function killTill(till: Till, signal: NodeJS.Signals): Promise<void> {
  if (till.child.exitCode !== null || till.child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    till.child.once('exit', () => done());
    till.child.kill(signal);
  });
}
