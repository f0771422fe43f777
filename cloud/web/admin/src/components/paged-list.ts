import { keepPreviousData, useInfiniteQuery, type InfiniteData, type QueryKey } from '@tanstack/react-query';
import { useMemo } from 'react';

const NONE: never[] = [];

export interface PagedListOptions<TPage, TRow, TCursor> {
  queryKey: QueryKey;
  /** One page of the list from the API, after `cursor` (null: the first page). */
  fetchPage: (cursor: TCursor | null, signal: AbortSignal) => Promise<TPage>;
  /** The cursor of the page after this one; null when it was the last. */
  next: (page: TPage) => TCursor | null;
  /** The rows of one page. */
  rowsOf: (page: TPage) => TRow[];
  refetchInterval?: number;
}

/**
 * A list read from the API by pages as the reader scrolls: the query (its pages kept while a new
 * filter loads, so the screen does not blink empty) and the rows loaded so far, one array.
 */
export function usePagedList<TPage, TRow, TCursor extends string | number = string>({ queryKey, fetchPage, next, rowsOf, refetchInterval }: PagedListOptions<TPage, TRow, TCursor>) {
  const list = useInfiniteQuery<TPage, Error, InfiniteData<TPage, TCursor | null>, QueryKey, TCursor | null>({
    queryKey,
    queryFn: ({ pageParam, signal }) => fetchPage(pageParam as TCursor | null, signal),
    initialPageParam: null,
    getNextPageParam: next,
    placeholderData: keepPreviousData,
    ...(refetchInterval ? { refetchInterval } : {}),
  });
  // The rows change only with the pages (rowsOf reads a field of a page, the same at every render).
  const rows = useMemo(() => list.data?.pages.flatMap(rowsOf) ?? (NONE as TRow[]), [list.data]);
  return { list, rows };
}
