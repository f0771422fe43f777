import { useTranslation } from 'react-i18next';
import type { ZReport } from '../../../../bridge/contract.js';
import { useBridge } from '../../bridge.js';
import { Dialog } from '../../components/dialog.js';
import { DocumentView } from '../../components/document-view.js';
import { useFormat } from '../../components/format.js';

/** The Z report of a closed session: the figures, then core's printable document. */
export function ZReportView({ report, canPrint, onClose }: { report: ZReport; canPrint: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const format = useFormat();
  const method = (m: string) => (['cash', 'mtn_momo', 'orange_money', 'card'].includes(m) ? t(`ui.tender.${m}`) : m);
  return (
    <Dialog title={t('ui.z.title')} onClose={onClose} testId="z-report" wide>
      <div className="z-figures no-print">
        <dl className="totals">
          <div>
            <dt>{t('ui.z.period')}</dt>
            <dd>
              {format.date(report.openedAt)} → {report.closedAt ? format.date(report.closedAt) : '—'}
            </dd>
          </div>
          <div>
            <dt>{t('ui.z.salesCount')}</dt>
            <dd data-testid="z-sales-count">{report.salesCount}</dd>
          </div>
          <div>
            <dt>{t('ui.z.salesTotal')}</dt>
            <dd data-testid="z-sales-total" data-minor={report.salesTotalMinor}>
              {format.money(report.salesTotalMinor)}
            </dd>
          </div>
          <div>
            <dt>{t('ui.z.refunds')}</dt>
            <dd data-testid="z-refunds" data-minor={report.refundsTotalMinor}>
              {format.money(report.refundsTotalMinor)}
            </dd>
          </div>
          {report.returnsCount !== undefined && (
            <div>
              <dt>{t('ui.z.returnsCount')}</dt>
              <dd data-testid="z-returns-count">{report.returnsCount}</dd>
            </div>
          )}
          {report.totals && (
            <>
              <div>
                <dt>{t('ui.z.gross')}</dt>
                <dd>{format.money(report.totals.grossMinor)}</dd>
              </div>
              <div>
                <dt>{t('ui.z.discounts')}</dt>
                <dd>{format.money(report.totals.discountMinor)}</dd>
              </div>
              <div>
                <dt>{t('ui.z.vat')}</dt>
                <dd>{format.money(report.totals.vatMinor)}</dd>
              </div>
              <div>
                <dt>{t('ui.z.net')}</dt>
                <dd>{format.money(report.totals.netMinor)}</dd>
              </div>
            </>
          )}
          <div>
            <dt>{t('ui.cash.floatLabel')}</dt>
            <dd data-testid="z-float">{format.money(report.floatMinor)}</dd>
          </div>
          <div>
            <dt>{t('ui.cash.cashIn')}</dt>
            <dd>{format.money(report.cashInMinor)}</dd>
          </div>
          <div>
            <dt>{t('ui.cash.cashOut')}</dt>
            <dd>{format.money(report.cashOutMinor)}</dd>
          </div>
        </dl>
        <table className="list" data-testid="z-methods">
          <thead>
            <tr>
              <th>{t('ui.z.method')}</th>
              <th className="num">{t('ui.z.expected')}</th>
              <th className="num">{t('ui.z.counted')}</th>
              <th className="num">{t('ui.z.difference')}</th>
            </tr>
          </thead>
          <tbody>
            {report.byMethod.map((row) => (
              <tr key={row.method} data-testid={`z-method-${row.method}`} data-expected={row.expectedMinor} data-counted={row.countedMinor} data-difference={row.differenceMinor}>
                <td>{method(row.method)}</td>
                <td className="num">{format.money(row.expectedMinor)}</td>
                <td className="num">{format.money(row.countedMinor)}</td>
                <td className={row.differenceMinor === 0 ? 'num' : 'num warn'}>{format.money(row.differenceMinor)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="amount-row big">
          <span>{t('ui.z.difference')}</span>
          <strong data-testid="z-difference" data-minor={report.differenceMinor}>
            {format.money(report.differenceMinor)}
          </strong>
        </p>
      </div>
      {canPrint && (
        <DocumentView
          testId="z-document"
          load={() => bridge.call('cash.zReportDocument', { sessionId: report.sessionId, format: 'html' })}
          loadPdf={() => bridge.call('cash.zReportDocument', { sessionId: report.sessionId, format: 'pdf' })}
        />
      )}
    </Dialog>
  );
}
