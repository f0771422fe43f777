/** Why a local database could not be opened; the message says it in French, then English. */
export type StorageErrorCode = 'STORAGE_CORRUPT' | 'STORAGE_SCHEMA_MISMATCH' | 'STORAGE_FORMAT_OLD' | 'STORAGE_FORMAT_UNKNOWN' | 'STORAGE_NOT_OURS' | 'STORAGE_OPEN_FAILED';

const MESSAGES: Record<StorageErrorCode, string> = {
  STORAGE_CORRUPT: 'La base locale est illisible (fichier endommagé). Rien n’a été modifié ; restaurez une sauvegarde ou contactez le support. / The local database is unreadable (damaged file). Nothing was changed.',
  STORAGE_SCHEMA_MISMATCH: 'La base locale a été écrite par une autre version du schéma : mettez l’application à jour. / The local database was written with another schema: update the application.',
  STORAGE_FORMAT_OLD: 'La base locale a été écrite par une version antérieure de l’application, dans un format qui n’est plus lu : rien n’a été modifié ; contactez le support. / The local database was written by an older version of the application in a format no longer read. Nothing was changed.',
  STORAGE_NOT_OURS: 'Ce fichier n’est pas une base locale AfriGest : rien n’a été modifié. / This file is not an AfriGest local database. Nothing was changed.',
  STORAGE_FORMAT_UNKNOWN: 'La base locale vient d’une version plus récente de l’application. / The local database comes from a newer version of the application.',
  STORAGE_OPEN_FAILED: 'Impossible d’ouvrir la base locale. / The local database could not be opened.',
};

export class StorageOpenError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    readonly file: string,
    readonly detail?: string,
  ) {
    super(`${MESSAGES[code]} (${file}${detail ? `: ${detail}` : ''})`);
    this.name = 'StorageOpenError';
  }
}
