import { useQuery } from '@tanstack/react-query';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { TRANSFER_STATUSES } from '../../../../../../shared/schema/transfers.js';
import { listBoutiques, listTransfers, transferKeys, type Transfer, type TransferFilters, type TransferStatus } from '../../api/transfers.js';
import { choiceField, textField, useAddressFilters } from '../../components/address-filters.js';
import { DataGrid, usePagedGrid } from '../../components/data-grid.js';
import { ChoiceField, FilterBar, ListTotal, namedChoices } from '../../components/filters.js';
import { useFormat } from '../../components/format.js';
import { usePagedList } from '../../components/paged-list.js';
import { useUser } from '../../session/session.js';

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, Transfer>();
const ROW_HEIGHT = 44;

/** A transfer with received quantities that differ from those sent. */
export function hasDifferences(transfer: Transfer): boolean {
  return transfer.lines.some((line) => line.receivedMilli !== undefined && line.receivedMilli !== null && line.receivedMilli !== line.quantityMilli);
}

/** The list's filters live in the address: a reload or a link shows the same list. */
const FILTERS = { status: choiceField('statut', TRANSFER_STATUSES, ''), boutiqueId: textField('boutique') };

export function TransfersScreen() {
  const { t } = useTranslation();
  const format = useFormat();
  const user = useUser();
  const navigate = useNavigate();
  const location = useLocation();
  const [filters, setFilters] = useAddressFilters<TransferFilters>(FILTERS);
  const flash = (location.state as { saved?: string } | null)?.saved;

  const boutiques = useQuery({ queryKey: transferKeys.boutiques(user.tenantId), queryFn: ({ signal }) => listBoutiques(user.tenantId, signal), staleTime: 60_000 });
  const boutiqueNames = useMemo(() => new Map((boutiques.data ?? []).map((b) => [b.id, b.name])), [boutiques.data]);

  const { list, rows } = usePagedList({
    queryKey: transferKeys.list(user.tenantId, filters),
    fetchPage: (cursor: string | null, signal) => listTransfers(user.tenantId, filters, cursor, signal),
    next: (page) => page.nextCursor,
    rowsOf: (page) => page.transfers,
  });
  const total = list.data?.pages[0]?.total ?? 0;

  const columns = useMemo(
    () =>
      helper.columns([
        helper.accessor('number', { header: () => t('ui.transfers.columns.number'), cell: (c) => <Link to={`/transferts/${encodeURIComponent(c.row.original.id)}`} className="mono">{c.getValue()}</Link> }),
        helper.accessor('status', {
          header: () => t('ui.transfers.columns.status'),
          cell: (c) => (
            <span className={`badge status-${c.getValue()}`}>
              {t(`ui.transfers.status.${c.getValue()}`)}
              {hasDifferences(c.row.original) ? ` · ${t('ui.transfers.differences')}` : ''}
            </span>
          ),
        }),
        helper.accessor('fromBoutiqueId', { header: () => t('ui.transfers.columns.from'), cell: (c) => boutiqueNames.get(c.getValue()) ?? '—' }),
        helper.accessor('toBoutiqueId', { header: () => t('ui.transfers.columns.to'), cell: (c) => boutiqueNames.get(c.getValue()) ?? '—' }),
        helper.accessor((row) => row.lines.length, { id: 'lines', header: () => t('ui.transfers.columns.lines'), cell: (c) => format.number(c.getValue()) }),
        helper.accessor('createdAt', { header: () => t('ui.transfers.columns.createdAt'), cell: (c) => format.date(c.getValue()) }),
        helper.accessor((row) => row.receivedAt ?? row.sentAt ?? null, {
          id: 'lastStep',
          header: () => t('ui.transfers.columns.lastStep'),
          cell: (c) => (c.getValue() ? format.date(c.getValue()!) : '—'),
        }),
      ]),
    [t, format, boutiqueNames],
  );

  const table = useTable({ features, columns, data: rows, getRowId: (row) => row.id });
  const grid = usePagedGrid(list, rows.length, { rowHeight: ROW_HEIGHT });

  return (
    <section className="products transfers" data-testid="transfers-screen">
      <div className="page-head">
        <div>
          <h1>{t('ui.transfers.title')}</h1>
          <ListTotal testId="transfers-total" total={list.data && total} countKey="ui.transfers.count" />
        </div>
        {can(user.role, 'transfers', 'write') && (
          <Link className="button primary" to="/transferts/nouveau" data-testid="transfer-new">
            {t('ui.transfers.new')}
          </Link>
        )}
      </div>
      {flash && (
        <p className="notice ok" role="status" data-testid="transfers-flash">
          {flash}
        </p>
      )}

      <FilterBar label={t('ui.transfers.filters')}>
        <ChoiceField
          id="transfers-status"
          label={t('ui.transfers.statusFilter')}
          value={filters.status}
          all={t('ui.transfers.allStatuses')}
          choices={TRANSFER_STATUSES.map((s) => ({ value: s, label: t(`ui.transfers.status.${s}`) }))}
          onChange={(status) => setFilters({ status: status as TransferStatus | '' })}
        />
        <ChoiceField id="transfers-boutique" label={t('ui.transfers.boutiqueFilter')} value={filters.boutiqueId} all={t('ui.transfers.allBoutiques')} choices={namedChoices(boutiques.data)} onChange={(boutiqueId) => setFilters({ boutiqueId })} />
      </FilterBar>

      <DataGrid
        table={table}
        grid={grid}
        error={list.error}
        errorTestId="transfers-error"
        label={t('ui.transfers.title')}
        testId="transfers-table"
        total={total}
        columnClass={(id) => `tcol-${id}`}
        loadingMore={t('ui.transfers.loadingMore')}
        empty={
          <p className="empty" data-testid="transfers-empty">
            {filters.status || filters.boutiqueId ? t('ui.transfers.empty') : t('ui.transfers.emptyAll')}
          </p>
        }
        rowTestId="transfer-row"
        rowData={(transfer) => ({ 'data-number': transfer.number, 'data-status': transfer.status })}
        onRowClick={(transfer) => navigate(`/transferts/${encodeURIComponent(transfer.id)}`)}
      />
    </section>
  );
}
