import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BridgeOutput } from '../../../../bridge/contract.js';
import { errorText, useBridge } from '../../bridge.js';
import { Dialog, ErrorBox } from '../../components/dialog.js';

type Customer = BridgeOutput<'customers.create'>;

/** Find a customer by name or phone, or create one (offline too), for the sale at hand. */
export function CustomerDialog({ onPick, onClose }: { onPick: (customer: Customer) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Customer[]>([]);
  const [highlight, setHighlight] = useState(0);
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const text = query.trim();
    if (!text) {
      setFound([]);
      return;
    }
    let live = true;
    const timer = window.setTimeout(() => {
      bridge.call('customers.search', { query: text, limit: 10 }).then(
        (list) => {
          if (!live) return;
          setFound(list);
          setHighlight(0);
        },
        (e: unknown) => live && setError(errorText(e, t)),
      );
    }, 120);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [bridge, query, t]);

  async function create(event: FormEvent) {
    event.preventDefault();
    try {
      onPick(await bridge.call('customers.create', { name: name.trim(), phone: phone.trim() }));
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  return (
    <Dialog title={t('ui.customer.title')} onClose={onClose} testId="customer-dialog">
      <label className="form">
        {t('ui.customer.search')}
        <input
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setHighlight((h) => Math.min(h + 1, found.length - 1));
            else if (e.key === 'ArrowUp') setHighlight((h) => Math.max(h - 1, 0));
            else if (e.key === 'Enter' && found[highlight]) onPick(found[highlight]);
            else return;
            e.preventDefault();
          }}
          data-testid="customer-search"
          data-autofocus
          autoComplete="off"
        />
      </label>
      <ul className="results" role="listbox" aria-label={t('ui.customer.results')}>
        {found.map((c, i) => (
          <li key={c.id} role="option" aria-selected={i === highlight}>
            <button type="button" onClick={() => onPick(c)} data-testid="customer-result">
              {c.name} <small>{c.phone}</small>
            </button>
          </li>
        ))}
      </ul>
      <form className="form" onSubmit={create}>
        <h3>{t('ui.customer.create')}</h3>
        <label>
          {t('ui.customer.name')}
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} data-testid="customer-name" />
        </label>
        <label>
          {t('ui.customer.phone')}
          <input value={phone} onChange={(e) => setPhone(e.target.value)} inputMode="tel" maxLength={30} data-testid="customer-phone" />
        </label>
        <ErrorBox message={error} />
        <button type="submit" className="primary" data-testid="customer-create">
          {t('ui.customer.createSubmit')}
        </button>
      </form>
    </Dialog>
  );
}
