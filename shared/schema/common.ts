/** Fields every replicated document has (ARCHITECTURE §4). */
export const idField = { type: 'string', maxLength: 64 } as const;
export const tenantField = { type: 'string', maxLength: 64 } as const;
export const isoDateField = { type: 'string', maxLength: 40 } as const;
export const minorUnits = { type: 'integer', minimum: -1e15, maximum: 1e15, multipleOf: 1 } as const;

export type Owned = { id: string; tenantId: string; updatedAt: string };
