/**
 * Electron main, as a function of the electron module so tests can hand it a fake one. It owns
 * the window and the core process, and relays bridge calls between them: each call is checked
 * against the contract and the signed-in user's role here, before core sees it, so a
 * compromised page can do no more than the cashier could.
 */
import { writeFile } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Electron from 'electron';
import { BRIDGE_METHODS, isBridgeMethod, type AppState, type BridgeMethod, type SessionUser } from '../bridge/contract.js';
import { checkBridgeInput } from '../bridge/check-input.js';
import { CORE_EXEC_ARGV } from '../bridge/core-process.js';
import { bridgeErrorBody, type BridgeErrorBody } from '../bridge/errors.js';
import type { BridgeRequest, BridgeResult } from '../bridge/wire.js';
import { DEFAULT_LOCALE, type ErrorCode, type Locale } from '../../shared/i18n/index.js';
import { can } from '../../shared/rbac.js';

export type ElectronModule = Pick<typeof Electron, 'app' | 'BrowserWindow' | 'ipcMain' | 'utilityProcess' | 'protocol' | 'session' | 'dialog' | 'net'>;

export type ShellOptions = {
  /** The compiled preload (CommonJS: a sandboxed preload cannot be an ES module). */
  preloadPath: string;
  /** The built renderer directory, served as app://pos/. */
  rendererDirectory: string;
  /** desktop/core/utility-entry.js */
  coreEntry: string;
  dataDirectory: string;
  cloudUrl?: string;
  iconPath?: string;
  /** How long to wait before restarting a core process that died. */
  coreRestartMs?: number;
};

export const SCHEME = 'app';
export const APP_ORIGIN = `${SCHEME}://pos`;
export const CALL_CHANNEL = 'bridge:call';
export const EVENT_CHANNEL = 'bridge:event';

