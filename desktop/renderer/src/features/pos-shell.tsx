import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../../bridge/contract.js';
import { can } from '../../../../shared/rbac.js';
import { errorText, useBridge } from '../bridge.js';
import { ErrorBox } from '../components/dialog.js';
import { ErrorBoundary, ScreenFailure } from '../components/error-boundary.js';
import { CashScreen } from './cash/cash-screen.js';
import { HistoryScreen } from './history/history-screen.js';
import { ReturnsScreen } from './returns/returns-screen.js';
import { restoredCart, savedCart, type Cart } from './sale/cart-state.js';
import { SaleScreen } from './sale/sale-screen.js';
import { StockScreen } from './stock/stock-screen.js';
import { TransfersScreen } from './transfers/transfers-screen.js';

type Screen = 'sale' | 'history' | 'returns' | 'cash' | 'stock' | 'transfers';

/** How long to wait before asking core again for the kept cart, when the link to it is down. */
const CART_RETRY_MS = 1_000;

/** The counter once someone is signed in: the sale screen and the others a function key away. */
export function PosShell({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const [screen, setScreen] = useState<Screen>('sale');
  // The cart survives a look at another screen (a return, the drawer) and a change of cashier;
  // core keeps it too, so a reload or a crash of this page does not lose the customer's basket.
  // Null until core has given it back: a scan before that would overwrite the kept cart.
  const [cart, setCartState] = useState<Cart | null>(null);
  const [cartIssue, setCartIssue] = useState<string | null>(null);
  const translate = useRef(t);
  translate.current = t;
  const showStock = can(user.role, 'stock', 'read');
  const showTransfers = can(user.role, 'transfers', 'read');

  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    const load = () =>
      bridge.call('cart.get', {}).then(
        (kept) => {
          if (!live) return;
          setCartState(restoredCart(kept));
          setCartIssue(null);
        },
        (error: unknown) => {
          if (!live) return;
          setCartIssue(errorText(error, translate.current));
          timer = window.setTimeout(load, CART_RETRY_MS);
        },
      );
    void load();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [bridge]);

  // Saves go out in order over the one link, and core applies them in order: the last one wins.
  const setCart = useCallback(
    (next: Cart) => {
      setCartState(next);
      bridge.call('cart.save', savedCart(next)).then(
        () => setCartIssue(null),
        (error: unknown) => setCartIssue(translate.current('ui.sale.notKept', { reason: errorText(error, translate.current) })),
      );
    },
    [bridge],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (document.querySelector('[role="dialog"]')) return;
      const go: Partial<Record<string, Screen>> = { F8: 'returns', F9: 'cash', ...(showTransfers ? { F7: 'transfers' as const } : {}) };
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
  }, [screen, showTransfers]);

  const tabs: Array<{ id: Screen; label: string; key?: string }> = [
    { id: 'sale', label: t('ui.nav.sale') },
    { id: 'history', label: t('ui.nav.history') },
    { id: 'returns', label: t('ui.nav.returns'), key: 'F8' },
    { id: 'cash', label: t('ui.nav.cash'), key: 'F9' },
    ...(showStock ? [{ id: 'stock' as const, label: t('ui.nav.stock') }] : []),
    ...(showTransfers ? [{ id: 'transfers' as const, label: t('ui.nav.transfers'), key: 'F7' }] : []),
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
      <ErrorBox message={cartIssue} testId="cart-issue" />
      {/* One boundary per screen: a failing screen shows a way back, the cart above it stays. */}
      <ErrorBoundary key={screen} fallback={(reset) => <ScreenFailure onBack={() => (screen === 'sale' ? reset() : setScreen('sale'))} />}>
        {screen === 'sale' && (cart ? <SaleScreen user={user} cart={cart} setCart={setCart} /> : <p className="page" data-testid="cart-loading">{t('ui.common.loading')}</p>)}
        {screen === 'history' && <HistoryScreen />}
        {screen === 'returns' && <ReturnsScreen />}
        {screen === 'cash' && <CashScreen user={user} />}
        {screen === 'stock' && showStock && <StockScreen user={user} />}
        {screen === 'transfers' && showTransfers && <TransfersScreen user={user} />}
      </ErrorBoundary>
    </div>
  );
}
