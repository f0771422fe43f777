/// <reference types="vite/client" />

type ImportMetaEnv = {
  /** The API's origin when the admin is served from another one; empty: the page's own origin. */
  readonly VITE_API_URL?: string;
};
