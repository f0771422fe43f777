import { createConnection, createServer, type Socket } from 'node:net';

export type FlakyProxy = { url: string; drops(): number; setOffline(offline: boolean): void; close(): Promise<void> };

/**
 * A TCP proxy on loopback that cuts a share of the connections it carries after a random number
 * of bytes (mid-request or mid-response), like a mobile link in a market; `setOffline` refuses
 * every connection, like no network at all.
 */
export async function startFlakyProxy(targetPort: number, options: { dropRate: number; seed: number }): Promise<FlakyProxy> {
  let state = options.seed >>> 0;
  const random = () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
  let dropped = 0;
  let offline = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (offline) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    const cutAfter = random() < options.dropRate ? Math.floor(random() * 4_000) : Infinity;
    let carried = 0;
    const forward = (from: Socket, to: Socket) => {
      from.on('data', (chunk: Buffer) => {
        carried += chunk.length;
        if (carried > cutAfter) {
          dropped++;
          client.destroy();
          upstream.destroy();
          return;
        }
        to.write(chunk);
      });
    };
    forward(client, upstream);
    forward(upstream, client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    drops: () => dropped,
    setOffline(value) {
      offline = value;
      if (value) for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
