import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { catalogKeys, listCategories } from '../../api/catalog.js';
import { createCount, listCounts, listStockBoutiques, stockKeys } from '../../api/stock.js';
import { ChoiceField, namedChoices } from '../../components/filters.js';
import { useFormat } from '../../components/format.js';
import { useUser } from '../../session/session.js';

/** /stock/inventaires: the counts of the user's boutiques, newest first, and a new count sheet. */
export function CountsScreen() {
  const { t } = useTranslation();
  const format = useFormat();
  const user = useUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const writable = can(user.role, 'stock', 'write');
  const counts = useQuery({ queryKey: stockKeys.counts(user.tenantId), queryFn: ({ signal }) => listCounts(user.tenantId, signal) });
  const boutiques = useQuery({ queryKey: [...stockKeys.all(user.tenantId), 'boutiques'], queryFn: ({ signal }) => listStockBoutiques(user.tenantId, signal), staleTime: 60_000 });
  const categories = useQuery({ queryKey: catalogKeys.categories(user.tenantId), queryFn: ({ signal }) => listCategories(user.tenantId, signal), staleTime: 60_000 });
  const names = new Map((boutiques.data ?? []).map((b) => [b.id, b.name]));
  const [id, setId] = useState(() => crypto.randomUUID());
  const [boutiqueId, setBoutiqueId] = useState('');
  const [label, setLabel] = useState('');
  const [categoryId, setCategoryId] = useState('');
  const [q, setQ] = useState('');
  const chosenBoutique = boutiqueId || boutiques.data?.[0]?.id || '';

  const create = useMutation({
    mutationFn: () => createCount(user.tenantId, { id, boutiqueId: chosenBoutique, label: label.trim(), q: q.trim(), ...(categoryId ? { categoryId } : {}) }),
    onSuccess: async (count) => {
      setId(crypto.randomUUID());
      await queryClient.invalidateQueries({ queryKey: stockKeys.counts(user.tenantId) });
      navigate(`/stock/inventaires/${encodeURIComponent(count.id)}`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (chosenBoutique) create.mutate();
  };

  return (
    <section className="counts-screen" data-testid="counts-screen">
      <Link to="/stock" className="back">
        ← {t('ui.stock.back')}
      </Link>
      <div className="page-head">
        <div>
          <h1>{t('ui.stock.countList.title')}</h1>
          <p className="muted">{t('ui.stock.countList.intro')}</p>
        </div>
      </div>
      {writable && (
        <form className="card count-new" onSubmit={submit} aria-labelledby="count-new-title" data-testid="count-new">
          <h2 id="count-new-title">{t('ui.stock.countList.new')}</h2>
          <div className="filters">
            <ChoiceField id="count-boutique" label={t('ui.stock.boutique')} value={chosenBoutique} choices={namedChoices(boutiques.data)} onChange={setBoutiqueId} />
            <div className="field grow">
              <label htmlFor="count-label">{t('ui.stock.countList.label')}</label>
              <input id="count-label" data-testid="count-label" maxLength={120} value={label} placeholder={t('ui.stock.countList.labelPlaceholder')} onChange={(e) => setLabel(e.target.value)} />
            </div>
            <ChoiceField id="count-category" label={t('ui.products.category')} value={categoryId} all={t('ui.stock.countList.everything')} choices={namedChoices(categories.data)} onChange={setCategoryId} />
            <div className="field">
              <label htmlFor="count-q">{t('ui.stock.countList.search')}</label>
              <input id="count-q" data-testid="count-q" maxLength={100} value={q} onChange={(e) => setQ(e.target.value)} />
            </div>
            <div className="field submit">
              <button type="submit" className="primary" disabled={create.isPending || !chosenBoutique} data-testid="count-create">
                {create.isPending ? t('ui.stock.countList.creating') : t('ui.stock.countList.create')}
              </button>
            </div>
          </div>
          <p className="hint muted">{t('ui.stock.countList.frozen')}</p>
          {create.error && (
            <p className="error" role="alert" data-testid="count-create-error">
              {create.error.message}
            </p>
          )}
        </form>
      )}
      {counts.error && (
        <p className="error" role="alert">
          {counts.error.message}
        </p>
      )}
      <table className="plain-table" data-testid="counts-table">
        <thead>
          <tr>
            <th scope="col">{t('ui.stock.countList.createdAt')}</th>
            <th scope="col">{t('ui.stock.boutique')}</th>
            <th scope="col">{t('ui.stock.countList.label')}</th>
            <th scope="col">{t('ui.stock.countList.status')}</th>
            <th scope="col" className="num">{t('ui.stock.countList.progress')}</th>
            <th scope="col">{t('ui.stock.countList.author')}</th>
          </tr>
        </thead>
        <tbody>
          {(counts.data ?? []).map((count) => (
            <tr key={count.id} data-testid="count-row">
              <td>
                <Link to={`/stock/inventaires/${encodeURIComponent(count.id)}`}>{format.date(count.createdAt)}</Link>
              </td>
              <td>{names.get(count.boutiqueId) ?? '—'}</td>
              <td>{count.label || '—'}</td>
              <td>
                <span className={`badge status-${count.status}`}>{t(`ui.stock.status.${count.status}`)}</span>
              </td>
              <td className="num">
                {format.number(count.counted)} / {format.number(count.lines)}
              </td>
              <td>{count.createdByName ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {counts.data && counts.data.length === 0 && <p className="empty">{t('ui.stock.countList.empty')}</p>}
    </section>
  );
}
