import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { getTransfer, listBoutiques, receiveTransfer, transferKeys, transferStep, type Transfer } from '../../api/transfers.js';
import { useFormat } from '../../components/format.js';
import { useUser } from '../../session/session.js';
import { formatQuantity, parseQuantity } from '../../../../../../shared/quantity.js';
import { hasDifferences } from './transfers-screen.js';

/** /transferts/:transferId: the transfer, its lines and differences, and the next step the role allows. */
export function TransferDetailScreen() {
  const { transferId } = useParams();
  const { t } = useTranslation();
  const user = useUser();
  const format = useFormat();
  const location = useLocation();
  const queryClient = useQueryClient();
  const [receiving, setReceiving] = useState(false);
  const [flash, setFlash] = useState<string | null>((location.state as { saved?: string } | null)?.saved ?? null);
  const key = transferKeys.one(user.tenantId, transferId ?? '');
  const transfer = useQuery({ queryKey: key, queryFn: ({ signal }) => getTransfer(user.tenantId, transferId!, signal) });
  const boutiques = useQuery({ queryKey: transferKeys.boutiques(user.tenantId), queryFn: ({ signal }) => listBoutiques(user.tenantId, signal), staleTime: 60_000 });
  const name = (id: string) => boutiques.data?.find((b) => b.id === id)?.name ?? '…';

  const done = async (saved: Transfer, message: string) => {
    queryClient.setQueryData(key, saved);
    await queryClient.invalidateQueries({ queryKey: transferKeys.all(user.tenantId) });
    setReceiving(false);
    setFlash(message);
  };
  const step = useMutation({
    mutationFn: (which: 'send' | 'cancel') => transferStep(user.tenantId, transferId!, which),
    onSuccess: (saved, which) => done(saved, t(which === 'send' ? 'ui.transfers.sentFlash' : 'ui.transfers.cancelledFlash', { number: saved.number })),
  });

  if (!transfer.data) {
    return (
      <section className="transfer-detail">
        <Link to="/transferts" className="back">
          ← {t('ui.transfers.back')}
        </Link>
        {transfer.error ? <p className="error" role="alert" data-testid="transfer-error">{transfer.error.message}</p> : <p className="muted">{t('ui.app.loading')}</p>}
      </section>
    );
  }
  const tr = transfer.data;
  const writable = can(user.role, 'transfers', 'write');
  const manages = (boutiqueId: string) => user.role === 'pdg' || user.role === 'super_admin' || user.boutiqueIds.includes(boutiqueId);
  const received = tr.status === 'received';

  return (
    <section className="transfer-detail" data-testid="transfer-detail" data-status={tr.status}>
      <Link to="/transferts" className="back">
        ← {t('ui.transfers.back')}
      </Link>
      <div className="page-head">
        <div>
          <h1>
            {t('ui.transfers.detailTitle', { number: tr.number })}{' '}
            <span className={`badge status-${tr.status}`} data-testid="transfer-status">
              {t(`ui.transfers.status.${tr.status}`)}
            </span>
          </h1>
          <p className="muted route">
            {name(tr.fromBoutiqueId)} → {name(tr.toBoutiqueId)}
          </p>
        </div>
        {writable && (
          <div className="actions">
            {tr.status === 'draft' && manages(tr.fromBoutiqueId) && (
              <>
                <Link className="button" to={`/transferts/${encodeURIComponent(tr.id)}/modifier`} data-testid="transfer-edit">
                  {t('ui.transfers.edit')}
                </Link>
                <button type="button" onClick={() => step.mutate('cancel')} disabled={step.isPending} data-testid="transfer-cancel">
                  {t('ui.transfers.cancelTransfer')}
                </button>
                <button type="button" className="primary" onClick={() => step.mutate('send')} disabled={step.isPending} data-testid="transfer-send">
                  {step.isPending ? t('ui.transfers.working') : t('ui.transfers.send')}
                </button>
              </>
            )}
            {tr.status === 'sent' && manages(tr.toBoutiqueId) && !receiving && (
              <button type="button" className="primary" onClick={() => setReceiving(true)} data-testid="transfer-receive" autoFocus>
                {t('ui.transfers.receive')}
              </button>
            )}
          </div>
        )}
      </div>
      {flash && (
        <p className="notice ok" role="status" data-testid="transfer-flash">
          {flash}
        </p>
      )}
      {step.error && (
        <p className="error" role="alert" data-testid="transfer-step-error">
          {step.error.message}
        </p>
      )}

      <dl className="facts card">
        <div>
          <dt>{t('ui.transfers.columns.createdAt')}</dt>
          <dd>{format.date(tr.createdAt)}</dd>
        </div>
        <div>
          <dt>{t('ui.transfers.sentAt')}</dt>
          <dd data-testid="transfer-sent-at">{tr.sentAt ? format.date(tr.sentAt) : '—'}</dd>
        </div>
        <div>
          <dt>{t('ui.transfers.receivedAt')}</dt>
          <dd data-testid="transfer-received-at">
            {tr.receivedAt ? format.date(tr.receivedAt) : '—'}
            {tr.receivedVia && <small className="muted"> · {t(`ui.transfers.via.${tr.receivedVia}`)}</small>}
          </dd>
        </div>
        {tr.note && (
          <div>
            <dt>{t('ui.transfers.noteTitle')}</dt>
            <dd>{tr.note}</dd>
          </div>
        )}
      </dl>

      {receiving ? (
        <ReceptionForm transfer={tr} onCancel={() => setReceiving(false)} onDone={(saved) => done(saved, t('ui.transfers.receivedFlash', { number: saved.number }))} />
      ) : (
        <table className="lines card" data-testid="transfer-detail-lines">
          <thead>
            <tr>
              <th>{t('ui.transfers.product')}</th>
              <th className="num">{t('ui.transfers.sentQuantity')}</th>
              {received && <th className="num">{t('ui.transfers.receivedQuantity')}</th>}
              {received && <th className="num">{t('ui.transfers.difference')}</th>}
              {received && <th>{t('ui.transfers.reason')}</th>}
            </tr>
          </thead>
          <tbody>
            {tr.lines.map((line) => {
              const got = line.receivedMilli ?? null;
              const diff = got === null ? 0 : got - line.quantityMilli;
              return (
                <tr key={line.productId} data-testid="transfer-detail-line" className={diff !== 0 ? 'differs' : undefined}>
                  <td>{line.name}</td>
                  <td className="num">{formatQuantity(line.quantityMilli, format.locale)}</td>
                  {received && <td className="num">{got === null ? '—' : formatQuantity(got, format.locale)}</td>}
                  {received && (
                    <td className="num" data-testid="transfer-line-difference">
                      {diff === 0 ? '—' : `${diff > 0 ? '+' : '−'}${formatQuantity(Math.abs(diff), format.locale)}`}
                    </td>
                  )}
                  {received && <td data-testid="transfer-line-reason">{line.reason ?? ''}</td>}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {received && hasDifferences(tr) && <p className="notice" data-testid="transfer-differences">{t('ui.transfers.differencesNote')}</p>}
    </section>
  );
}

function ReceptionForm({ transfer, onCancel, onDone }: { transfer: Transfer; onCancel: () => void; onDone: (saved: Transfer) => void }) {
  const { t } = useTranslation();
  const user = useUser();
  const format = useFormat();
  const [quantities, setQuantities] = useState(() => transfer.lines.map((l) => formatQuantity(l.quantityMilli, format.locale)));
  const [reasons, setReasons] = useState(() => transfer.lines.map(() => ''));
  const [problem, setProblem] = useState<string | null>(null);
  const parsed = quantities.map((q) => parseQuantity(q, { allowZero: true }));
  const differs = parsed.map((q, i) => q !== null && q !== transfer.lines[i]!.quantityMilli);
  const receive = useMutation({
    mutationFn: () => receiveTransfer(user.tenantId, transfer.id, transfer.lines.map((l, i) => ({ productId: l.productId, receivedMilli: parsed[i]!, ...(reasons[i]!.trim() ? { reason: reasons[i]!.trim() } : {}) }))),
    onSuccess: onDone,
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const bad = parsed.findIndex((q) => q === null);
    if (bad >= 0) return setProblem(t('ui.transfers.quantityInvalid', { name: transfer.lines[bad]!.name }));
    const missing = differs.findIndex((d, i) => d && !reasons[i]!.trim());
    if (missing >= 0) return setProblem(t('ui.transfers.reasonRequired', { name: transfer.lines[missing]!.name }));
    setProblem(null);
    receive.mutate();
  }

  return (
    <form className="card" onSubmit={submit} noValidate data-testid="transfer-reception">
      <h2>{t('ui.transfers.receptionTitle')}</h2>
      <p className="muted">{t('ui.transfers.receptionHint')}</p>
      <table className="lines">
        <thead>
          <tr>
            <th>{t('ui.transfers.product')}</th>
            <th className="num">{t('ui.transfers.sentQuantity')}</th>
            <th>{t('ui.transfers.receivedQuantity')}</th>
            <th>{t('ui.transfers.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {transfer.lines.map((line, i) => (
            <tr key={line.productId} data-testid="transfer-reception-line">
              <td>{line.name}</td>
              <td className="num">{formatQuantity(line.quantityMilli, format.locale)}</td>
              <td>
                <input
                  className="qty"
                  inputMode="decimal"
                  value={quantities[i]}
                  autoFocus={i === 0}
                  aria-label={t('ui.transfers.receivedOf', { name: line.name })}
                  aria-invalid={parsed[i] === null ? true : undefined}
                  onChange={(e) => {
                    setProblem(null);
                    setQuantities(quantities.map((q, j) => (j === i ? e.target.value : q)));
                  }}
                  data-testid="transfer-reception-quantity"
                />
              </td>
              <td>
                <input
                  value={reasons[i]}
                  maxLength={300}
                  placeholder={differs[i] ? t('ui.transfers.reasonPlaceholder') : ''}
                  aria-label={t('ui.transfers.reasonOf', { name: line.name })}
                  aria-invalid={differs[i] && !reasons[i]!.trim() && problem ? true : undefined}
                  onChange={(e) => {
                    setProblem(null);
                    setReasons(reasons.map((r, j) => (j === i ? e.target.value : r)));
                  }}
                  data-testid="transfer-reception-reason"
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {(problem || receive.error) && (
        <p className="error" role="alert" data-testid="transfer-reception-error">
          {problem ?? receive.error?.message}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={onCancel}>
          {t('ui.transfers.cancelEdit')}
        </button>
        <button type="submit" className="primary" disabled={receive.isPending} data-testid="transfer-reception-submit">
          {receive.isPending ? t('ui.transfers.working') : t('ui.transfers.confirmReception')}
        </button>
      </div>
    </form>
  );
}
