import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { can } from '../../../../../../shared/rbac.js';
import { ApiError } from '../../api/client.js';
import { catalogKeys, exportCatalogue, importCatalogue, type ImportMode, type ImportResult } from '../../api/catalog.js';
import { useFormat } from '../../components/format.js';
import { useUser } from '../../session/session.js';

/** Where an import is: reading and checking the file (no count yet), writing (a count), done. */
type ImportState =
  | { step: 'idle' }
  | { step: 'checking' }
  | { step: 'writing'; processed: number; total: number }
  | { step: 'done'; result: ImportResult }
  | { step: 'failed'; message: string };

/** /produits/fichier: the whole catalogue out as a CSV file, and a file in, with its progress and its errors by line. */
export function CatalogueFileScreen() {
  const { t } = useTranslation();
  const format = useFormat();
  const user = useUser();
  const queryClient = useQueryClient();
  const writable = can(user.role, 'products', 'write');
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<ImportMode>('all-or-nothing');
  const [state, setState] = useState<ImportState>({ step: 'idle' });
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const busy = state.step === 'checking' || state.step === 'writing';

  async function runImport(event: FormEvent) {
    event.preventDefault();
    if (!file || busy) return;
    setState({ step: 'checking' });
    let finished = false;
    try {
      await importCatalogue(user.tenantId, file, mode, (line) => {
        if (line.type === 'progress') setState({ step: 'writing', processed: line.processed, total: line.total });
        else if (line.type === 'result') {
          finished = true;
          setState({ step: 'done', result: line });
        } else {
          finished = true;
          setState({ step: 'failed', message: line.error.message });
        }
      });
      if (!finished) setState({ step: 'failed', message: t('ui.catalogueFile.interrupted') });
    } catch (error) {
      setState({ step: 'failed', message: error instanceof ApiError ? error.message : t('ui.catalogueFile.interrupted') });
    }
    // Whatever was written, the lists show it now.
    await queryClient.invalidateQueries({ queryKey: catalogKeys.products(user.tenantId) });
  }

  async function runExport() {
    setExporting(true);
    setExportError(null);
    try {
      const blob = await exportCatalogue(user.tenantId);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `catalogue-${new Date().toISOString().slice(0, 10)}.csv`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    } catch (error) {
      setExportError(error instanceof ApiError ? error.message : t('ui.catalogueFile.interrupted'));
    } finally {
      setExporting(false);
    }
  }

  const percent = state.step === 'writing' && state.total > 0 ? Math.round((state.processed / state.total) * 100) : 0;

  return (
    <section className="catalogue-file" data-testid="catalogue-file-screen">
      <Link to="/produits" className="back">
        ← {t('ui.productForm.back')}
      </Link>
      <h1>{t('ui.catalogueFile.title')}</h1>

      <div className="card">
        <h2>{t('ui.catalogueFile.exportTitle')}</h2>
        <p className="muted">{t('ui.catalogueFile.exportHelp')}</p>
        <button type="button" onClick={() => void runExport()} disabled={exporting} data-testid="catalogue-export">
          {exporting ? t('ui.catalogueFile.exporting') : t('ui.catalogueFile.export')}
        </button>
        {exportError && (
          <p className="error" role="alert">
            {exportError}
          </p>
        )}
      </div>

      {writable && (
        <form className="card" onSubmit={(e) => void runImport(e)} data-testid="catalogue-import-form">
          <h2>{t('ui.catalogueFile.importTitle')}</h2>
          <p className="muted">{t('ui.catalogueFile.importHelp')}</p>
          <p className="mono columns-hint">sku;code_barres;nom;categorie;unite;prix_vente;prix_achat;tva;seuil_stock;actif;prix_&lt;CODE&gt;…</p>
          <div className="field">
            <label htmlFor="catalogue-file">{t('ui.catalogueFile.file')}</label>
            <input
              id="catalogue-file"
              ref={fileInput}
              data-testid="catalogue-file"
              type="file"
              accept=".csv,text/csv"
              disabled={busy}
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setState({ step: 'idle' });
              }}
            />
            {file && <small className="hint">{t('ui.catalogueFile.chosen', { name: file.name, size: format.number(Math.ceil(file.size / 1024)) })}</small>}
          </div>
          <fieldset className="field" disabled={busy}>
            <legend>{t('ui.catalogueFile.mode')}</legend>
            <label className="check">
              <input type="radio" name="mode" value="all-or-nothing" checked={mode === 'all-or-nothing'} onChange={() => setMode('all-or-nothing')} data-testid="import-mode-all" />
              {t('ui.catalogueFile.allOrNothing')}
            </label>
            <label className="check">
              <input type="radio" name="mode" value="valid-only" checked={mode === 'valid-only'} onChange={() => setMode('valid-only')} data-testid="import-mode-valid" />
              {t('ui.catalogueFile.validOnly')}
            </label>
          </fieldset>
          <div className="actions">
            <button type="submit" className="primary" disabled={!file || busy} data-testid="catalogue-import">
              {busy ? t('ui.catalogueFile.importing') : t('ui.catalogueFile.import')}
            </button>
          </div>

          {busy && (
            <div className="import-progress" role="status" aria-live="polite">
              <progress
                max={100}
                value={state.step === 'writing' ? percent : undefined}
                data-testid="import-progress"
                data-value={state.step === 'writing' ? percent : ''}
                aria-label={t('ui.catalogueFile.progress')}
              />
              <span data-testid="import-progress-text">
                {state.step === 'writing'
                  ? t('ui.catalogueFile.writing', { processed: format.number(state.processed), total: format.number(state.total), percent })
                  : t('ui.catalogueFile.checking')}
              </span>
            </div>
          )}
        </form>
      )}

      {state.step === 'failed' && (
        <p className="error" role="alert" data-testid="import-failed">
          {state.message}
        </p>
      )}
      {state.step === 'done' && <ImportReport result={state.result} />}
    </section>
  );
}

