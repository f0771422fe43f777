import { useRef } from 'react';
import { useSearchParams } from 'react-router';

/** How one filter is kept in the address: its parameter, read back (with its default) and written (null: left out). */
export interface AddressField<V> {
  param: string;
  read: (raw: string | null) => V;
  write: (value: V) => string | null;
}

/** Free text (a search, an id); empty is left out. */
export function textField(param: string): AddressField<string> {
  return { param, read: (raw) => raw ?? '', write: (value) => value || null };
}

/** One of a few values; anything else reads as the default, which is left out. */
export function choiceField<V extends string, D extends string>(param: string, values: readonly V[], fallback: D): AddressField<V | D> {
  return {
    param,
    read: (raw) => ((values as readonly string[]).includes(raw ?? '') ? (raw as V) : fallback),
    write: (value) => (value === fallback ? null : value),
  };
}

/** On or off: "1" when on, left out when off. */
export function flagField(param: string): AddressField<boolean> {
  return { param, read: (raw) => raw === '1', write: (value) => (value ? '1' : null) };
}

/**
 * A list's filters kept in the address (in French words): a reload or a link shows the same list.
 * `fields` is defined once per screen (outside the component); the address keeps its order.
 */
export function useAddressFilters<T extends object>(fields: { [K in keyof T]: AddressField<T[K]> }): [T, (changes: Partial<T>) => void] {
  const [params, setParams] = useSearchParams();
  const keys = Object.keys(fields) as Array<keyof T>;
  const filters = Object.fromEntries(keys.map((key) => [key, fields[key].read(params.get(fields[key].param))])) as T;
  // Changes build on the last filters asked for, not on this render's: a search written when the
  // hand pauses may land after a category was chosen and before the address shows it, and must
  // not take the category back. The address resets it once it has moved.
  const address = params.toString();
  const latest = useRef({ address, filters });
  if (latest.current.address !== address) latest.current = { address, filters };
  const update = (changes: Partial<T>) => {
    const next = { ...latest.current.filters, ...changes };
    latest.current = { address: latest.current.address, filters: next };
    const search = new URLSearchParams();
    for (const key of keys) {
      const value = fields[key].write(next[key]);
      if (value !== null) search.set(fields[key].param, value);
    }
    setParams(search, { replace: true });
  };
  return [filters, update];
}
