import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { catalogKeys, listCategories } from '../../api/catalog.js';
import { listLevels, listStockBoutiques, stockKeys, type LevelFilters, type LevelRow, type StockBoutique } from '../../api/stock.js';
import { useFormat } from '../../components/format.js';
import { useUser } from '../../session/session.js';
import { AdjustDialog } from './adjust-dialog.js';
import { formatQuantity } from '../../../../../../shared/quantity.js';

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, LevelRow>();
const ROW_HEIGHT = 48;
const PREFETCH_ROWS = 40;
const EMPTY: LevelRow[] = [];
const NO_BOUTIQUES: StockBoutique[] = [];

/** The matrix's filters live in the address: a reload or a link shows the same view. */
function useFilters(): [LevelFilters, (changes: Partial<LevelFilters>) => void] {
  const [params, setParams] = useSearchParams();
  const filters: LevelFilters = { q: params.get('q') ?? '', categoryId: params.get('categorie') ?? '', boutiqueId: params.get('boutique') ?? '', low: params.get('bas') === '1' };
  const latest = useRef(filters);
  latest.current = filters;
  const update = (changes: Partial<LevelFilters>) => {
    const next = { ...latest.current, ...changes };
    latest.current = next;
    const search = new URLSearchParams();
    if (next.q) search.set('q', next.q);
    if (next.categoryId) search.set('categorie', next.categoryId);
    if (next.boutiqueId) search.set('boutique', next.boutiqueId);
    if (next.low) search.set('bas', '1');
    setParams(search, { replace: true });
  };
  return [filters, update];
}

