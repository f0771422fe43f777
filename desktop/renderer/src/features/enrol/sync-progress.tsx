import { useTranslation } from 'react-i18next';
import { useTill } from '../../till.js';

/** The first catalogue sync after enrolment: what has arrived so far. */
export function SyncProgress({ onContinue }: { onContinue: () => void }) {
  const { t } = useTranslation();
  const { sync, state } = useTill();
  const products = sync?.local.products ?? 0;
  const users = sync?.local.users ?? 0;
  const offline = sync?.state === 'offline';
  return (
    <main className="centered">
      <div className="card" data-testid="sync-progress">
        <h1>{t('ui.enrol.syncTitle', { boutique: state.till?.boutique.name ?? '' })}</h1>
        <div className="progress" role="progressbar" aria-busy="true" aria-label={t('ui.enrol.syncTitle', { boutique: '' })}>
          <div className="progress-bar indeterminate" />
        </div>
        <p data-testid="sync-products">{t('ui.enrol.products', { count: products })}</p>
        <p data-testid="sync-users">{t('ui.enrol.users', { count: users })}</p>
        {offline && <p className="error" role="alert">{t('ui.enrol.syncOffline')}</p>}
        {users > 0 && (
          <button type="button" className="secondary" onClick={onContinue} data-testid="sync-continue">
            {t('ui.enrol.continue')}
          </button>
        )}
      </div>
    </main>
  );
}
