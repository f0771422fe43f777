import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { createColumnHelper, rowSortingFeature, tableFeatures, useTable, type SortingState, type Updater } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { catalogKeys, listCategories, listProducts, type Product, type ProductFilters, type ProductSort, type ProductStatus } from '../../api/catalog.js';
import { useFormat } from '../../components/format.js';
import { useUser } from '../../session/session.js';

const features = tableFeatures({ rowSortingFeature });
const helper = createColumnHelper<typeof features, Product>();
const ROW_HEIGHT = 44;
/** Ask for the next page while this many rows are still below the screen. */
const PREFETCH_ROWS = 40;
const SORTS: readonly ProductSort[] = ['name', 'barcode', 'priceMinor', 'updatedAt'];
const STATUSES: readonly ProductStatus[] = ['active', 'archived', 'all'];
const EMPTY: Product[] = [];

/** The list's filters live in the address: a reload or a link shows the same list. */
function useFilters(): [ProductFilters, (changes: Partial<ProductFilters>) => void] {
  const [params, setParams] = useSearchParams();
  const filters: ProductFilters = {
    q: params.get('q') ?? '',
    categoryId: params.get('categorie') ?? '',
    status: (STATUSES as readonly string[]).includes(params.get('statut') ?? '') ? (params.get('statut') as ProductStatus) : 'active',
    sort: (SORTS as readonly string[]).includes(params.get('tri') ?? '') ? (params.get('tri') as ProductSort) : 'name',
    dir: params.get('ordre') === 'desc' ? 'desc' : 'asc',
  };
  // Changes build on the last filters asked for, not on this render's: a search written when the
  // hand pauses may land after a category was chosen and before the address shows it, and must
  // not take the category back. The address resets it once it has moved.
  const address = params.toString();
  const latest = useRef({ address, filters });
  if (latest.current.address !== address) latest.current = { address, filters };
  const update = (changes: Partial<ProductFilters>) => {
    const next = { ...latest.current.filters, ...changes };
    latest.current = { address: latest.current.address, filters: next };
    const search = new URLSearchParams();
    if (next.q) search.set('q', next.q);
    if (next.categoryId) search.set('categorie', next.categoryId);
    if (next.status !== 'active') search.set('statut', next.status);
    if (next.sort !== 'name') search.set('tri', next.sort);
    if (next.dir !== 'asc') search.set('ordre', next.dir);
    setParams(search, { replace: true });
  };
  return [filters, update];
}

