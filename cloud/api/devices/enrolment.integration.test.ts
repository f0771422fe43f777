/**
 * Tills enrolled at the same moment: each gets its own code, since the code is part of every
 * receipt number the till prints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, startTestApi, type TestApi } from '../test-support.js';

let api: TestApi;
let pdg: string;
let boutiqueId: string;

beforeAll(async () => {
  api = await startTestApi();
  pdg = (await api.login(DEMO_USERS.pdg.email, DEMO_USERS.pdg.password)).accessToken;
  boutiqueId = (await api.call('get', `/api/tenants/${api.demoTenantId}/boutiques`, { token: pdg })).body.boutiques[0].id;
});
afterAll(async () => api?.close());

describe('till enrolment', () => {
  it('gives 10 tills enrolled at once 10 distinct codes', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) {
      const issued = await api.call('post', `/api/tenants/${api.demoTenantId}/devices/enrolment-codes`, { token: pdg, body: { boutiqueId, deviceName: `Caisse ${i + 1}` } });
      expect(issued.status).toBe(201);
      codes.push(issued.body.code);
    }
    const enrolled = await Promise.all(codes.map((code) => api.call('post', '/api/devices/enrol', { body: { tenant: 'demo', code } })));
    expect(enrolled.map((res) => res.status)).toEqual(codes.map(() => 201));
    const tillCodes = enrolled.map((res) => res.body.deviceCode as string);
    expect(new Set(tillCodes).size).toBe(10);
    for (const code of tillCodes) expect(code).toMatch(/^C\d{2}$/);
  });
});
