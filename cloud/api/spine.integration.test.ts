import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { DEMO_USERS, startTestApi, type TestApi } from './test-support.js';

function unzipNames(buffer: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const files = new Map<string, string>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(files));
      zip.readEntry();
    });
  });
}

describe('API spine', () => {
  let api: TestApi;
  let pdg: string;
  let dg: string;
  beforeAll(async () => {
    api = await startTestApi();
    pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
    dg = (await api.login(DEMO_USERS.dg.email, DEMO_USERS.dg.password)).accessToken;
  });
  afterAll(async () => api?.close());

  it('serves the demo catalogue with stock per boutique, from the tables sync writes', async () => {
    const all = await api.call('get', `/api/tenants/${api.demoTenantId}/products?limit=200`, { token: pdg });
    expect(all.body.products.length).toBe(200);
    const cafe = await api.call('get', `/api/tenants/${api.demoTenantId}/products?q=${encodeURIComponent('CAFÉ soluble')}`, { token: pdg });
    expect(cafe.body.products.length).toBeGreaterThan(0);
    for (const p of cafe.body.products) expect(p.name).toMatch(/Café soluble/);
    const byBarcode = await api.call('get', `/api/tenants/${api.demoTenantId}/products?q=${cafe.body.products[0].barcode}`, { token: pdg });
    expect(byBarcode.body.products).toHaveLength(1);
    expect(byBarcode.body.products[0]).toMatchObject({ priceMinor: expect.any(Number), vatRateBp: 1800 });

    const boutiques = (await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: pdg })).body.boutiques;
    expect(boutiques).toHaveLength(2);
    const stock = await api.call('get', `/api/tenants/${api.demoTenantId}/stock?boutiqueId=${boutiques[0].id}&limit=1000`, { token: pdg });
    expect(stock.body.stock.length).toBeGreaterThanOrEqual(200);
    for (const line of stock.body.stock) expect(line.quantityMilli).toBeGreaterThan(0);
  });

  it('honours X-Request-Id, or makes one', async () => {
    const given = await api.call('get', '/healthz', { headers: { 'x-request-id': 'caisse-42.abc' } });
    expect(given.headers.get('x-request-id')).toBe('caisse-42.abc');
    const made = await api.call('get', '/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers CORS for the allowed browser origins only, and says every answer varies by Origin', async () => {
    const path = `/api/tenants/${api.demoTenantId}/boutiques`;
    const allowed = await api.call('get', path, { token: pdg, headers: { origin: 'http://localhost:5173' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(allowed.headers.get('access-control-expose-headers')).toBe('X-Request-Id');
    const foreign = await api.call('get', path, { token: pdg, headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await api.call('options', path, { headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const noOrigin = await api.call('get', path, { token: pdg });
    expect(noOrigin.headers.get('access-control-allow-origin')).toBeNull();
    expect(noOrigin.headers.get('vary')).toMatch(/Origin/);
  });

  it('reports readiness, metrics and the OpenAPI document', async () => {
    expect((await api.call('get', '/readyz')).body.status).toBe('ready');
    await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: pdg });
    const metrics = await api.call('get', '/metrics');
    expect(metrics.body).toContain('afrigest_http_request_duration_seconds_bucket');
    expect(metrics.body).toContain('route="/api/tenants/:tenantId/boutiques"');
    expect(metrics.body).toContain('afrigest_db_pool_total_connections');
    expect(metrics.body).toContain('afrigest_process_cpu_seconds_total');
    const openapi = await api.call('get', '/api/openapi.json');
    expect(openapi.body.openapi).toBe('3.1.0');
    expect(openapi.body.paths['/api/auth/login'].post.requestBody).toBeDefined();
    expect(openapi.body.paths['/api/tenants/{tenantId}/users'].get).toBeDefined();
  });

  it('enrols a till with a one-time code and stops it on revocation, at its next request', async () => {
    const boutiques = (await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: pdg })).body.boutiques;
    const ratoma = boutiques.find((b: { code: string }) => b.code === 'RAT');
    const kaloum = boutiques.find((b: { code: string }) => b.code === 'KAL');
    // The dg runs Kaloum only.
    expect((await api.call('post', `/api/tenants/${api.demoTenantId}/devices/enrolment-codes`, { token: dg, body: { boutiqueId: ratoma.id, deviceName: 'Caisse 1' } })).status).toBe(403);
    const issued = await api.call('post', `/api/tenants/${api.demoTenantId}/devices/enrolment-codes`, { token: dg, body: { boutiqueId: kaloum.id, deviceName: 'Caisse 1' } });
    expect(issued.status).toBe(201);
    expect(issued.body.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);

    const enrolled = await api.call('post', '/api/devices/enrol', { body: { tenant: 'demo', code: issued.body.code.toLowerCase() } });
    expect(enrolled.status).toBe(201);
    expect(enrolled.body).toMatchObject({ deviceCode: 'C01', boutique: { code: 'KAL' }, tenant: { code: 'demo', currency: 'GNF' } });
    const again = await api.call('post', '/api/devices/enrol', { body: { tenant: 'demo', code: issued.body.code } });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('ENROLMENT_CODE_INVALID');

    const credential = `Device ${enrolled.body.credential}`;
    expect((await api.call('get', '/api/devices/me', { token: credential })).body).toMatchObject({ boutiqueId: kaloum.id });
    expect((await api.call('get', '/api/devices/me', { token: `${credential.slice(0, -3)}xyz` })).status).toBe(401);
    // A device credential opens device routes only.
    expect((await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: credential })).status).toBe(403);

    const revoked = await api.call('post', `/api/tenants/${api.demoTenantId}/devices/${enrolled.body.deviceId}/revoke`, { token: pdg });
    expect(revoked.status).toBe(200);
    const after = await api.call('get', '/api/devices/me', { token: credential });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('DEVICE_REVOKED');
  });

  it('appends every mutation to the audit log with actor, target, ip and request id', async () => {
    const created = await api.call('post', `/api/tenants/${api.demoTenantId}/boutiques`, {
      token: pdg,
      headers: { 'x-request-id': 'audit-check-1' },
      body: { code: 'MAT', name: 'AfriGest Matoto', address: 'Matoto, Conakry' },
    });
    expect(created.status).toBe(201);
    const duplicate = await api.call('post', `/api/tenants/${api.demoTenantId}/boutiques`, { token: pdg, body: { code: 'mat', name: 'Doublon' } });
    expect(duplicate.status).toBe(409);
    const audit = await api.call('get', `/api/tenants/${api.demoTenantId}/audit`, { token: pdg });
    const entries = audit.body.entries.filter((e: { action: string }) => e.action === 'boutiques.post');
    // The refused duplicate rolled back with its audit entry: only the real change is there.
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorRole: 'pdg', target: created.body.id, requestId: 'audit-check-1', ip: expect.stringContaining('127.0.0.1') });
    expect((await api.call('get', `/api/tenants/${api.demoTenantId}/audit`, { token: dg })).status).toBe(403);
  });

  it('exports all tenant data as a zip without secrets, and anonymises a user while keeping the row', async () => {
    const users = (await api.call('get', `/api/tenants/${api.demoTenantId}/users`, { token: pdg })).body.users;
    const employee = users.find((u: { email: string }) => u.email === DEMO_USERS.employee.email);
    const anonymised = await api.call('post', `/api/tenants/${api.demoTenantId}/users/${employee.id}/anonymise`, { token: pdg });
    expect(anonymised.status).toBe(200);
    expect(anonymised.body.user).toMatchObject({ id: employee.id, name: 'Utilisateur anonymisé', anonymised: true, active: false });
    expect(anonymised.body.user.email).not.toContain('employe');
    const login = await api.call('post', '/api/auth/login', { body: { tenant: 'demo', email: DEMO_USERS.employee.email, password: DEMO_USERS.employee.password } });
    expect(login.status).toBe(401);

    const response = await fetch(`${api.url}/api/tenants/${api.demoTenantId}/export`, { headers: { authorization: `Bearer ${pdg}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    const files = await unzipNames(Buffer.from(await response.arrayBuffer()));
    expect([...files.keys()].sort()).toEqual(expect.arrayContaining(['audit_log.json', 'boutiques.json', 'devices.json', 'users.json']));
    // Every table that holds a company's rows is in its export, but the counters that only number
    // its documents, one-time secrets, sign-in state, what is derived from exported rows (the
    // tills' projections of users and boutiques, the barcode index of products), and the platform's own tables (the same database when
    // embedded): a table added without a line in EXPORTED_TABLES fails here.
    const tenantDb = await api.services.databases.forTenant(api.demoTenantId);
    const { rows: tenantTables } = await tenantDb.query<{ name: string }>(
      `SELECT DISTINCT table_name AS name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY 1`,
    );
    const notExported = new Set([
      'tenant_sequences', 'transfer_numbers', 'purchase_order_numbers',
      'enrolment_codes', 'refresh_tokens', 'till_users', 'till_boutiques', 'product_barcodes',
      'platform_audit', 'subscriptions',
    ]);
    const expected = tenantTables.map((t) => t.name).filter((name) => !notExported.has(name));
    expect(expected.length).toBeGreaterThan(20);
    expect([...files.keys()].map((name) => name.replace(/\.json$/, '')).sort()).toEqual(expected.sort());
    const exportedUsers = JSON.parse(files.get('users.json')!);
    expect(exportedUsers.some((u: { id: string }) => u.id === employee.id)).toBe(true);
    expect(files.get('users.json')).not.toContain('password_hash');
    expect(files.get('users.json')).not.toContain('$argon2');
    expect(files.get('payments.json')).not.toMatch(/notif_token|"secrets"/);
    expect((await api.call('get', `/api/tenants/${api.demoTenantId}/export`, { token: dg })).status).toBe(403);
  });
});

describe('production start', () => {
  it('refuses to start without real secrets, and says why', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cloud/api/main.ts'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '0', DATA_DIR: ':memory:', JWT_ACCESS_SECRET: 'change-me' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(78);
    expect(stderr).toContain('Refusing to start in production');
    expect(stderr).toContain('JWT_ACCESS_SECRET is a default or example value');
    expect(stderr).toContain('JWT_REFRESH_SECRET is not set');
  });

  it('finishes cleanly on SIGTERM (systemd stop)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cloud/api/main.ts'], {
      env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', DATA_DIR: ':memory:', SEED_DEMO_ON_EMPTY: 'false', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const listening = new Promise<string>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /listening on (http:\/\/[\d.:]+)/.exec(stdout);
        if (match) resolve(match[1]!);
      });
    });
    const url = await listening;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(stdout).toContain('"msg":"stopped"');
  });
});
