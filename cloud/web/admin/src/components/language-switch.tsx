import { useTranslation } from 'react-i18next';
import type { Locale } from '../../../../../shared/i18n/index.js';
import { setApiLanguage } from '../api/client.js';
import { saveLocale } from '../i18n/index.js';

export function applyLanguage(locale: Locale): void {
  document.documentElement.lang = locale;
  setApiLanguage(locale);
}

export function LanguageSwitch({ className }: { className?: string }) {
  const { t, i18n } = useTranslation();
  const next: Locale = i18n.language === 'en' ? 'fr' : 'en';
  return (
    <button
      type="button"
      className={className ?? 'ghost'}
      data-testid="language-switch"
      aria-label={t('ui.app.switchLanguageLabel')}
      lang={next}
      onClick={() => {
        saveLocale(next);
        applyLanguage(next);
        void i18n.changeLanguage(next);
      }}
    >
      {t('ui.app.switchLanguage')}
    </button>
  );
}
