import { z } from 'zod';

/**
 * The wire of replication between a till and the cloud (RxDB's protocol: pull by checkpoint,
 * push with the assumed master state, a live stream that says RESYNC after a reconnect).
 */

/** Issued by the server, never by a client clock: the tenant's change sequence number. */
export const checkpointSchema = z.object({ seq: z.number().int().min(0) });
export type SyncCheckpoint = z.infer<typeof checkpointSchema>;

/** Every replicated document carries these; `_deleted` is RxDB's tombstone flag. */
export const syncDocumentSchema = z
  .object({
    id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/),
    tenantId: z.string().min(1).max(64),
    boutiqueId: z.string().min(1).max(64).nullish(),
    _deleted: z.boolean().optional(),
  })
  .passthrough();
export type SyncDocument = z.infer<typeof syncDocumentSchema>;

/** The largest page a pull returns, and the most rows one push request may carry. */
export const PULL_MAX_LIMIT = 1000;
export const PUSH_MAX_ROWS = 1000;
/** The largest push body the cloud reads, in bytes of UTF-8; the till's requests keep under it. */
export const PUSH_MAX_BODY_BYTES = 2 * 1024 * 1024;

export const pullQuerySchema = z.object({
  seq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(PULL_MAX_LIMIT).default(200),
  /** `skip`: leave out the facts this till wrote itself (it has them). */
  own: z.enum(['include', 'skip']).default('include'),
});

export type PullResponse = { documents: SyncDocument[]; checkpoint: SyncCheckpoint };

export const pushBodySchema = z.object({
  rows: z
    .array(z.object({ assumedMasterState: z.unknown().nullish(), newDocumentState: z.unknown() }))
    .max(PUSH_MAX_ROWS),
});
export type PushRow = { assumedMasterState?: unknown; newDocumentState: unknown };

/** A document the cloud refused, set aside with its reason; it never blocks the ones behind it. */
export type Rejection = { id: string | null; reason: string };

/** `conflicts`: the master state of every document the till must take instead of its own. */
export type PushResponse = { conflicts: SyncDocument[]; rejected: Rejection[]; accepted: number };

export type StreamEvent = { documents: SyncDocument[]; checkpoint: SyncCheckpoint } | 'RESYNC';