/** The renderer's policy: its own scripts only, no remote content, no eval. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self' blob: data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function windowOptions(options: Pick<ShellOptions, 'preloadPath' | 'iconPath'>): Electron.BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'AfriGest Caisse',
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** Must run before the app is ready: app:// behaves like https (secure context, fetch). */
export function registerScheme(electron: Pick<ElectronModule, 'protocol'>): void {
  electron.protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

type Pending = { resolve: (result: BridgeResult) => void };

export type Shell = {
  /** false when another instance already runs: this one quits. */
  primary: boolean;
  window(): Electron.BrowserWindow | null;
  /** The relay, as the renderer's ipc handler calls it (exported for tests). */
  relay(event: Electron.IpcMainInvokeEvent, method: unknown, input: unknown): Promise<BridgeResult>;
  stop(): void;
};

export function startShell(electron: ElectronModule, options: ShellOptions): Shell {
  const { app } = electron;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return { primary: false, window: () => null, relay: async () => ({ ok: false, error: bridgeErrorBody(DEFAULT_LOCALE, 'SERVICE_UNAVAILABLE') }), stop: () => undefined };
  }

  let win: Electron.BrowserWindow | null = null;
  let core: Electron.UtilityProcess | null = null;
  let stopping = false;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  // What main knows of core's state, from its events: enough to refuse early and in the right language.
  let user: SessionUser | null = null;
  let locale: Locale = DEFAULT_LOCALE;

  const refuse = (code: ErrorCode, details?: Parameters<typeof bridgeErrorBody>[2]): BridgeResult => ({ ok: false, error: bridgeErrorBody(locale, code, details) });

  function startCore(): void {
    const child = electron.utilityProcess.fork(options.coreEntry, [], {
      serviceName: 'afrigest-core',
      execArgv: [...CORE_EXEC_ARGV],
      env: { ...process.env, AFRIGEST_TILL_DIR: options.dataDirectory, ...(options.cloudUrl ? { AFRIGEST_CLOUD_URL: options.cloudUrl } : {}) },
    });
    core = child;
    child.on('message', (message: unknown) => onCoreMessage(message));
    child.on('exit', () => {
      if (core === child) core = null;
      for (const [, p] of pending) p.resolve(refuse('BRIDGE_DISCONNECTED'));
      pending.clear();
      // A crashed core restarts; what it acknowledged is on disk (SQLite, synchronous commits).
      if (!stopping) setTimeout(() => !stopping && startCore(), options.coreRestartMs ?? 1_000);
    });
  }

  function onCoreMessage(message: unknown): void {
    if (typeof message !== 'object' || message === null) return;
    const m = message as { id?: unknown; ok?: unknown; event?: unknown; payload?: unknown };
    if (typeof m.event === 'string') {
      if (m.event === 'session.changed') user = (m.payload as { user: SessionUser | null }).user;
      if (m.event === 'app.changed') ({ user, locale } = m.payload as AppState);
      if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, { event: m.event, payload: m.payload });
      return;
    }
    if (typeof m.id === 'number') {
      const p = pending.get(m.id);
      pending.delete(m.id);
      const { id: _id, ...result } = m;
      void _id;
      p?.resolve(result as BridgeResult);
    }
  }

  function callCore(method: BridgeMethod, input: unknown): Promise<BridgeResult> {
    if (!core) return Promise.resolve(refuse('BRIDGE_DISCONNECTED'));
    const id = nextId++;
    const request: BridgeRequest = { id, method, input };
    return new Promise((resolve) => {
      pending.set(id, { resolve });
      core!.postMessage(request);
    });
  }

  /** Calls that main answers itself: the window's printer and save dialog. */
  async function shellCall(method: 'shell.print' | 'shell.savePdf', input: Record<string, unknown>): Promise<BridgeResult> {
    if (!win || win.isDestroyed()) return refuse('SERVICE_UNAVAILABLE');
    const target = win;
    if (method === 'shell.print') {
      await new Promise<void>((resolve) => target.webContents.print({ silent: input.silent === true, printBackground: true }, () => resolve()));
      return { ok: true, output: { handled: true } };
    }
    const choice = await electron.dialog.showSaveDialog(target, { defaultPath: String(input.fileName), filters: [{ name: 'PDF', extensions: ['pdf'] }] });
    if (choice.canceled || !choice.filePath) return { ok: true, output: { saved: false } };
    const bytes = typeof input.pdfBase64 === 'string' ? Buffer.from(input.pdfBase64, 'base64') : await target.webContents.printToPDF({ printBackground: true, pageSize: 'A4' });
    await writeFile(choice.filePath, bytes);
    return { ok: true, output: { saved: true } };
  }

  async function relay(event: Electron.IpcMainInvokeEvent, method: unknown, input: unknown): Promise<BridgeResult> {
    // Only our own page may call: not a frame that navigated elsewhere, nor a window.open child.
    if (!win || event.sender !== win.webContents || !event.senderFrame?.url.startsWith(`${APP_ORIGIN}/`)) return refuse('FORBIDDEN');
    if (!isBridgeMethod(method)) return refuse('BRIDGE_METHOD_UNKNOWN');
    const definition = BRIDGE_METHODS[method];
    const right = definition.right;
    if (right !== 'public') {
      if (!user) return refuse('UNAUTHENTICATED');
      if (right !== 'signed-in' && !can(user.role, right.module, right.action)) return refuse('FORBIDDEN');
    }
    const checked = checkBridgeInput(method, input, locale);
    if (!checked.ok) return refuse('VALIDATION_FAILED', checked.issues);
    if (method === 'shell.print' || method === 'shell.savePdf') {
      try {
        return await shellCall(method, checked.input as Record<string, unknown>);
      } catch {
        return refuse('INTERNAL');
      }
    }
    // Core validates again: it is the one that writes.
    return callCore(method, input ?? {});
  }

  function serveRenderer(): void {
    const root = normalize(options.rendererDirectory);
    electron.protocol.handle(SCHEME, async (request) => {
      const url = new URL(request.url);
      let file = normalize(join(root, decodeURIComponent(url.pathname)));
      if (url.host !== 'pos' || (file !== root && !file.startsWith(root + sep))) return new Response(null, { status: 404 });
      if (url.pathname === '/' || !/\.[a-z0-9]+$/i.test(url.pathname)) file = join(root, 'index.html');
      let answer: Response;
      try {
        answer = await electron.net.fetch(pathToFileURL(file).toString());
      } catch {
        return new Response(null, { status: 404 });
      }
      const headers = new Headers(answer.headers);
      headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
      headers.set('x-content-type-options', 'nosniff');
      return new Response(answer.body, { status: answer.status, headers });
    });
  }

  function createWindow(): void {
    const created = new electron.BrowserWindow(windowOptions(options));
    win = created;
    const contents = created.webContents;
    // The page never leaves app://pos, never opens windows, never embeds webviews.
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    const stay = (event: { preventDefault(): void }, url: string) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    };
    contents.on('will-navigate', stay);
    contents.on('will-redirect', stay);
    contents.on('will-attach-webview', (event: { preventDefault(): void }) => event.preventDefault());
    created.once('ready-to-show', () => created.show());
    created.on('closed', () => {
      if (win === created) win = null;
    });
    void created.loadURL(`${APP_ORIGIN}/`);
  }

  app.on('second-instance', () => {
    // A second launch (double click on the icon) brings the open till forward instead.
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => stop());

  electron.ipcMain.handle(CALL_CHANNEL, (event, method: unknown, input: unknown) => relay(event, method, input));

  void app.whenReady().then(() => {
    // No camera, microphone, notifications or geolocation for the counter page.
    electron.session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    serveRenderer();
    startCore();
    createWindow();
  });

  function stop(): void {
    if (stopping) return;
    stopping = true;
    electron.ipcMain.removeHandler(CALL_CHANNEL);
    // Core closes its database cleanly when asked; a kill would be safe too (synchronous commits).
    core?.postMessage({ type: 'close' });
  }

  return { primary: true, window: () => win, relay, stop };
}
