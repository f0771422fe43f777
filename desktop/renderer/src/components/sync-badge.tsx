import { useTranslation } from 'react-i18next';
import { useTill } from '../till.js';

/** Always on screen: is the cloud reachable, how many documents wait to be sent, any the cloud refused. */
export function SyncBadge() {
  const { t } = useTranslation();
  const { sync } = useTill();
  const state = sync?.state ?? 'not-enrolled';
  const online = sync?.online ?? false;
  const kind = state === 'revoked' ? 'revoked' : state === 'not-enrolled' ? 'idle' : online ? 'online' : 'offline';
  const waiting = sync?.waiting ?? 0;
  const rejected = sync?.rejected ?? 0;
  return (
    <div className={`sync-badge ${kind}`} data-testid="sync-badge" data-online={online ? 'true' : 'false'} data-state={state} role="status" aria-live="polite">
      <span className="dot" aria-hidden="true" />
      <span data-testid="sync-label">{t(`ui.sync.${kind}`)}</span>
      {state === 'syncing' && <span className="sync-detail">{t('ui.sync.syncing')}</span>}
      <span className="sync-waiting" data-testid="sync-waiting" data-count={waiting}>
        {t('ui.sync.waiting', { count: waiting })}
      </span>
      {rejected > 0 && (
        <span className="sync-rejected" data-testid="sync-rejected" data-count={rejected} role="alert">
          {t('ui.sync.rejected', { count: rejected })}
        </span>
      )}
    </div>
  );
}
