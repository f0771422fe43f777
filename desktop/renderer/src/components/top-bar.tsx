import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../../../../shared/i18n/index.js';
import { errorText, useBridge } from '../bridge.js';
import { SetPinDialog } from '../features/sign-in/set-pin-dialog.js';
import { useTill } from '../till.js';
import { SyncBadge } from './sync-badge.js';

export function TopBar() {
  const { t } = useTranslation();
  const bridge = useBridge();
  const { state } = useTill();
  const [pin, setPin] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const other: Locale = state.locale === 'fr' ? 'en' : 'fr';

  const run = (action: Promise<unknown>) => action.then(() => setError(null), (e: unknown) => setError(errorText(e, t)));

  return (
    <header className="top-bar">
      <div className="brand">
        <strong>AfriGest</strong> {t('ui.app.till')}
        {state.till && (
          <span className="till-name" data-testid="till-name">
            {state.till.boutique.name} · {state.till.deviceCode}
          </span>
        )}
      </div>
      <SyncBadge />
      <div className="top-actions">
        {state.user && (
          <>
            <span className="user" data-testid="current-user">
              {state.user.name} <small>({t(`ui.roles.${state.user.role}`)})</small>
            </span>
            <button type="button" className="small" onClick={() => setPin(true)} data-testid="set-pin">
              {t('ui.signIn.setPin')}
            </button>
            <button type="button" className="small" onClick={() => void run(bridge.call('auth.signOut', {}))} data-testid="sign-out">
              {t('ui.signIn.switchUser')}
            </button>
          </>
        )}
        <button
          type="button"
          className="small"
          lang={other}
          onClick={() => void run(bridge.call('app.setLocale', { locale: other }))}
          data-testid="locale-switch"
          aria-label={t('ui.app.switchLanguage')}
        >
          {other.toUpperCase()}
        </button>
      </div>
      {error && (
        <p className="error top-error" role="alert">
          {error}
        </p>
      )}
      {pin && <SetPinDialog onClose={() => setPin(false)} />}
    </header>
  );
}
