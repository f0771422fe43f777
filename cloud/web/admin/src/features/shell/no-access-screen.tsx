import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../../components/language-switch.js';
import { useSession, useUser } from '../../session/session.js';

/** A cashier signed in here: nothing of the admin shows, only why and the way out. */
export function NoAccessScreen() {
  const { t } = useTranslation();
  const { signOut } = useSession();
  const user = useUser();
  return (
    <main className="auth-page">
      <div className="auth-top">
        <LanguageSwitch />
      </div>
      <section className="card auth-card" role="alert" data-testid="no-access">
        <p className="brand-mark">
          {t('ui.app.brand')} <span>{t('ui.app.backOffice')}</span>
        </p>
        <h1>{t('ui.noAccess.title')}</h1>
        <p>{t('ui.noAccess.body', { name: user.name })}</p>
        <p className="muted">{t('ui.noAccess.hint')}</p>
        <button type="button" className="primary wide" onClick={() => void signOut()} data-testid="sign-out">
          {t('ui.app.signOut')}
        </button>
      </section>
    </main>
  );
}