/** /stock: products × boutiques, filtered, with the low-stock view; adjust and history from each row. */
export function StockScreen() {
  const { t } = useTranslation();
  const format = useFormat();
  const user = useUser();
  const [filters, setFilters] = useFilters();
  const [search, setSearch] = useState(filters.q);
  const [adjusting, setAdjusting] = useState<LevelRow | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const writable = can(user.role, 'stock', 'write');

  useEffect(() => {
    if (search.trim() === filters.q) return;
    const timer = setTimeout(() => setFilters({ q: search.trim() }), 250);
    return () => clearTimeout(timer);
  });

  const categories = useQuery({ queryKey: catalogKeys.categories(user.tenantId), queryFn: ({ signal }) => listCategories(user.tenantId, signal), staleTime: 60_000 });
  const list = useInfiniteQuery({
    queryKey: stockKeys.levels(user.tenantId, filters),
    queryFn: ({ pageParam, signal }) => listLevels(user.tenantId, filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((page) => page.products) ?? EMPTY, [list.data]);
  const boutiques = list.data?.pages[0]?.boutiques ?? NO_BOUTIQUES;
  const total = list.data?.pages[0]?.total ?? 0;
  // The boutiques of the filter list: every one the user may see, whichever is shown now.
  const allBoutiques = useQuery({
    queryKey: [...stockKeys.all(user.tenantId), 'boutiques'],
    queryFn: ({ signal }) => listStockBoutiques(user.tenantId, signal),
    staleTime: 60_000,
  });

  const columns = useMemo(
    () =>
      helper.columns([
        helper.accessor('name', {
          header: () => t('ui.stock.columns.product'),
          cell: (c) => (
            <span className="product-cell">
              <Link to={`/stock/produits/${encodeURIComponent(c.row.original.id)}`} title={t('ui.stock.historyOf', { name: c.getValue() })} data-testid="stock-history-link">
                {c.getValue()}
              </Link>
              <small className="mono muted">{c.row.original.barcode}</small>
            </span>
          ),
        }),
        ...boutiques.map((boutique) =>
          helper.display({
            id: `b-${boutique.id}`,
            header: () => <span title={boutique.name}>{boutique.code}</span>,
            cell: (c) => {
              const quantity = c.row.original.levels[boutique.id] ?? 0;
              const low = quantity < c.row.original.lowStockMilli || quantity < 0;
              return (
                <span className={low ? 'qty low' : 'qty'} data-testid={`level-${boutique.code}`} data-milli={quantity}>
                  {formatQuantity(quantity, format.locale, { unit: c.row.original.unit })}
                  {low && <span className="visually-hidden"> ({t('ui.stock.lowBadge')})</span>}
                </span>
              );
            },
          }),
        ),
        helper.accessor('lowStockMilli', { header: () => t('ui.stock.columns.threshold'), cell: (c) => (c.getValue() > 0 ? formatQuantity(c.getValue(), format.locale, { unit: c.row.original.unit }) : '—') }),
        helper.display({
          id: 'actions',
          header: () => <span className="visually-hidden">{t('ui.stock.columns.actions')}</span>,
          cell: (c) =>
            writable ? (
              <button type="button" className="small" onClick={() => setAdjusting(c.row.original)} data-testid="stock-adjust">
                {t('ui.stock.adjust')}
              </button>
            ) : null,
        }),
      ]),
    [t, format, boutiques, writable],
  );
  const table = useTable({ features, columns, data: rows, getRowId: (row) => row.id });
  const tableRows = table.getRowModel().rows;

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: tableRows.length + (list.hasNextPage ? 1 : 0), getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (list.hasNextPage && !list.isFetchingNextPage && lastIndex >= tableRows.length - PREFETCH_ROWS) void list.fetchNextPage();
  }, [lastIndex, tableRows.length, list]);
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [filters.q, filters.categoryId, filters.boutiqueId, filters.low]);

  return (
    <section className="products stock" data-testid="stock-screen">
      <div className="page-head">
        <div>
          <h1>{filters.low ? t('ui.stock.lowTitle') : t('ui.stock.title')}</h1>
          <p className="muted" data-testid="stock-total" data-total={list.data ? total : undefined} aria-live="polite">
            {list.data ? t('ui.stock.count', { count: total, formatted: format.number(total) }) : t('ui.app.loading')}
          </p>
        </div>
        <Link className="button" to="/stock/inventaires" data-testid="stock-counts-link">
          {t('ui.stock.counts')}
        </Link>
      </div>
      {flash && (
        <p className="notice ok" role="status" data-testid="stock-flash">
          {flash}
        </p>
      )}
      <form className="filters" role="search" aria-label={t('ui.stock.filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="field grow">
          <label htmlFor="stock-search">{t('ui.products.search')}</label>
          <input id="stock-search" data-testid="stock-search" type="search" value={search} placeholder={t('ui.products.searchPlaceholder')} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="stock-category">{t('ui.products.category')}</label>
          <select id="stock-category" data-testid="stock-category" value={filters.categoryId} onChange={(e) => setFilters({ categoryId: e.target.value })}>
            <option value="">{t('ui.products.allCategories')}</option>
            {(categories.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="stock-boutique">{t('ui.stock.boutique')}</label>
          <select id="stock-boutique" data-testid="stock-boutique" value={filters.boutiqueId} onChange={(e) => setFilters({ boutiqueId: e.target.value })}>
            <option value="">{t('ui.stock.allBoutiques')}</option>
            {(allBoutiques.data ?? []).map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field toggle-field">
          <label className="check" htmlFor="stock-low">
            <input id="stock-low" type="checkbox" data-testid="stock-low" checked={filters.low} onChange={(e) => setFilters({ low: e.target.checked })} />
            {t('ui.stock.lowOnly')}
          </label>
        </div>
      </form>
      {list.error && (
        <p className="error" role="alert" data-testid="stock-error">
          {list.error.message}
        </p>
      )}
      <div className="grid" role="table" aria-label={t('ui.stock.title')} aria-rowcount={total + 1} data-testid="stock-table">
        <div role="rowgroup" className="grid-head">
          {table.getHeaderGroups().map((group) => (
            <div role="row" className="grid-row" key={group.id} aria-rowindex={1}>
              {group.headers.map((header) => (
                <div role="columnheader" key={header.id} className={`cell col-${header.column.id.startsWith('b-') ? 'boutique' : header.column.id}`}>
                  <table.FlexRender header={header} />
                </div>
              ))}
            </div>
          ))}
        </div>
        <div ref={scroller} className="grid-body" data-testid="stock-scroller">
          <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = tableRows[item.index];
              if (!row) {
                return (
                  <div role="row" key="loader" className="grid-row loader" style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
                    <div role="cell" className="cell">
                      {t('ui.products.loadingMore')}
                    </div>
                  </div>
                );
              }
              return (
                <div
                  role="row"
                  key={row.id}
                  aria-rowindex={item.index + 2}
                  className="grid-row static"
                  data-testid="stock-row"
                  data-barcode={row.original.barcode}
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                >
                  {row.getAllCells().map((cell) => (
                    <div role="cell" key={cell.id} className={`cell col-${cell.column.id.startsWith('b-') ? 'boutique' : cell.column.id}`}>
                      <table.FlexRender cell={cell} />
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
          {list.data && rows.length === 0 && (
            <p className="empty" data-testid="stock-empty">
              {filters.low ? t('ui.stock.emptyLow') : t('ui.products.empty')}
            </p>
          )}
        </div>
      </div>
      {adjusting && (
        <AdjustDialog
          product={adjusting}
          boutiques={boutiques}
          onClose={(done) => {
            setAdjusting(null);
            if (done) setFlash(done);
          }}
        />
      )}
    </section>
  );
}
