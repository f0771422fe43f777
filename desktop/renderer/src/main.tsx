import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './app.js';
import { BridgeProvider, connectBridge } from './bridge.js';
import { ErrorBoundary, ScreenFailure } from './components/error-boundary.js';
import { createI18n } from './i18n/index.js';
import './styles.css';

const i18n = createI18n();
const bridge = connectBridge(i18n.t('errors.BRIDGE_DISCONNECTED'));
const root = createRoot(document.getElementById('root')!);

root.render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      {bridge ? (
        <BridgeProvider bridge={bridge}>
          {/* Last resort: a failure outside the counter's screens still leaves words and a reload. */}
          <ErrorBoundary fallback={() => <ScreenFailure whole />}>
            <App />
          </ErrorBoundary>
        </BridgeProvider>
      ) : (
        <main className="centered">
          <div className="card" role="alert" data-testid="no-bridge">
            <h1>{i18n.t('ui.app.noBridgeTitle')}</h1>
            <p>{i18n.t('ui.app.noBridge')}</p>
          </div>
        </main>
      )}
    </I18nextProvider>
  </StrictMode>,
);
