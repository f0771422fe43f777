import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

type BoundaryProps = { fallback: (reset: () => void) => ReactNode; children: ReactNode };
type BoundaryState = { failed: boolean };

/**
 * Keeps a failing screen from blanking the whole counter: React unmounts everything above an
 * uncaught render error, this catches it and shows the fallback instead. A class because React
 * offers error boundaries to classes only. The cart lives above (and in core), so it stays.
 */
export class ErrorBoundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { failed: false };

  static getDerivedStateFromError(): BoundaryState {
    return { failed: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // The page has no log of its own: the browser console (Electron's devtools) keeps the detail.
    console.error('screen failed', error, info.componentStack);
  }

  private readonly reset = () => this.setState({ failed: false });

  override render(): ReactNode {
    return this.state.failed ? this.props.fallback(this.reset) : this.props.children;
  }
}

/**
 * What the cashier sees instead of a failed screen: what happened, that the basket is safe, and
 * a way back (the sale screen, or the whole page loaded again with the cart core kept).
 */
export function ScreenFailure({ whole, onBack }: { whole?: boolean; onBack?: () => void }) {
  const { t } = useTranslation();
  return (
    <main className="centered">
      <div className="card failure" role="alert" data-testid="screen-error">
        <h1>{t(whole ? 'ui.failure.appTitle' : 'ui.failure.screenTitle')}</h1>
        <p>{t(whole ? 'ui.failure.salesKept' : 'ui.failure.cartKept')}</p>
        <div className="actions">
          {onBack && (
            <button type="button" className="primary big" onClick={onBack} data-testid="screen-error-back" autoFocus>
              {t('ui.failure.back')}
            </button>
          )}
          <button type="button" className={onBack ? 'big' : 'primary big'} onClick={() => window.location.reload()} data-testid="screen-error-reload" autoFocus={!onBack}>
            {t('ui.failure.reload')}
          </button>
        </div>
      </div>
    </main>
  );
}
