/**
 * The few Electron APIs main and preload use, declared here: the `electron` package would make
 * every `npm ci` download its binary, and nothing here may depend on it. Signatures follow
 * Electron's own declarations (v41); widen them here when a new API is needed.
 */
declare module 'electron' {
  type Listener = (...args: any[]) => void;

  export type WebPreferences = {
    preload?: string;
    contextIsolation?: boolean;
    sandbox?: boolean;
    nodeIntegration?: boolean;
    nodeIntegrationInWorker?: boolean;
    nodeIntegrationInSubFrames?: boolean;
    webSecurity?: boolean;
    allowRunningInsecureContent?: boolean;
    webviewTag?: boolean;
    spellcheck?: boolean;
    devTools?: boolean;
    navigateOnDragDrop?: boolean;
  };

  export type BrowserWindowConstructorOptions = {
    width?: number;
    height?: number;
    minWidth?: number;
    minHeight?: number;
    show?: boolean;
    title?: string;
    icon?: string;
    backgroundColor?: string;
    autoHideMenuBar?: boolean;
    webPreferences?: WebPreferences;
  };

  export type WebContentsPrintOptions = { silent?: boolean; printBackground?: boolean; deviceName?: string };
  export type PrintToPDFOptions = { printBackground?: boolean; pageSize?: string; landscape?: boolean };
  export type HandlerDetails = { url: string };

  export interface WebContents {
    readonly id: number;
    send(channel: string, ...args: unknown[]): void;
    print(options: WebContentsPrintOptions, callback?: (success: boolean, failureReason: string) => void): void;
    printToPDF(options: PrintToPDFOptions): Promise<Buffer>;
    setWindowOpenHandler(handler: (details: HandlerDetails) => { action: 'deny' } | { action: 'allow' }): void;
    on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void; url: string }, url: string) => void): this;
    on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): this;
    on(event: string, listener: Listener): this;
    isDestroyed(): boolean;
  }

  export class BrowserWindow {
    constructor(options?: BrowserWindowConstructorOptions);
    readonly webContents: WebContents;
    loadURL(url: string): Promise<void>;
    isMinimized(): boolean;
    restore(): void;
    focus(): void;
    show(): void;
    isDestroyed(): boolean;
    once(event: 'ready-to-show', listener: () => void): this;
    on(event: 'closed', listener: () => void): this;
    on(event: string, listener: Listener): this;
  }

  export interface App {
    requestSingleInstanceLock(): boolean;
    whenReady(): Promise<void>;
    quit(): void;
    getPath(name: 'userData' | 'documents' | 'downloads' | 'temp'): string;
    getAppPath(): string;
    readonly isPackaged: boolean;
    on(event: 'second-instance' | 'window-all-closed' | 'activate', listener: Listener): this;
    on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): this;
    on(event: string, listener: Listener): this;
  }

  export type IpcMainInvokeEvent = { sender: WebContents; senderFrame: { url: string } | null };
  export interface IpcMain {
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: any[]) => Promise<unknown> | unknown): void;
    removeHandler(channel: string): void;
  }

  export type MessageEvent = { data: any };
  export interface UtilityProcess {
    readonly pid: number | undefined;
    postMessage(message: unknown): void;
    kill(): boolean;
    on(event: 'message', listener: (message: any) => void): this;
    on(event: 'exit', listener: (code: number) => void): this;
    on(event: 'spawn', listener: () => void): this;
  }
  export interface UtilityProcessModule {
    fork(modulePath: string, args?: string[], options?: { env?: Record<string, string | undefined>; execArgv?: string[]; serviceName?: string; stdio?: 'pipe' | 'ignore' | 'inherit' }): UtilityProcess;
  }

  export type ProtocolPrivileges = { standard?: boolean; secure?: boolean; supportFetchAPI?: boolean; corsEnabled?: boolean };
  export interface Protocol {
    registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges?: ProtocolPrivileges }>): void;
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
  }

  export interface Session {
    setPermissionRequestHandler(handler: ((webContents: WebContents, permission: string, callback: (granted: boolean) => void) => void) | null): void;
  }
  export interface SessionModule {
    readonly defaultSession: Session;
  }

  export type SaveDialogOptions = { title?: string; defaultPath?: string; filters?: Array<{ name: string; extensions: string[] }> };
  export interface Dialog {
    showSaveDialog(window: BrowserWindow, options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
  }

  export interface ContextBridge {
    exposeInMainWorld(apiKey: string, api: unknown): void;
  }
  export type IpcRendererEvent = { sender: unknown };
  export interface IpcRenderer {
    invoke(channel: string, ...args: unknown[]): Promise<any>;
    on(channel: string, listener: (event: IpcRendererEvent, ...args: any[]) => void): this;
    removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: any[]) => void): this;
  }

  export const app: App;
  export const ipcMain: IpcMain;
  export const utilityProcess: UtilityProcessModule;
  export const protocol: Protocol;
  export const session: SessionModule;
  export const dialog: Dialog;
  export const contextBridge: ContextBridge;
  export const ipcRenderer: IpcRenderer;
  export const net: { fetch(url: string): Promise<Response> };
}
