import { spawn } from 'node:child_process';
import { CORE_EXEC_ARGV } from '../../desktop/bridge/core-process.js';

/**
 * For a bench whose till runs in its own process: makes that process run with the V8 flags the
 * app gives the till's core (desktop/bridge/core-process.ts). Started without them, the bench runs
 * again in a child that has them, and this process ends with the child's exit code; the raw
 * baselines run in the same process, with the same flags. Call before anything else.
 */
export async function runAsTheCoreRuns(): Promise<void> {
  if (CORE_EXEC_ARGV.every((flag) => process.execArgv.includes(flag))) return;
  const child = spawn(process.execPath, [...CORE_EXEC_ARGV, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  const code = await new Promise<number>((resolve) => child.once('exit', (exitCode) => resolve(exitCode ?? 1)));
  process.exit(code);
}
