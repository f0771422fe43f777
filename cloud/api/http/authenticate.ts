import type { RequestHandler } from 'express';
import type { ErrorCode } from '../../../shared/i18n/index.js';
import { authenticateDevice } from '../devices/service.js';
import type { Services } from '../services.js';
import { AppError } from './errors.js';
import type { Principal } from './principal.js';

declare global {
  // Express declares Request as an interface; augmenting it needs one too.
  namespace Express {
    interface Request {
      principal?: Principal | null;
      /** Why a presented credential was refused; raised only by routes that need a principal. */
      authError?: ErrorCode;
    }
  }
}

/**
 * Reads `Authorization: Bearer <access token>` (people) or `Authorization: Device <credential>`
 * (enrolled tills). A bad credential is not an error yet: public routes ignore it.
 */
export function authenticate(services: Services): RequestHandler {
  return async (req, _res, next) => {
    req.principal = null;
    const header = req.headers.authorization;
    if (!header) return next();
    const [scheme, value] = header.split(' ', 2);
    try {
      if (scheme?.toLowerCase() === 'bearer' && value) {
        req.principal = await services.tokens.verify(value);
        if (!req.principal) req.authError = 'TOKEN_INVALID';
      } else if (scheme?.toLowerCase() === 'device' && value) {
        req.principal = await authenticateDevice(services, value);
      } else {
        req.authError = 'TOKEN_INVALID';
      }
      next();
    } catch (error) {
      if (error instanceof AppError && error.status === 401) {
        req.authError = error.code;
        return next();
      }
      next(error);
    }
  };
}
