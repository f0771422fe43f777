import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorRequestHandler, Request } from 'express';
import { ZodError } from 'zod';
import type { ErrorBody, FieldIssue } from '../../../shared/errors.js';
import { DEFAULT_LOCALE, errorMessage, pickLocale, type ErrorCode } from '../../../shared/i18n/index.js';

/** An error the caller can understand: its status, a stable code, and details to show. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly details?: unknown,
    readonly params?: Record<string, unknown>,
  ) {
    super(code);
  }
}

export const notFound = (code: ErrorCode = 'NOT_FOUND', details?: unknown) => new AppError(404, code, details);
export const forbidden = (code: ErrorCode = 'FORBIDDEN', details?: unknown) => new AppError(403, code, details);
export const unauthenticated = (code: ErrorCode = 'UNAUTHENTICATED') => new AppError(401, code);
export const conflict = (code: ErrorCode, details?: unknown) => new AppError(409, code, details);
export const badRequest = (code: ErrorCode, details?: unknown) => new AppError(400, code, details);

export function fieldIssues(error: ZodError, prefix: string): FieldIssue[] {
  return error.issues.map((issue) => ({ path: [prefix, ...issue.path.map(String)].join('.'), message: issue.message }));
}

export function errorBody(req: Request, code: ErrorCode, details?: unknown, params?: Record<string, unknown>): ErrorBody {
  const message = errorMessage(pickLocale(req.headers['accept-language']), code, params);
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

type BodyParserError = Error & { type?: string; status?: number; expose?: boolean };

/**
 * The last middleware: every failure becomes the error format. Our faults are logged with their
 * stack and answered 500 without it; everything the caller can fix is a 4xx.
 */
export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  void _next;
  if (res.headersSent) {
    req.log?.error({ err: error }, 'error after the response started');
    res.destroy();
    return;
  }
  if (error instanceof AppError) {
    res.status(error.status).json(errorBody(req, error.code, error.details, error.params));
    return;
  }
  if (error instanceof ZodError) {
    res.status(400).json(errorBody(req, 'VALIDATION_FAILED', fieldIssues(error, 'body')));
    return;
  }
  const parserError = error as BodyParserError;
  if (parserError?.type === 'entity.parse.failed') {
    res.status(400).json(errorBody(req, 'MALFORMED_JSON'));
    return;
  }
  if (parserError?.type === 'entity.too.large') {
    res.status(413).json(errorBody(req, 'BODY_TOO_LARGE'));
    return;
  }
  // Express's router could not percent-decode a path segment (`%`, `%zz`, a lone surrogate's bytes).
  if (error instanceof URIError) {
    res.status(400).json(errorBody(req, 'VALIDATION_FAILED', [{ path: 'params', message: 'encodage d’URL invalide' }]));
    return;
  }
  if (parserError?.expose && typeof parserError.status === 'number' && parserError.status < 500) {
    res.status(parserError.status).json(errorBody(req, parserError.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'VALIDATION_FAILED'));
    return;
  }
  if (isDatabaseInputError(error)) {
    req.log?.warn({ err: error, sqlState: error.code }, 'the database refused a value the request checks let through');
    res.status(400).json(errorBody(req, 'VALIDATION_FAILED'));
    return;
  }
  req.log?.error({ err: error }, 'unhandled error');
  res.status(500).json(errorBody(req, 'INTERNAL'));
};

/**
 * PostgreSQL's refusals of a value (SQLSTATE): an invalid byte sequence, an unsupported Unicode
 * escape in JSON, bad text for a type, a number out of range, a value too long, too deep or too
 * large. The root checks keep them out (the text rule, the schemas' bounds); one that still comes
 * is our miss, but about the caller's value: a 400 for them, a warning in our log.
 */
const DATABASE_INPUT_ERRORS = new Set(['22021', '22P05', '22P02', '22003', '22001', '22007', '22008', '54000', '54001']);

function isDatabaseInputError(error: unknown): error is Error & { code: string } {
  const candidate = error as { code?: unknown; severity?: unknown } | null;
  return error instanceof Error && typeof candidate?.severity === 'string' && typeof candidate.code === 'string' && DATABASE_INPUT_ERRORS.has(candidate.code);
}

const CLIENT_ERRORS: Record<string, [number, ErrorCode]> = {
  HPE_HEADER_OVERFLOW: [431, 'HEADERS_TOO_LARGE'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'BODY_TOO_LARGE'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'REQUEST_TIMEOUT'],
};

/**
 * What Node's HTTP parser refuses before Express sees it (an address or headers past its 16 KiB,
 * a malformed request line) is answered in the error format as well, in the default language:
 * the request's own Accept-Language was never read.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'MALFORMED_REQUEST'];
  const body = JSON.stringify({ error: { code, message: errorMessage(DEFAULT_LOCALE, code) } } satisfies ErrorBody);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
