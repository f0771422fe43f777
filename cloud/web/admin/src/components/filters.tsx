import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from './format.js';

/**
 * The text of a search box whose search is applied (to the address) once the hand pauses, not at
 * every key: returns what is typed and its setter; `apply` receives the trimmed text.
 */
export function useSearchText(applied: string, apply: (q: string) => void): [string, (text: string) => void] {
  const [search, setSearch] = useState(applied);
  useEffect(() => {
    if (search.trim() === applied) return;
    const timer = setTimeout(() => apply(search.trim()), 250);
    return () => clearTimeout(timer);
  });
  return [search, setSearch];
}

/** The filter bar above a list: never submitted, each field applies itself. */
export function FilterBar({ label, search = true, children }: { label?: string; search?: boolean; children: ReactNode }) {
  return (
    <form className="filters" role={search ? 'search' : undefined} aria-label={label} onSubmit={(e) => e.preventDefault()}>
      {children}
    </form>
  );
}

/** A search box of a filter bar; its id is its test id. */
export function SearchField({ id, label, value, placeholder, onChange }: { id: string; label: string; value: string; placeholder: string; onChange: (text: string) => void }) {
  return (
    <div className="field grow">
      <label htmlFor={id}>{label}</label>
      <input id={id} data-testid={id} type="search" value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

export interface Choice {
  value: string;
  label: string;
}

/** A choice of a filter bar, with "all" first (the empty value) when `all` is given; its id is its test id. */
export function ChoiceField({ id, label, value, all, choices, wide = false, onChange }: { id: string; label: string; value: string; all?: string; choices: readonly Choice[]; wide?: boolean; onChange: (value: string) => void }) {
  return (
    <div className={wide ? 'field wide-field' : 'field'}>
      <label htmlFor={id}>{label}</label>
      <select id={id} data-testid={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {all !== undefined && <option value="">{all}</option>}
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Named things (boutiques, categories, suppliers) as choices. */
export function namedChoices(items: ReadonlyArray<{ id: string; name: string }> | undefined): Choice[] {
  return (items ?? []).map((item) => ({ value: item.id, label: item.name }));
}

/** "12 345 produits" under a list's title (the whole list, not the rows loaded), or "Chargement…". */
export function ListTotal({ testId, total, countKey }: { testId: string; total: number | undefined; countKey: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <p className="muted" data-testid={testId} data-total={total} aria-live="polite">
      {total === undefined ? t('ui.app.loading') : t(countKey, { count: total, formatted: format.number(total) })}
    </p>
  );
}