function ImportReport({ result }: { result: ImportResult }) {
  const { t } = useTranslation();
  const format = useFormat();
  const refused = result.errorCount > 0 && result.mode === 'all-or-nothing';
  // The report comes below the form: brought into view and focused, so the keyboard and the eye
  // land on it.
  const report = useRef<HTMLDivElement>(null);
  useEffect(() => {
    report.current?.scrollIntoView({ block: 'start' });
    report.current?.focus({ preventScroll: true });
  }, [result]);
  return (
    <div ref={report} tabIndex={-1} className="card import-result" data-testid="import-result" data-created={result.created} data-updated={result.updated} data-unchanged={result.unchanged} data-errors={result.errorCount}>
      <h2>{refused ? t('ui.catalogueFile.refusedTitle') : t('ui.catalogueFile.doneTitle')}</h2>
      {refused ? (
        <p className="error" role="alert" data-testid="import-refused">
          {t('ui.catalogueFile.refused', { count: result.errorCount, formatted: format.number(result.errorCount) })}
        </p>
      ) : (
        <ul className="import-counts" data-testid="import-counts">
          <li>
            <strong>{format.number(result.created)}</strong> {t('ui.catalogueFile.created', { count: result.created })}
          </li>
          <li>
            <strong>{format.number(result.updated)}</strong> {t('ui.catalogueFile.updated', { count: result.updated })}
          </li>
          <li>
            <strong>{format.number(result.unchanged)}</strong> {t('ui.catalogueFile.unchanged', { count: result.unchanged })}
          </li>
          {result.errorCount > 0 && (
            <li>
              <strong>{format.number(result.errorCount)}</strong> {t('ui.catalogueFile.skipped', { count: result.errorCount })}
            </li>
          )}
        </ul>
      )}
      {result.errors.length > 0 && (
        <>
          <table className="import-errors" data-testid="import-errors">
            <thead>
              <tr>
                <th scope="col">{t('ui.catalogueFile.line')}</th>
                <th scope="col">{t('ui.catalogueFile.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {result.errors.map((error) => (
                <tr key={`${error.line}-${error.reason}`} data-testid="import-error-row" data-line={error.line}>
                  <td className="mono">{error.line}</td>
                  <td>{error.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.errorCount > result.errors.length && (
            <p className="muted">{t('ui.catalogueFile.moreErrors', { count: result.errorCount - result.errors.length, formatted: format.number(result.errorCount - result.errors.length) })}</p>
          )}
        </>
      )}
    </div>
  );
}
