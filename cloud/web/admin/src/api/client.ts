/**
 * The admin's only way to the API: HTTP. The access token lives in this module's memory and
 * nowhere else (no storage a script could read later); the refresh token is the API's httpOnly
 * cookie, which this page never sees. An expired access token is renewed once through the cookie
 * and the call is made again.
 */
import { isErrorBody } from '../../../../../shared/errors.js';
import type { Role } from '../../../../../shared/rbac.js';
import { WEB_SESSION_HEADER, WEB_SESSION_HEADER_VALUE } from '../../../../../shared/web-session.js';

/** Empty when the page is served by the API itself (/app/); the API's origin otherwise. */
const API_URL = (import.meta.env.VITE_API_URL ?? '').replace(/\/+$/, '');

export type SessionUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  tenantId: string;
  tenantCode: string;
  boutiqueIds: string[];
  mustChangePassword: boolean;
};

type WebSession = { accessToken: string; user: SessionUser };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let accessToken: string | null = null;
let language = 'fr';
let refreshing: Promise<SessionUser | null> | null = null;
const listeners = new Set<(user: SessionUser | null) => void>();

/** The API answers its errors in this language. */
export function setApiLanguage(locale: string): void {
  language = locale;
}

/** Told when the session changes behind the screens' back: renewed, or ended by the API. */
export function onSessionChange(listener: (user: SessionUser | null) => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

function setSession(session: WebSession | null): SessionUser | null {
  accessToken = session?.accessToken ?? null;
  const user = session?.user ?? null;
  for (const listener of listeners) listener(user);
  return user;
}

type RequestOptions = { method?: string; body?: unknown; signal?: AbortSignal | undefined; /** A body sent as is (a CSV file), with its media type. */ raw?: { text: string; contentType: string } };

async function send(path: string, options: RequestOptions): Promise<Response> {
  const auth = path.startsWith('/api/auth/');
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': language };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.raw) headers['content-type'] = options.raw.contentType;
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  // The cookie's routes want the proof that this page sent the request (shared/web-session.ts).
  if (auth) headers[WEB_SESSION_HEADER] = WEB_SESSION_HEADER_VALUE;
  try {
    return await fetch(`${API_URL}${path}`, {
      method: options.method ?? 'GET',
      headers,
      body: options.raw ? options.raw.text : options.body === undefined ? null : JSON.stringify(options.body),
      // Only the auth routes need the cookie, and it is scoped to them anyway; the rest of the
      // API goes by the bearer token, so no other call carries credentials across origins.
      credentials: auth ? 'include' : 'omit',
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'CLOUD_UNREACHABLE', unreachableMessage());
  }
}

function unreachableMessage(): string {
  return language === 'en' ? 'Server unreachable: check the connection, then try again.' : 'Serveur injoignable : vérifiez la connexion, puis réessayez.';
}

async function read<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page: reported below with the status alone.
  }
  if (response.ok) return body as T;
  if (isErrorBody(body)) throw new ApiError(response.status, body.error.code, body.error.message, body.error.details);
  throw new ApiError(response.status, response.status >= 500 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL', language === 'en' ? `The server answered ${response.status}.` : `Le serveur a répondu ${response.status}.`);
}

/** An API call with the session's token; renews it once through the cookie when it has expired. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 401 && accessToken) {
    const user = await refreshSession();
    if (user) return read<T>(await send(path, options));
  }
  return read<T>(response);
}

/**
 * The session from the cookie, if there is one (a reload, an expired access token). Calls made
 * at the same moment share one refresh: the cookie rotates on every use, and a second use of the
 * same one would look like a stolen copy and end the session.
 */
export function refreshSession(): Promise<SessionUser | null> {
  refreshing ??= (async () => {
    try {
      return setSession(await read<WebSession>(await send('/api/auth/refresh', { method: 'POST' })));
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return setSession(null);
      throw error;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export async function signIn(input: { tenant: string; email: string; password: string }): Promise<SessionUser> {
  const session = await read<WebSession>(await send('/api/auth/login', { method: 'POST', body: { ...input, session: 'cookie' } }));
  return setSession(session)!;
}

export async function changePassword(input: { currentPassword: string; newPassword: string }): Promise<SessionUser> {
  const session = await read<WebSession>(await send('/api/auth/password', { method: 'POST', body: { ...input, session: 'cookie' } }));
  return setSession(session)!;
}

/** Ends the session on the API (the cookie is cleared there) and forgets the access token here. */
export async function signOut(): Promise<void> {
  try {
    await read(await send('/api/auth/logout', { method: 'POST' }));
  } finally {
    setSession(null);
  }
}

type UploadOptions = { body: Blob; contentType: string; signal?: AbortSignal | undefined; onLine: (line: unknown) => void };

/**
 * Sends a file and reads an NDJSON answer line by line as it comes (the catalogue import reports
 * its progress that way): each line is handed to `onLine` when it arrives, not at the end. A
 * refusal before the answer began is an ApiError, as for any call.
 */
export async function apiUpload(path: string, options: UploadOptions): Promise<void> {
  const attempt = async () => {
    const headers: Record<string, string> = { accept: 'application/x-ndjson', 'accept-language': language, 'content-type': options.contentType };
    if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    try {
      return await fetch(`${API_URL}${path}`, { method: 'POST', headers, body: options.body, credentials: 'omit', signal: options.signal ?? null });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'CLOUD_UNREACHABLE', unreachableMessage());
    }
  };
  let response = await attempt();
  if (response.status === 401 && accessToken && (await refreshSession())) response = await attempt();
  if (!response.ok || !response.body) {
    await read(response);
    return;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (value) pending += value;
    let end: number;
    while ((end = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, end).trim();
      pending = pending.slice(end + 1);
      if (line) options.onLine(JSON.parse(line));
    }
    if (done) break;
  }
  if (pending.trim()) options.onLine(JSON.parse(pending));
}

/** A file the API makes (the catalogue's CSV export), with the session's token. */
export async function apiDownload(path: string, signal?: AbortSignal): Promise<Blob> {
  const attempt = async () => {
    const headers: Record<string, string> = { 'accept-language': language };
    if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    try {
      return await fetch(`${API_URL}${path}`, { headers, credentials: 'omit', signal: signal ?? null });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'CLOUD_UNREACHABLE', unreachableMessage());
    }
  };
  let response = await attempt();
  if (response.status === 401 && accessToken && (await refreshSession())) response = await attempt();
  if (!response.ok) await read(response);
  return response.blob();
}
