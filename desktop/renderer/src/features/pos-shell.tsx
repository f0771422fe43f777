import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../../bridge/contract.js';
import { can } from '../../../../shared/rbac.js';
import { CashScreen } from './cash/cash-screen.js';
import { HistoryScreen } from './history/history-screen.js';
import { ReturnsScreen } from './returns/returns-screen.js';
import { emptyCart, type Cart } from './sale/cart-state.js';
import { SaleScreen } from './sale/sale-screen.js';
import { StockScreen } from './stock/stock-screen.js';

type Screen = 'sale' | 'history' | 'returns' | 'cash' | 'stock';

/** The counter once someone is signed in: the sale screen and the others a function key away. */
export function PosShell({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const [screen, setScreen] = useState<Screen>('sale');
  // The cart survives a look at another screen (a return, the drawer) and a change of cashier.
  const [cart, setCart] = useState<Cart>(emptyCart);
  const showStock = can(user.role, 'stock', 'read');

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (document.querySelector('[role="dialog"]')) return;
      const go: Partial<Record<string, Screen>> = { F8: 'returns', F9: 'cash' };
      const target = go[event.key];
      if (target) {
        event.preventDefault();
        setScreen(target);
      } else if (screen !== 'sale' && (event.key === 'F2' || event.key === 'F4' || event.key === 'F12' || event.key === 'Escape')) {
        // Sale keys bring the sale back; the sale screen then acts on the next press.
        event.preventDefault();
        setScreen('sale');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [screen]);

  const tabs: Array<{ id: Screen; label: string; key?: string }> = [
    { id: 'sale', label: t('ui.nav.sale') },
    { id: 'history', label: t('ui.nav.history') },
    { id: 'returns', label: t('ui.nav.returns'), key: 'F8' },
    { id: 'cash', label: t('ui.nav.cash'), key: 'F9' },
    ...(showStock ? [{ id: 'stock' as const, label: t('ui.nav.stock') }] : []),
  ];

  return (
    <div className="shell">
      <nav className="tabs" aria-label={t('ui.nav.label')}>
        {tabs.map((tab) => (
          <button
            key={tab.id}
            type="button"
            className={screen === tab.id ? 'tab active' : 'tab'}
            aria-current={screen === tab.id ? 'page' : undefined}
            onClick={() => setScreen(tab.id)}
            data-testid={`nav-${tab.id}`}
          >
            {tab.label}
            {tab.key && <kbd>{tab.key}</kbd>}
          </button>
        ))}
      </nav>
      {screen === 'sale' && <SaleScreen user={user} cart={cart} setCart={setCart} />}
      {screen === 'history' && <HistoryScreen />}
      {screen === 'returns' && <ReturnsScreen />}
      {screen === 'cash' && <CashScreen user={user} />}
      {screen === 'stock' && showStock && <StockScreen user={user} />}
    </div>
  );
}
