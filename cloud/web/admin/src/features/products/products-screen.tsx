import { useQuery } from '@tanstack/react-query';
import { createColumnHelper, rowSortingFeature, tableFeatures, useTable, type SortingState, type Updater } from '@tanstack/react-table';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { catalogKeys, listCategories, listProducts, type Product, type ProductFilters, type ProductSort, type ProductStatus } from '../../api/catalog.js';
import { choiceField, textField, useAddressFilters } from '../../components/address-filters.js';
import { DataGrid, usePagedGrid } from '../../components/data-grid.js';
import { ChoiceField, FilterBar, ListTotal, SearchField, namedChoices, useSearchText } from '../../components/filters.js';
import { useFormat } from '../../components/format.js';
import { usePagedList } from '../../components/paged-list.js';
import { useUser } from '../../session/session.js';

const features = tableFeatures({ rowSortingFeature });
const helper = createColumnHelper<typeof features, Product>();
const ROW_HEIGHT = 44;
const SORTS: readonly ProductSort[] = ['name', 'barcode', 'priceMinor', 'updatedAt'];
const STATUSES: readonly ProductStatus[] = ['active', 'archived', 'all'];

/** The list's filters live in the address: a reload or a link shows the same list. */
const FILTERS = {
  q: textField('q'),
  categoryId: textField('categorie'),
  status: choiceField('statut', STATUSES, 'active'),
  sort: choiceField('tri', SORTS, 'name'),
  dir: choiceField('ordre', ['asc', 'desc'] as const, 'asc'),
};

export function ProductsScreen() {
  const { t } = useTranslation();
  const format = useFormat();
  const user = useUser();
  const navigate = useNavigate();
  const location = useLocation();
  const [filters, setFilters] = useAddressFilters<ProductFilters>(FILTERS);
  const [search, setSearch] = useSearchText(filters.q, (q) => setFilters({ q }));
  const flash = (location.state as { saved?: string } | null)?.saved;

  const categories = useQuery({ queryKey: catalogKeys.categories(user.tenantId), queryFn: ({ signal }) => listCategories(user.tenantId, signal), staleTime: 60_000 });
  const categoryNames = useMemo(() => new Map((categories.data ?? []).map((c) => [c.id, c.name])), [categories.data]);

  const { list, rows } = usePagedList({
    queryKey: catalogKeys.productList(user.tenantId, filters),
    fetchPage: (cursor: string | null, signal) => listProducts(user.tenantId, filters, cursor, signal),
    next: (page) => page.nextCursor,
    rowsOf: (page) => page.products,
  });
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
  // A new search or order starts at the top.
  const grid = usePagedGrid(list, rows.length, { rowHeight: ROW_HEIGHT, resetKey: JSON.stringify(filters) });

  const anyFilter = Boolean(filters.q || filters.categoryId || filters.status !== 'active');

  return (
    <section className="products" data-testid="products-screen">
      <div className="page-head">
        <div>
          <h1>{t('ui.products.title')}</h1>
          <ListTotal testId="products-total" total={list.data && total} countKey="ui.products.count" />
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

      <FilterBar label={t('ui.products.filters')}>
        <SearchField id="products-search" label={t('ui.products.search')} value={search} placeholder={t('ui.products.searchPlaceholder')} onChange={setSearch} />
        <ChoiceField id="products-category" label={t('ui.products.category')} value={filters.categoryId} all={t('ui.products.allCategories')} choices={namedChoices(categories.data)} onChange={(categoryId) => setFilters({ categoryId })} />
        <ChoiceField
          id="products-status"
          label={t('ui.products.status')}
          value={filters.status}
          choices={[
            { value: 'active', label: t('ui.products.statusActive') },
            { value: 'archived', label: t('ui.products.statusArchived') },
            { value: 'all', label: t('ui.products.statusAll') },
          ]}
          onChange={(status) => setFilters({ status: status as ProductStatus })}
        />
      </FilterBar>

      <DataGrid
        table={table}
        grid={grid}
        error={list.error}
        errorTestId="products-error"
        label={t('ui.products.title')}
        testId="products-table"
        scrollerTestId="products-scroller"
        total={total}
        columnClass={(id) => `col-${id}`}
        renderHeader={(header) => {
          const sorted = header.column.getIsSorted();
          if (!header.column.getCanSort()) return { content: <table.FlexRender header={header} /> };
          return {
            attributes: { 'aria-sort': sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none' },
            content: (
              <button type="button" className="sort" onClick={header.column.getToggleSortingHandler()} data-testid={`sort-${header.column.id}`}>
                <table.FlexRender header={header} />
                <span aria-hidden="true" className="sort-mark">
                  {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
                </span>
                {sorted && <span className="visually-hidden">, {sorted === 'asc' ? t('ui.products.sortedAsc') : t('ui.products.sortedDesc')}</span>}
              </button>
            ),
          };
        }}
        loadingMore={t('ui.products.loadingMore')}
        empty={
          <p className="empty" data-testid="products-empty">
            {anyFilter ? t('ui.products.empty') : t('ui.products.emptyCatalogue')}
          </p>
        }
        rowTestId="product-row"
        rowData={(product) => ({ 'data-barcode': product.barcode })}
        rowClass={(product) => (product.active ? '' : 'archived')}
        onRowClick={(product) => navigate(`/produits/${encodeURIComponent(product.id)}`)}
      />
    </section>
  );
}