export function ProductsScreen() {
  const { t } = useTranslation();
  const format = useFormat();
  const user = useUser();
  const navigate = useNavigate();
  const location = useLocation();
  const [filters, setFilters] = useFilters();
  const [search, setSearch] = useState(filters.q);
  const flash = (location.state as { saved?: string } | null)?.saved;

  // Typing searches once the hand pauses, not at every key.
  useEffect(() => {
    if (search.trim() === filters.q) return;
    const timer = setTimeout(() => setFilters({ q: search.trim() }), 250);
    return () => clearTimeout(timer);
  });

  const categories = useQuery({ queryKey: catalogKeys.categories(user.tenantId), queryFn: ({ signal }) => listCategories(user.tenantId, signal), staleTime: 60_000 });
  const categoryNames = useMemo(() => new Map((categories.data ?? []).map((c) => [c.id, c.name])), [categories.data]);

  const list = useInfiniteQuery({
    queryKey: catalogKeys.productList(user.tenantId, filters),
    queryFn: ({ pageParam, signal }) => listProducts(user.tenantId, filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((page) => page.products) ?? EMPTY, [list.data]);
  const total = list.data?.pages[0]?.total ?? 0;

  const seesCost = can(user.role, 'products', 'write');
  const columns = useMemo(
    () =>
      helper.columns([
        helper.accessor('barcode', { header: () => t('ui.products.columns.barcode'), cell: (c) => <span className="mono">{c.getValue()}</span> }),
        helper.accessor('name', { header: () => t('ui.products.columns.name'), cell: (c) => <Link to={`/produits/${encodeURIComponent(c.row.original.id)}`} title={c.getValue()}>{c.getValue()}</Link> }),
        helper.accessor('categoryId', { id: 'category', enableSorting: false, header: () => t('ui.products.columns.category'), cell: (c) => <span title={categoryNames.get(c.getValue())}>{categoryNames.get(c.getValue()) ?? '—'}</span> }),
        helper.accessor('unit', { enableSorting: false, header: () => t('ui.products.columns.unit'), cell: (c) => t(`ui.products.units.${c.getValue()}`) }),
        helper.accessor('priceMinor', { header: () => t('ui.products.columns.price'), cell: (c) => format.money(c.getValue()) }),
        // What the company pays: the API sends it to managers only, the column follows.
        ...(seesCost
          ? [helper.accessor((p) => p.costMinor ?? null, { id: 'costMinor', enableSorting: false, header: () => t('ui.products.columns.cost'), cell: (c) => (c.getValue() === null ? '—' : format.money(c.getValue()!)) })]
          : []),
        helper.accessor('vatRateBp', { enableSorting: false, header: () => t('ui.products.columns.vat'), cell: (c) => format.percent(c.getValue()) }),
        helper.accessor('active', {
          enableSorting: false,
          header: () => t('ui.products.columns.status'),
          cell: (c) => <span className={c.getValue() ? 'badge ok' : 'badge muted'}>{c.getValue() ? t('ui.products.active') : t('ui.products.archived')}</span>,
        }),
        helper.accessor('updatedAt', { header: () => t('ui.products.columns.updatedAt'), cell: (c) => format.date(c.getValue()) }),
      ]),
    [t, format, categoryNames, seesCost],
  );

  // The API sorts (100,000 rows are never all here): the table only shows and sets the order.
  const sorting = useMemo<SortingState>(() => [{ id: filters.sort, desc: filters.dir === 'desc' }], [filters.sort, filters.dir]);
  const table = useTable({
    features,
    columns,
    data: rows,
    getRowId: (row) => row.id,
    state: { sorting },
    onSortingChange: (updater: Updater<SortingState>) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const first = next[0];
      if (first && (SORTS as readonly string[]).includes(first.id)) setFilters({ sort: first.id as ProductSort, dir: first.desc ? 'desc' : 'asc' });
    },
    manualSorting: true,
    enableSortingRemoval: false,
    enableMultiSort: false,
    // Every column starts from the smallest (A to Z, cheapest, oldest); a second click reverses.
    sortDescFirst: false,
  });
  const tableRows = table.getRowModel().rows;

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: tableRows.length + (list.hasNextPage ? 1 : 0),
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (list.hasNextPage && !list.isFetchingNextPage && lastIndex >= tableRows.length - PREFETCH_ROWS) void list.fetchNextPage();
  }, [lastIndex, tableRows.length, list]);

  // A new search or order starts at the top.
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [filters.q, filters.categoryId, filters.status, filters.sort, filters.dir]);

  const anyFilter = Boolean(filters.q || filters.categoryId || filters.status !== 'active');

  return (
    <section className="products" data-testid="products-screen">
      <div className="page-head">
        <div>
          <h1>{t('ui.products.title')}</h1>
          <p className="muted" data-testid="products-total" data-total={list.data ? total : undefined} aria-live="polite">
            {list.data ? t('ui.products.count', { count: total, formatted: format.number(total) }) : t('ui.app.loading')}
          </p>
        </div>
        <div className="head-actions">
          <Link className="button" to="/produits/fichier" data-testid="catalogue-file-link">
            {t('ui.catalogueFile.open')}
          </Link>
          {can(user.role, 'products', 'write') && (
            <Link className="button primary" to="/produits/nouveau" data-testid="product-new">
              {t('ui.products.new')}
            </Link>
          )}
        </div>
      </div>
      {flash && (
        <p className="notice ok" role="status" data-testid="products-flash">
          {t('ui.products.saved', { name: flash })}
        </p>
      )}

      <form className="filters" role="search" aria-label={t('ui.products.filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="field grow">
          <label htmlFor="products-search">{t('ui.products.search')}</label>
          <input id="products-search" data-testid="products-search" type="search" value={search} placeholder={t('ui.products.searchPlaceholder')} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="products-category">{t('ui.products.category')}</label>
          <select id="products-category" data-testid="products-category" value={filters.categoryId} onChange={(e) => setFilters({ categoryId: e.target.value })}>
            <option value="">{t('ui.products.allCategories')}</option>
            {(categories.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="products-status">{t('ui.products.status')}</label>
          <select id="products-status" data-testid="products-status" value={filters.status} onChange={(e) => setFilters({ status: e.target.value as ProductStatus })}>
            <option value="active">{t('ui.products.statusActive')}</option>
            <option value="archived">{t('ui.products.statusArchived')}</option>
            <option value="all">{t('ui.products.statusAll')}</option>
          </select>
        </div>
      </form>

      {list.error && (
        <p className="error" role="alert" data-testid="products-error">
          {list.error.message}
        </p>
      )}

      <div className="grid" role="table" aria-label={t('ui.products.title')} aria-rowcount={total + 1} data-testid="products-table">
        <div role="rowgroup" className="grid-head">
          {table.getHeaderGroups().map((group) => (
            <div role="row" className="grid-row" key={group.id} aria-rowindex={1}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                const canSort = header.column.getCanSort();
                return (
                  <div
                    role="columnheader"
                    key={header.id}
                    className={`cell col-${header.column.id}`}
                    aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : canSort ? 'none' : undefined}
                  >
                    {canSort ? (
                      <button type="button" className="sort" onClick={header.column.getToggleSortingHandler()} data-testid={`sort-${header.column.id}`}>
                        <table.FlexRender header={header} />
                        <span aria-hidden="true" className="sort-mark">
                          {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
                        </span>
                        {sorted && <span className="visually-hidden">, {sorted === 'asc' ? t('ui.products.sortedAsc') : t('ui.products.sortedDesc')}</span>}
                      </button>
                    ) : (
                      <table.FlexRender header={header} />
                    )}
                  </div>
                );
              })}
            </div>
          ))}
        </div>
        <div ref={scroller} className="grid-body" data-testid="products-scroller">
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
                  className={`grid-row${row.original.active ? '' : ' archived'}`}
                  data-testid="product-row"
                  data-barcode={row.original.barcode}
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                  onClick={(e) => {
                    if (!(e.target instanceof HTMLAnchorElement)) navigate(`/produits/${encodeURIComponent(row.original.id)}`);
                  }}
                >
                  {row.getAllCells().map((cell) => (
                    <div role="cell" key={cell.id} className={`cell col-${cell.column.id}`}>
                      <table.FlexRender cell={cell} />
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
          {list.data && rows.length === 0 && (
            <p className="empty" data-testid="products-empty">
              {anyFilter ? t('ui.products.empty') : t('ui.products.emptyCatalogue')}
            </p>
          )}
        </div>
      </div>
    </section>
  );
}
