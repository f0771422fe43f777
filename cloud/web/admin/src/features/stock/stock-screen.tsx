import { useQuery } from '@tanstack/react-query';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { catalogKeys, listCategories } from '../../api/catalog.js';
import { listLevels, listStockBoutiques, stockKeys, type LevelFilters, type LevelRow, type StockBoutique } from '../../api/stock.js';
import { flagField, textField, useAddressFilters } from '../../components/address-filters.js';
import { DataGrid, usePagedGrid } from '../../components/data-grid.js';
import { ChoiceField, FilterBar, ListTotal, SearchField, namedChoices, useSearchText } from '../../components/filters.js';
import { useFormat } from '../../components/format.js';
import { usePagedList } from '../../components/paged-list.js';
import { useUser } from '../../session/session.js';
import { AdjustDialog } from './adjust-dialog.js';
import { formatQuantity } from '../../../../../../shared/quantity.js';

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, LevelRow>();
const ROW_HEIGHT = 48;
const NO_BOUTIQUES: StockBoutique[] = [];

/** The matrix's filters live in the address: a reload or a link shows the same view. */
const FILTERS = { q: textField('q'), categoryId: textField('categorie'), boutiqueId: textField('boutique'), low: flagField('bas') };

/** /stock: products × boutiques, filtered, with the low-stock view; adjust and history from each row. */
export function StockScreen() {
  const { t } = useTranslation();
  const format = useFormat();
  const user = useUser();
  const [filters, setFilters] = useAddressFilters<LevelFilters>(FILTERS);
  const [search, setSearch] = useSearchText(filters.q, (q) => setFilters({ q }));
  const [adjusting, setAdjusting] = useState<LevelRow | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const writable = can(user.role, 'stock', 'write');

  const categories = useQuery({ queryKey: catalogKeys.categories(user.tenantId), queryFn: ({ signal }) => listCategories(user.tenantId, signal), staleTime: 60_000 });
  const { list, rows } = usePagedList({
    queryKey: stockKeys.levels(user.tenantId, filters),
    fetchPage: (cursor: string | null, signal) => listLevels(user.tenantId, filters, cursor, signal),
    next: (page) => page.nextCursor,
    rowsOf: (page) => page.products,
  });
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
  const grid = usePagedGrid(list, rows.length, { rowHeight: ROW_HEIGHT, resetKey: JSON.stringify(filters) });

  return (
    <section className="products stock" data-testid="stock-screen">
      <div className="page-head">
        <div>
          <h1>{filters.low ? t('ui.stock.lowTitle') : t('ui.stock.title')}</h1>
          <ListTotal testId="stock-total" total={list.data && total} countKey="ui.stock.count" />
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
      <FilterBar label={t('ui.stock.filters')}>
        <SearchField id="stock-search" label={t('ui.products.search')} value={search} placeholder={t('ui.products.searchPlaceholder')} onChange={setSearch} />
        <ChoiceField id="stock-category" label={t('ui.products.category')} value={filters.categoryId} all={t('ui.products.allCategories')} choices={namedChoices(categories.data)} onChange={(categoryId) => setFilters({ categoryId })} />
        <ChoiceField id="stock-boutique" label={t('ui.stock.boutique')} value={filters.boutiqueId} all={t('ui.stock.allBoutiques')} choices={namedChoices(allBoutiques.data)} onChange={(boutiqueId) => setFilters({ boutiqueId })} />
        <div className="field toggle-field">
          <label className="check" htmlFor="stock-low">
            <input id="stock-low" type="checkbox" data-testid="stock-low" checked={filters.low} onChange={(e) => setFilters({ low: e.target.checked })} />
            {t('ui.stock.lowOnly')}
          </label>
        </div>
      </FilterBar>
      <DataGrid
        table={table}
        grid={grid}
        error={list.error}
        errorTestId="stock-error"
        label={t('ui.stock.title')}
        testId="stock-table"
        scrollerTestId="stock-scroller"
        total={total}
        // One class for every boutique's column: their number changes with the company.
        columnClass={(id) => `col-${id.startsWith('b-') ? 'boutique' : id}`}
        loadingMore={t('ui.products.loadingMore')}
        empty={
          <p className="empty" data-testid="stock-empty">
            {filters.low ? t('ui.stock.emptyLow') : t('ui.products.empty')}
          </p>
        }
        rowTestId="stock-row"
        rowData={(product) => ({ 'data-barcode': product.barcode })}
      />
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
