import type { CellData, Header, ReactTable, RowData, TableFeatures } from '@tanstack/react-table';
import { useVirtualizer, type VirtualItem, type Virtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type CSSProperties, type ReactNode, type RefObject } from 'react';

/** What the paged grid needs of an infinite query (TanStack Query's useInfiniteQuery result). */
export interface PagedSource {
  data?: unknown;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

export interface PagedGridOptions {
  /** Every row has this height (px): the virtualizer places rows without measuring them. */
  rowHeight: number;
  overscan?: number;
  /** Ask for the next page while this many rows are still below the screen. */
  prefetch?: number;
  /** When this changes (new filters, new order), the list starts again at the top. */
  resetKey?: string;
}

export interface PagedGrid {
  scroller: RefObject<HTMLDivElement | null>;
  virtualizer: Virtualizer<HTMLDivElement, Element>;
  items: VirtualItem[];
  rowHeight: number;
  /** Rows loaded so far (the "loading more" row comes after them). */
  rowCount: number;
  /** The first page has answered: an empty list is truly empty. */
  loaded: boolean;
}

/**
 * The virtualizer of a list read by pages: only the rows on screen are in the page, and the next
 * page is asked for before the reader reaches the end (100,000 rows are never all here).
 */
export function usePagedGrid(source: PagedSource, rowCount: number, { rowHeight, overscan = 12, prefetch = 40, resetKey }: PagedGridOptions): PagedGrid {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rowCount + (source.hasNextPage ? 1 : 0),
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (source.hasNextPage && !source.isFetchingNextPage && lastIndex >= rowCount - prefetch) void source.fetchNextPage();
  }, [lastIndex, rowCount, prefetch, source]);
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [resetKey]);
  return { scroller, virtualizer, items, rowHeight, rowCount, loaded: source.data !== undefined };
}

export interface GridFrameProps {
  grid: PagedGrid;
  /** The table's accessible name. */
  label: string;
  testId: string;
  scrollerTestId?: string;
  /** Rows in the whole list (not only those loaded), for assistive technologies; unknown: -1. */
  total?: number;
  /** The header row's cells (role=columnheader). */
  head: ReactNode;
  /** Text of the row shown while the next page loads. */
  loadingMore: string;
  /** Shown in place of rows once the list answered with none. */
  empty: ReactNode;
  /** The list could not be read: said above the table. */
  error?: { message: string } | null;
  errorTestId?: string;
  /** One loaded row; `attributes` carry its position and place, to spread on the row element. */
  renderRow: (index: number, attributes: RowAttributes) => ReactNode;
}

export interface RowAttributes {
  'aria-rowindex': number;
  style: CSSProperties;
}

/**
 * The virtualised table of the admin's lists (div-based, role=table): a fixed header, a scrolling
 * body where only the visible rows exist, a "loading more" row at the end while pages remain.
 */
export function GridFrame({ grid, label, testId, scrollerTestId, total, head, loadingMore, empty, error, errorTestId, renderRow }: GridFrameProps) {
  return (
    <>
      {error && (
        <p className="error" role="alert" data-testid={errorTestId}>
          {error.message}
        </p>
      )}
      <div className="grid" role="table" aria-label={label} aria-rowcount={total === undefined ? -1 : total + 1} data-testid={testId}>
        <div role="rowgroup" className="grid-head">
          <div role="row" className="grid-row" aria-rowindex={1}>
            {head}
          </div>
        </div>
        <div ref={grid.scroller} className="grid-body" data-testid={scrollerTestId}>
          <div role="rowgroup" style={{ height: grid.virtualizer.getTotalSize(), position: 'relative' }}>
            {grid.items.map((item) => {
              const style = { transform: `translateY(${item.start}px)`, height: grid.rowHeight };
              if (item.index >= grid.rowCount) {
                return (
                  <div role="row" key="loader" className="grid-row loader" style={style}>
                    <div role="cell" className="cell">
                      {loadingMore}
                    </div>
                  </div>
                );
              }
              return renderRow(item.index, { 'aria-rowindex': item.index + 2, style });
            })}
          </div>
          {grid.loaded && grid.rowCount === 0 && empty}
        </div>
      </div>
    </>
  );
}

/** `data-*` attributes of a row, read by the browser tests. */
export type RowDataAttributes = Record<`data-${string}`, string | number | undefined>;

export interface DataGridProps<TFeatures extends TableFeatures, TData extends RowData> extends Omit<GridFrameProps, 'head' | 'renderRow'> {
  table: ReactTable<TFeatures, TData>;
  /** The class of a column's cells, e.g. `(id) => \`tcol-${id}\``: each screen sizes its columns in styles.css. */
  columnClass: (columnId: string) => string;
  /** A header cell's content when it is more than the header's text (a sort button). */
  renderHeader?: (header: Header<TFeatures, TData, CellData>) => { content: ReactNode; attributes?: Record<string, string | undefined> };
  rowTestId: string;
  rowData?: (row: TData) => RowDataAttributes;
  rowClass?: (row: TData) => string;
  /** Opens the row's page; without it the rows are not clickable (class `static`). */
  onRowClick?: (row: TData) => void;
}

/** A TanStack Table shown in the GridFrame: the header from the header groups, one cell per column. */
export function DataGrid<TFeatures extends TableFeatures, TData extends RowData>({ table, columnClass, renderHeader, rowTestId, rowData, rowClass, onRowClick, ...frame }: DataGridProps<TFeatures, TData>) {
  const rows = table.getRowModel().rows;
  // One header row: the lists here have no grouped columns.
  const headers = table.getHeaderGroups().flatMap((group) => group.headers);
  return (
    <GridFrame
      {...frame}
      head={headers.map((header) => {
        const custom = renderHeader?.(header);
        return (
          <div role="columnheader" key={header.id} className={`cell ${columnClass(header.column.id)}`} {...custom?.attributes}>
            {custom ? custom.content : <table.FlexRender header={header} />}
          </div>
        );
      })}
      renderRow={(index, attributes) => {
        const row = rows[index]!;
        const extra = rowClass?.(row.original);
        return (
          <div
            role="row"
            key={row.id}
            {...attributes}
            className={`grid-row${onRowClick ? '' : ' static'}${extra ? ` ${extra}` : ''}`}
            data-testid={rowTestId}
            {...rowData?.(row.original)}
            onClick={
              onRowClick &&
              ((e) => {
                // A link in the row opens its own page; a click elsewhere opens the row's.
                if (!(e.target instanceof HTMLAnchorElement)) onRowClick(row.original);
              })
            }
          >
            {row.getAllCells().map((cell) => (
              <div role="cell" key={cell.id} className={`cell ${columnClass(cell.column.id)}`}>
                <table.FlexRender cell={cell} />
              </div>
            ))}
          </div>
        );
      }}
    />
  );
}
