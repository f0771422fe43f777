import { useTranslation } from 'react-i18next';
import type { BridgeSale } from '../../../../bridge/contract.js';
import { useBridge } from '../../bridge.js';
import { Dialog } from '../../components/dialog.js';
import { DocumentView } from '../../components/document-view.js';
import { useFormat } from '../../components/format.js';

/** The receipt of a sale, right after payment or from the history: view, print, save as PDF. */
export function ReceiptDialog({ sale, onClose, title }: { sale: BridgeSale; onClose: () => void; title?: string }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  return (
    <Dialog title={title ?? t('ui.receipt.title', { number: sale.number })} onClose={onClose} testId="receipt-dialog" wide>
      <p className="sale-done" data-testid="sale-number">
        {sale.number}
      </p>
      <DocumentView
        testId="receipt"
        load={() => bridge.call('receipts.sale', { saleId: sale.id, format: 'html' })}
        loadPdf={() => bridge.call('receipts.sale', { saleId: sale.id, format: 'pdf' })}
        fallback={<SaleSummary sale={sale} />}
      />
      <div className="actions">
        <button type="button" className="secondary big" onClick={onClose} data-testid="receipt-close">
          {t('ui.receipt.next')}
        </button>
      </div>
    </Dialog>
  );
}

/** The sale as the screen knows it, when core cannot give its receipt. */
export function SaleSummary({ sale }: { sale: BridgeSale }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div className="sale-summary" data-testid="sale-summary">
      <p>
        {sale.number} — {format.date(sale.createdAt)}
      </p>
      <table>
        <tbody>
          {sale.lines.map((line, i) => (
            <tr key={i}>
              <td>{line.name}</td>
              <td className="num">{format.quantity(line.quantityMilli)}</td>
              <td className="num">{format.money(line.totalMinor)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {t('ui.sale.total')} : <strong>{format.money(sale.totalMinor)}</strong> · {t('ui.sale.vat')} : {format.money(sale.vatMinor)}
      </p>
      <ul>
        {sale.tenders.map((tender, i) => (
          <li key={i}>
            {t(`ui.tender.${tender.method}`)} : {format.money(tender.amountMinor)}
            {tender.changeMinor ? ` (${t('ui.payment.change')} ${format.money(tender.changeMinor)})` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}
