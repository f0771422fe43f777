import type { SimulatorUrls } from '../config.js';
import { startMtnMomoSimulator, type MtnMomoSimulator } from './mtn-momo-simulator.js';
import { startOrangeMoneySimulator, type OrangeMoneySimulator } from './orange-money-simulator.js';
import { startPaypalSimulator, type PaypalSimulator } from './paypal-simulator.js';
import { startStripeSimulator, type StripeSimulator } from './stripe-simulator.js';

export type PaymentSimulators = {
  urls: SimulatorUrls;
  stripe: StripeSimulator;
  paypal: PaypalSimulator;
  mtnMomo: MtnMomoSimulator;
  orangeMoney: OrangeMoneySimulator;
  /** The MTN payer's handset page for a number (approve or reject pending requests). */
  mtnPhonePageUrl(msisdn: string): string;
  /** Sends Stripe's and PayPal's webhooks to a tenant's routes on this API (MTN and Orange are told per payment). */
  sendWebhooksTo(apiUrl: string, tenantId: string): void;
  close(): Promise<void>;
};

export type PaymentSimulatorsOptions = {
  /** First of four consecutive ports; 0 or absent: each simulator on a free port of the system's choosing. */
  port?: number;
  /** Interface to listen on (127.0.0.1 unless told); the URLs name it. */
  host?: string;
};

/**
 * The four simulators, each a real HTTP server: on `port`, `port + 1`, `port + 2`, `port + 3` (the
 * addresses `loadPaymentConfig` expects in simulator mode, see `simulatorUrlsFor`), or on free
 * ports with `port: 0`. `urls` are the addresses they actually listen on.
 */
export async function startPaymentSimulators(options: PaymentSimulatorsOptions = {}): Promise<PaymentSimulators> {
  const where = (offset: number) => ({ ...(options.port ? { port: options.port + offset } : {}), ...(options.host ? { host: options.host } : {}) });
  const started = await Promise.allSettled([startStripeSimulator(where(0)), startPaypalSimulator(where(1)), startMtnMomoSimulator(where(2)), startOrangeMoneySimulator(where(3))] as const);
  const [stripeStart, paypalStart, mtnStart, orangeStart] = started;
  if (stripeStart.status === 'rejected' || paypalStart.status === 'rejected' || mtnStart.status === 'rejected' || orangeStart.status === 'rejected') {
    // One port taken: close the ones that did start, so nothing is left listening.
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
    throw started.find((s): s is PromiseRejectedResult => s.status === 'rejected')?.reason;
  }
  const [stripe, paypal, mtnMomo, orangeMoney] = [stripeStart.value, paypalStart.value, mtnStart.value, orangeStart.value];
  const urls: SimulatorUrls = { stripe: stripe.baseUrl, paypal: paypal.baseUrl, mtnMomo: mtnMomo.baseUrl, orangeMoney: orangeMoney.baseUrl };
  return {
    urls,
    stripe,
    paypal,
    mtnMomo,
    orangeMoney,
    mtnPhonePageUrl: (msisdn) => mtnMomo.phonePageUrl(msisdn),
    sendWebhooksTo(apiUrl, tenantId) {
      stripe.setWebhookUrl(`${apiUrl}/api/tenants/${tenantId}/ecommerce/webhooks/stripe`);
      paypal.setWebhookUrl(`${apiUrl}/api/tenants/${tenantId}/ecommerce/webhooks/paypal`);
    },
    async close() {
      await Promise.all([stripe.close(), paypal.close(), mtnMomo.close(), orangeMoney.close()]);
    },
  };
}
