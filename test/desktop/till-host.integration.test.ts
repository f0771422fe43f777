/**
 * The till as the browser sees it, against a real cloud: enrol through the bridge with a code the
 * pdg made, sync the staff and the catalogue, sign in as the demo cashier, sell, and find the sale
 * in the cloud.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEMO_USERS, startTestApi, type TestApi } from '../../cloud/api/test-support.js';
import { startPaymentSimulators, type PaymentSimulators } from '../../cloud/payments/simulators/index.js';
import { createBridgeClient, webSocketTransport, type WebSocketLike } from '../../desktop/bridge/client.js';
import type { BridgeApi } from '../../desktop/bridge/contract.js';
import { BRIDGE_PATH, startHost, type RunningHost } from '../../desktop/host/host.js';

describe('till in the browser host, with the cloud', () => {
  let api: TestApi;
  let sims: PaymentSimulators;
  let host: RunningHost;
  let directory: string;
  let bridge: BridgeApi;
  let close: () => void;

  beforeAll(async () => {
    sims = await startPaymentSimulators({ port: 0 });
    api = await startTestApi({ MTN_MOMO_BASE_URL: sims.urls.mtnMomo, ORANGE_MOMO_BASE_URL: sims.urls.orangeMoney, PAYMENT_APPLY_EVERY: '1s' });
    directory = mkdtempSync(join(tmpdir(), 'afrigest-till-host-'));
    host = await startHost({ port: 0, dataDirectory: directory, cloudUrl: api.url, rendererDirectory: directory, sync: { retryTime: 200, pollInterval: 500 }, log: () => undefined });
    const origin = host.url.replace(/\/$/, '');
    const transport = webSocketTransport(
      () => new WebSocket(`${origin.replace('http', 'ws')}${BRIDGE_PATH}?token=${host.token}`, { origin }) as unknown as WebSocketLike,
      { reconnectMs: 0 },
    );
    bridge = createBridgeClient(transport);
    close = () => transport.close();
  });
  afterAll(async () => {
    close?.();
    await host?.close();
    await api?.close();
    await sims?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('enrols, syncs, signs the cashier in and sells; the sale reaches the cloud', async () => {
    const pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    const boutique = (await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: pdg })).body.boutiques[0];
    const code = await api.call('post', `/api/tenants/${api.demoTenantId}/devices/enrolment-codes`, { token: pdg, body: { boutiqueId: boutique.id, deviceName: 'Caisse navigateur' } });

    const state = await bridge.call('device.enrol', { tenant: 'demo', code: code.body.code });
    expect(state).toMatchObject({ enrolled: true, till: { tenant: { code: 'demo' }, boutique: { id: boutique.id } } });

    await expect.poll(async () => (await bridge.call('sync.status', {})).state, { timeout: 30_000 }).toBe('in-sync');
    const status = await bridge.call('sync.status', {});
    expect(status.local.products).toBeGreaterThan(0);
    expect(status.local.users).toBeGreaterThan(0);

    const user = await bridge.call('auth.signIn', { email: DEMO_USERS.employee.email, password: DEMO_USERS.employee.password });
    expect(user.role).toBe('employee');
    const product = (await bridge.call('catalog.search', { text: 'r', limit: 20 })).find((p) => p.priceMinor > 5_000);
    expect(product).toBeDefined();
    const byBarcode = await bridge.call('catalog.byBarcode', { barcode: product!.barcode });
    expect(byBarcode?.id).toBe(product!.id);

    const sale = await bridge.call('checkout.complete', { lines: [{ productId: product!.id, quantityMilli: 2000 }], tenders: [{ method: 'cash', amountMinor: product!.priceMinor * 2 }] });
    expect(sale.totalMinor).toBe(product!.priceMinor * 2);

    // Part mobile money (MTN's sandbox number that always pays), part cash: the till follows
    // the payment to success, then the sale carries its paymentId.
    const events: string[] = [];
    bridge.on('payment.status', (status) => events.push(status.status));
    const payment = await bridge.call('payments.mobileStart', { method: 'mtn_momo', amountMinor: 5_000, phone: '46733123454' });
    expect(payment).toMatchObject({ method: 'mtn_momo', amountMinor: 5_000 });
    await expect.poll(async () => (await bridge.call('payments.mobileStatus', { paymentId: payment.paymentId })).status, { timeout: 30_000 }).toBe('succeeded');
    const split = await bridge.call('checkout.complete', {
      lines: [{ productId: product!.id, quantityMilli: 1000 }],
      tenders: [{ method: 'mtn_momo', amountMinor: 5_000, paymentId: payment.paymentId }, { method: 'cash', amountMinor: product!.priceMinor - 5_000 }],
    });
    expect(split.tenders).toEqual([{ method: 'mtn_momo', amountMinor: 5_000, paymentId: payment.paymentId }, { method: 'cash', amountMinor: product!.priceMinor - 5_000 }]);
    expect(events).toContain('succeeded');

    const inCloud = async () =>
      api.services.databases.withTenant(api.demoTenantId, async (tx) => (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM sales WHERE id = $1`, [sale.id])).rows[0]!.n);
    await expect.poll(inCloud, { timeout: 30_000 }).toBe(1);
  });
});
