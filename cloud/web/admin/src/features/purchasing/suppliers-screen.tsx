import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { listSuppliers, purchasingKeys, type Supplier, type SupplierStatus } from '../../api/purchasing.js';
import { choiceField, textField, useAddressFilters } from '../../components/address-filters.js';
import { DataGrid, usePagedGrid } from '../../components/data-grid.js';
import { usePagedList } from '../../components/paged-list.js';
import { ChoiceField, FilterBar, ListTotal, SearchField, useSearchText } from '../../components/filters.js';
import { useUser } from '../../session/session.js';

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, Supplier>();
const ROW_HEIGHT = 44;
const STATUSES: readonly SupplierStatus[] = ['active', 'archived', 'all'];
/** The filters live in the address: a reload or a link shows the same list. */
const FILTERS = { q: textField('q'), status: choiceField('statut', STATUSES, 'active') };

/** /fournisseurs: the company's suppliers by name, searched as one types, by pages. */
export function SuppliersScreen() {
  const { t } = useTranslation();
  const user = useUser();
  const navigate = useNavigate();
  const location = useLocation();
  const [{ q, status }, setFilters] = useAddressFilters(FILTERS);
  const flash = (location.state as { saved?: string } | null)?.saved;

  const [search, setSearch] = useSearchText(q, (text) => setFilters({ q: text }));

  const { list, rows } = usePagedList({
    queryKey: purchasingKeys.supplierList(user.tenantId, q, status),
    fetchPage: (cursor: string | null, signal) => listSuppliers(user.tenantId, { q, status }, cursor, signal),
    next: (page) => page.nextCursor,
    rowsOf: (page) => page.suppliers,
  });
  const total = list.data?.pages[0]?.total ?? 0;

  const columns = useMemo(
    () =>
      helper.columns([
        helper.accessor('name', { header: () => t('ui.suppliers.columns.name'), cell: (c) => <Link to={`/fournisseurs/${encodeURIComponent(c.row.original.id)}`} title={c.getValue()}>{c.getValue()}</Link> }),
        helper.accessor('contact', { header: () => t('ui.suppliers.columns.contact'), cell: (c) => <span title={c.getValue()}>{c.getValue() || '—'}</span> }),
        helper.accessor('phone', { header: () => t('ui.suppliers.columns.phone'), cell: (c) => c.getValue() || '—' }),
        helper.accessor('email', { header: () => t('ui.suppliers.columns.email'), cell: (c) => <span title={c.getValue()}>{c.getValue() || '—'}</span> }),
        helper.accessor('active', {
          header: () => t('ui.suppliers.columns.status'),
          cell: (c) => <span className={c.getValue() ? 'badge ok' : 'badge muted'}>{c.getValue() ? t('ui.suppliers.active') : t('ui.suppliers.archived')}</span>,
        }),
      ]),
    [t],
  );
  const table = useTable({ features, columns, data: rows, getRowId: (row) => row.id });
  const grid = usePagedGrid(list, rows.length, { rowHeight: ROW_HEIGHT });

  return (
    <section className="products purchasing" data-testid="suppliers-screen">
      <div className="page-head">
        <div>
          <h1>{t('ui.suppliers.title')}</h1>
          <ListTotal testId="suppliers-total" total={list.data && total} countKey="ui.suppliers.count" />
        </div>
        {can(user.role, 'suppliers', 'write') && (
          <Link className="button primary" to="/fournisseurs/nouveau" data-testid="supplier-new">
            {t('ui.suppliers.new')}
          </Link>
        )}
      </div>
      {flash && (
        <p className="notice ok" role="status" data-testid="suppliers-flash">
          {t('ui.suppliers.saved', { name: flash })}
        </p>
      )}
      <FilterBar label={t('ui.suppliers.filters')}>
        <SearchField id="suppliers-search" label={t('ui.suppliers.search')} value={search} placeholder={t('ui.suppliers.searchPlaceholder')} onChange={setSearch} />
        <ChoiceField
          id="suppliers-status"
          label={t('ui.suppliers.status')}
          value={status}
          choices={[
            { value: 'active', label: t('ui.suppliers.statusActive') },
            { value: 'archived', label: t('ui.suppliers.statusArchived') },
            { value: 'all', label: t('ui.suppliers.statusAll') },
          ]}
          onChange={(value) => setFilters({ status: value as SupplierStatus })}
        />
      </FilterBar>
      <DataGrid
        table={table}
        grid={grid}
        error={list.error}
        errorTestId="suppliers-error"
        label={t('ui.suppliers.title')}
        testId="suppliers-table"
        total={total}
        columnClass={(id) => `sup-${id}`}
        loadingMore={t('ui.suppliers.loadingMore')}
        empty={
          <p className="empty" data-testid="suppliers-empty">
            {q || status !== 'active' ? t('ui.suppliers.empty') : t('ui.suppliers.emptyAll')}
          </p>
        }
        rowTestId="supplier-row"
        rowClass={(supplier) => (supplier.active ? '' : 'archived')}
        onRowClick={(supplier) => navigate(`/fournisseurs/${encodeURIComponent(supplier.id)}`)}
      />
    </section>
  );
}
