import { NavLink, Outlet, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ErrorBoundary } from '../../components/error-boundary.js';
import { LanguageSwitch } from '../../components/language-switch.js';
import { menuFor } from '../../session/access.js';
import { useSession, useUser } from '../../session/session.js';

/** The frame of every manager's screen: the menu shared/rbac.ts allows, who is signed in, the way out. */
export function AdminShell() {
  const { t } = useTranslation();
  const { signOut } = useSession();
  const user = useUser();
  const location = useLocation();
  const menu = menuFor(user.role);
  return (
    <div className="shell">
      <aside className="sidebar">
        <p className="brand-mark">
          {t('ui.app.brand')} <span>{t('ui.app.backOffice')}</span>
        </p>
        <nav aria-label={t('ui.app.menu')} data-testid="menu">
          <ul>
            {menu.map((entry) => (
              <li key={entry.path}>
                <NavLink to={entry.path} data-testid={`menu-${entry.id ?? entry.module}`}>
                  {t(entry.labelKey)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </aside>
      <div className="main">
        <header className="top-bar">
          <span className="company" data-testid="company">
            {t('ui.app.company', { code: user.tenantCode })}
          </span>
          <span className="user" data-testid="user">
            {user.name} <small>· {t(`ui.roles.${user.role}`)}</small>
          </span>
          <LanguageSwitch />
          <button type="button" className="ghost" onClick={() => void signOut()} data-testid="sign-out">
            {t('ui.app.signOut')}
          </button>
        </header>
        <main className="content">
          <ErrorBoundary resetKey={location.pathname}>
            <Outlet />
          </ErrorBoundary>
        </main>
      </div>
    </div>
  );
}
