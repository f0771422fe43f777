import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { BridgeDocument } from '../../../bridge/contract.js';
import { errorText, useBridge } from '../bridge.js';
import { ErrorBox, Notice } from './dialog.js';

/** Prints the page: Electron's shell does it through the system printer, a browser with window.print(). */
export async function printPage(bridge: ReturnType<typeof useBridge>): Promise<void> {
  const { handled } = await bridge.call('shell.print', {});
  if (!handled) window.print();
}

/**
 * A document from core (receipt, return slip, Z report): its HTML shown in an isolated frame
 * (no script runs in it, its styles stay inside), printable and savable as PDF.
 */
export function DocumentView({
  load,
  loadPdf,
  testId,
  fallback,
}: {
  load: () => Promise<BridgeDocument>;
  loadPdf: () => Promise<BridgeDocument>;
  testId: string;
  /** Shown when core cannot give the document. */
  fallback?: ReactNode;
}) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const [html, setHtml] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const frame = useRef<HTMLIFrameElement>(null);
  const loader = useRef(load);
  loader.current = load;

  useEffect(() => {
    let live = true;
    loader.current().then(
      (doc) => live && setHtml(doc.html ?? ''),
      (e: unknown) => live && setError(errorText(e, t)),
    );
    return () => {
      live = false;
    };
    // Loaded once per document; the caller remounts for another one.
  }, [t]);

  function fit() {
    const doc = frame.current?.contentDocument;
    if (frame.current && doc?.documentElement) frame.current.style.height = `${doc.documentElement.scrollHeight + 8}px`;
  }

  async function print() {
    setError(null);
    try {
      await printPage(bridge);
      setNotice(t('ui.document.printed'));
    } catch (e) {
      setError(errorText(e, t));
    }
  }

  async function savePdf() {
    setBusy(true);
    setError(null);
    try {
      const doc = await loadPdf();
      if (doc.downloadUrl) {
        const link = document.createElement('a');
        link.href = doc.downloadUrl;
        link.download = doc.fileName;
        document.body.append(link);
        link.click();
        link.remove();
        setNotice(t('ui.document.downloaded', { file: doc.fileName }));
      } else {
        const { saved } = await bridge.call('shell.savePdf', { fileName: doc.fileName, ...(doc.pdfBase64 ? { pdfBase64: doc.pdfBase64 } : {}) });
        if (saved) setNotice(t('ui.document.saved', { file: doc.fileName }));
      }
    } catch (e) {
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="document" data-testid={testId}>
      <div className="print-area">
        {html !== null ? (
          <iframe ref={frame} title={t('ui.document.frame')} className="document-frame" sandbox="allow-same-origin" srcDoc={html} onLoad={fit} data-testid={`${testId}-frame`} />
        ) : error ? (
          fallback
        ) : (
          <p>{t('ui.common.loading')}</p>
        )}
      </div>
      <ErrorBox message={error} testId={`${testId}-error`} />
      <Notice message={notice} testId={`${testId}-notice`} />
      <div className="actions no-print">
        <button type="button" className="primary" onClick={() => void print()} data-testid={`${testId}-print`}>
          {t('ui.document.print')}
        </button>
        <button type="button" onClick={() => void savePdf()} disabled={busy} data-testid={`${testId}-pdf`}>
          {t('ui.document.savePdf')}
        </button>
      </div>
    </div>
  );
}
