import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Electron from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import { CORE_EXEC_ARGV } from '../bridge/core-process.js';
import { CALL_CHANNEL, CONTENT_SECURITY_POLICY, EVENT_CHANNEL, startShell, type ElectronModule, type Shell } from './shell.js';

type Handler = (event: Electron.IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

/** Electron's surface as main uses it, recording what main asks of it. */
function fakeElectron(options: { locked?: boolean } = {}) {
  const appListeners = new Map<string, Array<(...args: unknown[]) => void>>();
  const windows: FakeWindow[] = [];
  const children: FakeChild[] = [];
  const handlers = new Map<string, Handler>();
  const recorded = { quit: 0, permissionHandler: null as null | ((wc: unknown, p: string, cb: (granted: boolean) => void) => void), protocolHandler: null as null | ((r: Request) => Promise<Response>) };

  class FakeContents {
    readonly id = 1;
    sent: Array<[string, unknown]> = [];
    openHandler: ((d: { url: string }) => { action: string }) | null = null;
    listeners = new Map<string, (event: { preventDefault(): void }, url: string) => void>();
    printed: unknown[] = [];
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
    print(options: unknown, callback: () => void) {
      this.printed.push(options);
      callback();
    }
    async printToPDF() {
      return Buffer.from('%PDF');
    }
    setWindowOpenHandler(handler: (d: { url: string }) => { action: string }) {
      this.openHandler = handler;
    }
    on(event: string, listener: (event: { preventDefault(): void }, url: string) => void) {
      this.listeners.set(event, listener);
      return this;
    }
    isDestroyed() {
      return false;
    }
  }
  class FakeWindow {
    readonly webContents = new FakeContents();
    loaded: string | null = null;
    minimized = true;
    focused = 0;
    constructor(readonly options: Electron.BrowserWindowConstructorOptions) {
      windows.push(this);
    }
    async loadURL(url: string) {
      this.loaded = url;
    }
    isMinimized() {
      return this.minimized;
    }
    restore() {
      this.minimized = false;
    }
    focus() {
      this.focused++;
    }
    show() {}
    isDestroyed() {
      return false;
    }
    once() {
      return this;
    }
    on() {
      return this;
    }
  }
  class FakeChild {
    posted: unknown[] = [];
    listeners = new Map<string, (value: unknown) => void>();
    constructor(readonly entry: string, readonly env: Record<string, string | undefined>, readonly execArgv: string[] | undefined) {
      children.push(this);
    }
    postMessage(message: unknown) {
      this.posted.push(message);
    }
    on(event: string, listener: (value: unknown) => void) {
      this.listeners.set(event, listener);
      return this;
    }
    kill() {
      return true;
    }
    /** Core answering or pushing an event. */
    reply(message: unknown) {
      this.listeners.get('message')!(message);
    }
  }

  const electron = {
    app: {
      requestSingleInstanceLock: () => !options.locked,
      whenReady: () => Promise.resolve(),
      quit: () => void recorded.quit++,
      getPath: () => '/tmp',
      getAppPath: () => '/app',
      isPackaged: false,
      on(event: string, listener: (...args: unknown[]) => void) {
        appListeners.set(event, [...(appListeners.get(event) ?? []), listener]);
        return this;
      },
    },
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: (channel: string, handler: Handler) => void handlers.set(channel, handler),
      removeHandler: (channel: string) => void handlers.delete(channel),
    },
    utilityProcess: { fork: (entry: string, _args: string[], opts: { env: Record<string, string | undefined>; execArgv?: string[] }) => new FakeChild(entry, opts.env, opts.execArgv) },
    protocol: {
      registerSchemesAsPrivileged: () => undefined,
      handle: (_scheme: string, handler: (r: Request) => Promise<Response>) => void (recorded.protocolHandler = handler),
    },
    session: { defaultSession: { setPermissionRequestHandler: (handler: typeof recorded.permissionHandler) => void (recorded.permissionHandler = handler) } },
    dialog: { showSaveDialog: async () => ({ canceled: true }) },
    net: { fetch: async () => new Response('<!doctype html><title>Caisse</title>', { headers: { 'content-type': 'text/html' } }) },
  };
  const emitApp = (event: string, ...args: unknown[]) => appListeners.get(event)?.forEach((l) => l(...args));
  return { electron: electron as unknown as ElectronModule, windows, children, handlers, recorded, emitApp };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('Electron main', () => {
  let directory: string;
  let shell: Shell | null = null;
  const start = (fake: ReturnType<typeof fakeElectron>) => {
    directory = mkdtempSync(join(tmpdir(), 'afrigest-main-'));
    shell = startShell(fake.electron, { preloadPath: '/app/preload.cjs', rendererDirectory: join(directory, 'renderer'), coreEntry: '/app/core/utility-entry.js', dataDirectory: join(directory, 'till'), coreRestartMs: 5 });
    return shell;
  };
  afterEach(() => {
    shell?.stop();
    shell = null;
    rmSync(directory, { recursive: true, force: true });
  });

  it('opens one locked-down window: isolated, sandboxed, no Node, no navigation away, no permissions', async () => {
    const fake = fakeElectron();
    start(fake);
    await settle();
    expect(fake.windows).toHaveLength(1);
    const win = fake.windows[0]!;
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, preload: '/app/preload.cjs' });
    expect(win.loaded).toBe('app://pos/');
    expect(win.webContents.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    let prevented = false;
    win.webContents.listeners.get('will-navigate')!({ preventDefault: () => (prevented = true) }, 'https://evil.example/');
    expect(prevented).toBe(true);
    let granted: boolean | null = null;
    fake.recorded.permissionHandler!(null, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
    const page = await fake.recorded.protocolHandler!(new Request('app://pos/'));
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect((await fake.recorded.protocolHandler!(new Request('app://elsewhere/index.html'))).status).toBe(404);
    // Core runs in its own process, pointed at the till's data.
    expect(fake.children).toHaveLength(1);
    expect(fake.children[0]!.env.AFRIGEST_TILL_DIR).toBe(join(directory, 'till'));
    expect(fake.children[0]!.execArgv).toEqual(CORE_EXEC_ARGV);
  });

  it('refuses bad bridge calls before they reach core, and relays the good ones', async () => {
    const fake = fakeElectron();
    start(fake);
    await settle();
    const win = fake.windows[0]!;
    const core = fake.children[0]!;
    const call = fake.handlers.get(CALL_CHANNEL)!;
    const fromPage = { sender: win.webContents, senderFrame: { url: 'app://pos/' } } as unknown as Electron.IpcMainInvokeEvent;

    expect(await call(fromPage, 'fs.readFile', {})).toMatchObject({ ok: false, error: { code: 'BRIDGE_METHOD_UNKNOWN' } });
    expect(await call(fromPage, 'auth.signIn', { email: 'x' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', details: expect.any(Array) } });
    expect(await call(fromPage, 'checkout.complete', { lines: [], tenders: [] })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    // Hostile text or an absurdly deep value: the standard refusal with the field, and core never sees it.
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const invalid = { ok: false, error: { code: 'VALIDATION_FAILED', message: 'Données invalides : vérifiez les champs signalés.' } };
    expect(await call(fromPage, 'auth.signIn', { email: 'e@demo.local\u0000', password: 'Demo123!' })).toMatchObject({ ...invalid, error: { ...invalid.error, details: [{ path: 'input.email' }] } });
    expect(await call(fromPage, 'auth.signIn', { email: 'e@demo.local', password: '\ud800' })).toMatchObject({ ...invalid, error: { ...invalid.error, details: [{ path: 'input.password' }] } });
    expect(await call(fromPage, 'app.setLocale', { locale: 'fr', deep })).toMatchObject({ ...invalid, error: { ...invalid.error, details: [{ message: 'valeur trop profondément imbriquée' }] } });
    expect(await call(fromPage, 'device.enrol', JSON.parse('{"__proto__":{"polluted":1},"tenant":"demo","code":"ABCD-EFGH-1234"}'))).toMatchObject(invalid);
    // A frame from elsewhere, or another webContents, is not the till's page.
    expect(await call({ sender: win.webContents, senderFrame: { url: 'https://evil.example/' } } as unknown as Electron.IpcMainInvokeEvent, 'app.state', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call({ sender: {}, senderFrame: { url: 'app://pos/' } } as unknown as Electron.IpcMainInvokeEvent, 'app.state', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // Core says an employee signed in: the event reaches the page, and main now knows the role.
    core.reply({ event: 'session.changed', payload: { user: { id: 'u1', email: 'e@demo.local', name: 'Ibrahima', role: 'employee' } } });
    expect(win.webContents.sent.at(-1)).toEqual([EVENT_CHANNEL, { event: 'session.changed', payload: { user: expect.objectContaining({ role: 'employee' }) } }]);
    expect(await call(fromPage, 'stock.adjust', { productId: 'riz', deltaMilli: 1000, reason: 'x' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(core.posted).toEqual([]);

    const answer = call(fromPage, 'catalog.search', { text: 'riz' });
    expect(core.posted).toEqual([{ id: 1, method: 'catalog.search', input: { text: 'riz' } }]);
    core.reply({ id: 1, ok: true, output: [] });
    expect(await answer).toEqual({ ok: true, output: [] });

    // Printing is main's: the window's printer, not core.
    expect(await call(fromPage, 'shell.print', {})).toEqual({ ok: true, output: { handled: true } });
    expect(win.webContents.printed).toHaveLength(1);
  });

  it('answers calls cut off by a core crash and starts core again', async () => {
    const fake = fakeElectron();
    start(fake);
    await settle();
    const call = fake.handlers.get(CALL_CHANNEL)!;
    const fromPage = { sender: fake.windows[0]!.webContents, senderFrame: { url: 'app://pos/index.html' } } as unknown as Electron.IpcMainInvokeEvent;
    const cut = call(fromPage, 'app.state', {});
    fake.children[0]!.listeners.get('exit')!(1);
    expect(await cut).toMatchObject({ ok: false, error: { code: 'BRIDGE_DISCONNECTED' } });
    await expect.poll(() => fake.children.length).toBe(2);
  });

  it('runs once: a second launch quits and the first window comes forward', async () => {
    const second = fakeElectron({ locked: true });
    const other = startShell(second.electron, { preloadPath: 'p', rendererDirectory: 'r', coreEntry: 'c', dataDirectory: 'd' });
    await settle();
    expect(other.primary).toBe(false);
    expect(second.recorded.quit).toBe(1);
    expect(second.windows).toHaveLength(0);
    expect(second.children).toHaveLength(0);
    expect(second.handlers.size).toBe(0);

    const first = fakeElectron();
    start(first);
    await settle();
    first.emitApp('second-instance');
    expect(first.windows[0]!.minimized).toBe(false);
    expect(first.windows[0]!.focused).toBe(1);
    expect(first.windows).toHaveLength(1);
  });
});
