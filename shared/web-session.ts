/**
 * How a browser keeps its session (the web admin): the refresh token lives in an httpOnly cookie
 * the page never reads, and every request that sets, uses or clears that cookie carries this
 * header. A cross-site form or image cannot set a custom header, and a cross-origin script must
 * pass the API's CORS preflight first, so the header (with SameSite=Strict) stops request forgery.
 */
export const WEB_SESSION_HEADER = 'x-afrigest-csrf';
export const WEB_SESSION_HEADER_VALUE = '1';
/** Where the refresh cookie is sent: the auth routes only, never the rest of the API. */
export const WEB_SESSION_COOKIE_PATH = '/api/auth';
