import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Orange Money's hosted payment page, for the customer to scan with their phone. */
export function PaymentQr({ url }: { url: string }) {
  const { t } = useTranslation();
  const [image, setImage] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(url, { margin: 1, width: 240, errorCorrectionLevel: 'M' }).then(
      (data) => live && setImage(data),
      () => live && setImage(null),
    );
    return () => {
      live = false;
    };
  }, [url]);
  return (
    <figure className="qr" data-testid="orange-qr" data-url={url}>
      {image ? <img src={image} alt={t('ui.payment.qrAlt')} width={240} height={240} /> : <div className="qr-placeholder" />}
      <figcaption>{t('ui.payment.qrHint')}</figcaption>
    </figure>
  );
}
