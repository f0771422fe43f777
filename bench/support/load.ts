import autocannon, { type Request as LoadRequest } from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export type LoadResult = { requestsPerSecond: number; p50: number; p99: number; errors: number; non2xx: number };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * Starts a server in its own process (so the load generator does not share its event loop):
 * built `.js` under plain node, `.ts` through tsx.
 */
export async function startProcess(args: string[], env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  const loader = args[0]?.endsWith('.ts') ? ['--import', 'tsx'] : [];
  // BENCH_PROFILE=<dir>: the server writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, ...loader, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    try {
      if ((await fetch(readyUrl)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${args.join(' ')} did not become ready`);
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** A bounded load: `seconds` of `connections` keep-alive connections, after a short warm-up. */
export async function load(options: {
  url: string;
  method?: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: string;
  /** Request paths and bodies taken in turn (e.g. callbacks for many payments); overrides url's path and body. */
  rotate?: Array<{ path: string; body?: string }>;
  seconds: number;
  connections: number;
}): Promise<LoadResult> {
  let turn = 0;
  const rotate = options.rotate;
  const base = {
    url: options.url,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    connections: options.connections,
    ...(options.body ? { body: options.body } : {}),
    ...(rotate?.length
      ? { requests: [{ setupRequest: (req: LoadRequest): LoadRequest => ({ ...req, ...rotate[turn++ % rotate.length] }) }] }
      : {}),
  };
  await autocannon({ ...base, duration: 2 });
  const result = await autocannon({ ...base, duration: options.seconds });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export function printComparison(title: string, rows: Array<{ name: string; result: LoadResult }>, baseline: LoadResult): void {
  console.log(`\n${title}`);
  console.log('  name                               req/s      p50 ms   p99 ms   errors  non-2xx  throughput vs baseline');
  for (const { name, result } of rows) {
    const ratio = result.requestsPerSecond / baseline.requestsPerSecond;
    console.log(
      `  ${name.padEnd(34)} ${result.requestsPerSecond.toFixed(0).padStart(7)}  ${result.p50.toFixed(1).padStart(7)}  ${result.p99.toFixed(1).padStart(7)}  ${String(result.errors).padStart(6)}  ${String(result.non2xx).padStart(7)}  ${ratio.toFixed(2)}x`,
    );
  }
}
