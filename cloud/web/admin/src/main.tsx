import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './app.js';
import { ApiError } from './api/client.js';
import { ErrorBoundary } from './components/error-boundary.js';
import { applyLanguage } from './components/language-switch.js';
import { createI18n, savedLocale } from './i18n/index.js';
import { SessionProvider } from './session/session.js';
import './styles.css';

const locale = savedLocale();
applyLanguage(locale);
const i18n = createI18n(locale);
document.title = i18n.t('ui.app.title');

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // A refusal (4xx) will not change by asking again; a network blip may.
      retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: false,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <QueryClientProvider client={queryClient}>
        <ErrorBoundary>
          <SessionProvider>
            <App />
          </SessionProvider>
        </ErrorBoundary>
      </QueryClientProvider>
    </I18nextProvider>
  </StrictMode>,
);
