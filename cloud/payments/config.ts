import type { MtnMomoConfig } from './mtn-momo.js';
import type { OrangeMoneyConfig } from './orange-money.js';
import type { PaypalConfig } from './paypal.js';
import { DEFAULT_SIMULATOR_PORT, SIMULATOR_CREDENTIALS } from './simulators/credentials.js';
import type { StripeAdapterConfig } from './stripe.js';

export type SimulatorUrls = { stripe: string; paypal: string; mtnMomo: string; orangeMoney: string };

type Simulated = { simulated: boolean };

export type PaymentConfig = {
  /** `simulator`: no provider keys at all; `mixed`: some providers live, the others simulated. */
  mode: 'live' | 'simulator' | 'mixed';
  /** One line for the start log; names variables, never their values. */
  notice: string;
  stripe: StripeAdapterConfig & Simulated;
  paypal: PaypalConfig & Simulated;
  mtnMomo: MtnMomoConfig & Simulated;
  orangeMoney: OrangeMoneyConfig & Simulated;
};

export class PaymentConfigError extends Error {}

type Env = Record<string, string | undefined>;

/** Default simulator URLs: the ports `startPaymentSimulators({ port })` uses (port, port+1, port+2, port+3). */
export function simulatorUrlsFor(port: number, host = '127.0.0.1'): SimulatorUrls {
  return {
    stripe: `http://${host}:${port}`,
    paypal: `http://${host}:${port + 1}`,
    mtnMomo: `http://${host}:${port + 2}`,
    orangeMoney: `http://${host}:${port + 3}`,
  };
}

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function requireAll(env: Env, provider: string, names: string[]): void {
  const missing = names.filter((name) => !value(env, name));
  if (missing.length > 0) throw new PaymentConfigError(`${provider} is half configured: set ${missing.join(', ')}`);
}

/** "GNF:0.000098,XOF:0.0015" → { GNF: '0.000098', XOF: '0.0015' }; rates stay text so they never become floats. */
export function parseRates(text: string | undefined): Record<string, string> {
  const rates: Record<string, string> = {};
  for (const part of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [currency, rate] = part.split(':').map((p) => p.trim());
    if (!currency || !rate || !/^\d+(\.\d+)?$/.test(rate)) throw new PaymentConfigError(`PAYPAL_RATES: "${part}" is not CURRENCY:rate`);
    rates[currency.toUpperCase()] = rate;
  }
  return rates;
}

/**
 * Reads the providers' settings. A provider whose keys are absent runs against its simulator
 * (base URL from `*_BASE_URL`, from `options.simulatorUrls`, or the default simulator port), so
 * `npm start` works with no account anywhere and says so in `notice`.
 */
export function loadPaymentConfig(env: Env = process.env, options: { simulatorUrls?: SimulatorUrls } = {}): PaymentConfig {
  const port = Number(value(env, 'PAYMENT_SIMULATOR_PORT') ?? DEFAULT_SIMULATOR_PORT);
  if (!Number.isInteger(port) || port <= 0 || port > 65532) throw new PaymentConfigError('PAYMENT_SIMULATOR_PORT must be a port number');
  const sims = options.simulatorUrls ?? simulatorUrlsFor(port);
  const simulated: string[] = [];
  const live: string[] = [];

  const stripeLive = Boolean(value(env, 'STRIPE_SECRET_KEY'));
  if (stripeLive) requireAll(env, 'Stripe', ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET']);
  const stripeBase = value(env, 'STRIPE_API_BASE_URL') ?? (stripeLive ? undefined : sims.stripe);
  const stripe: PaymentConfig['stripe'] = {
    simulated: !stripeLive,
    secretKey: value(env, 'STRIPE_SECRET_KEY') ?? SIMULATOR_CREDENTIALS.stripe.secretKey,
    webhookSecret: value(env, 'STRIPE_WEBHOOK_SECRET') ?? SIMULATOR_CREDENTIALS.stripe.webhookSecret,
    ...(stripeBase ? { apiBaseUrl: stripeBase } : {}),
    // The simulator serves its card page beside its API (a live Stripe has no such page: Stripe.js pays).
    ...(stripeLive ? {} : { hostedPageBaseUrl: `${stripeBase ?? sims.stripe}/checkout` }),
  };
  (stripeLive ? live : simulated).push('Stripe');

  const paypalLive = Boolean(value(env, 'PAYPAL_CLIENT_ID'));
  if (paypalLive) requireAll(env, 'PayPal', ['PAYPAL_CLIENT_ID', 'PAYPAL_CLIENT_SECRET', 'PAYPAL_WEBHOOK_ID']);
  const paypalEnv = value(env, 'PAYPAL_ENV') ?? 'sandbox';
  if (paypalEnv !== 'sandbox' && paypalEnv !== 'live') throw new PaymentConfigError('PAYPAL_ENV must be sandbox or live');
  const paypalBase = value(env, 'PAYPAL_API_BASE_URL') ?? (paypalLive ? undefined : sims.paypal);
  const paypal: PaymentConfig['paypal'] = {
    simulated: !paypalLive,
    clientId: value(env, 'PAYPAL_CLIENT_ID') ?? SIMULATOR_CREDENTIALS.paypal.clientId,
    clientSecret: value(env, 'PAYPAL_CLIENT_SECRET') ?? SIMULATOR_CREDENTIALS.paypal.clientSecret,
    webhookId: value(env, 'PAYPAL_WEBHOOK_ID') ?? SIMULATOR_CREDENTIALS.paypal.webhookId,
    environment: paypalEnv,
    ...(paypalBase ? { apiBaseUrl: paypalBase } : {}),
    chargeCurrency: (value(env, 'PAYPAL_CHARGE_CURRENCY') ?? 'EUR').toUpperCase(),
    // Illustrative defaults for simulator mode only; a live setup states its own rates.
    rates: parseRates(value(env, 'PAYPAL_RATES') ?? (paypalLive ? '' : 'GNF:0.000105,XOF:0.001524')),
  };
  (paypalLive ? live : simulated).push('PayPal');

  const mtnLive = Boolean(value(env, 'MTN_MOMO_API_KEY'));
  if (mtnLive) requireAll(env, 'MTN MoMo', ['MTN_MOMO_API_KEY', 'MTN_MOMO_USER_ID', 'MTN_MOMO_SUBSCRIPTION_KEY', 'MTN_MOMO_ENV']);
  const mtnEnv = value(env, 'MTN_MOMO_ENV') ?? 'sandbox';
  const mtnDefaultBase = mtnEnv === 'sandbox' ? 'https://sandbox.momodeveloper.mtn.com' : 'https://proxy.momoapi.mtn.com';
  const mtnCurrency = value(env, 'MTN_MOMO_CURRENCY') ?? (mtnLive && mtnEnv === 'sandbox' ? 'EUR' : undefined);
  const mtnMomo: PaymentConfig['mtnMomo'] = {
    simulated: !mtnLive,
    baseUrl: value(env, 'MTN_MOMO_BASE_URL') ?? (mtnLive ? mtnDefaultBase : sims.mtnMomo),
    subscriptionKey: value(env, 'MTN_MOMO_SUBSCRIPTION_KEY') ?? SIMULATOR_CREDENTIALS.mtnMomo.subscriptionKey,
    userId: value(env, 'MTN_MOMO_USER_ID') ?? SIMULATOR_CREDENTIALS.mtnMomo.userId,
    apiKey: value(env, 'MTN_MOMO_API_KEY') ?? SIMULATOR_CREDENTIALS.mtnMomo.apiKey,
    targetEnvironment: mtnEnv,
    ...(mtnCurrency ? { currencyOverride: mtnCurrency } : {}),
  };
  (mtnLive ? live : simulated).push('MTN MoMo');

  const orangeLive = Boolean(value(env, 'ORANGE_MOMO_API_KEY'));
  if (orangeLive) requireAll(env, 'Orange Money', ['ORANGE_MOMO_API_KEY', 'ORANGE_MOMO_MERCHANT_KEY', 'ORANGE_MOMO_ENV']);
  const orangeEnv = value(env, 'ORANGE_MOMO_ENV') ?? 'dev';
  const orangeCurrency = value(env, 'ORANGE_MOMO_CURRENCY') ?? (orangeLive && orangeEnv === 'dev' ? 'OUV' : undefined);
  const orangeMoney: PaymentConfig['orangeMoney'] = {
    simulated: !orangeLive,
    apiBaseUrl: value(env, 'ORANGE_MOMO_BASE_URL') ?? (orangeLive ? 'https://api.orange.com' : sims.orangeMoney),
    authorization: value(env, 'ORANGE_MOMO_API_KEY') ?? SIMULATOR_CREDENTIALS.orangeMoney.authorization,
    merchantKey: value(env, 'ORANGE_MOMO_MERCHANT_KEY') ?? SIMULATOR_CREDENTIALS.orangeMoney.merchantKey,
    env: orangeEnv,
    ...(orangeCurrency ? { currencyOverride: orangeCurrency } : {}),
  };
  (orangeLive ? live : simulated).push('Orange Money');

  const mode = live.length === 0 ? 'simulator' : simulated.length === 0 ? 'live' : 'mixed';
  const notice =
    mode === 'simulator'
      ? `Payments run in SIMULATOR mode: no provider keys are set (STRIPE_SECRET_KEY, PAYPAL_CLIENT_ID, MTN_MOMO_API_KEY, ORANGE_MOMO_API_KEY); no real money can move.`
      : mode === 'mixed'
        ? `Payments: live ${live.join(', ')}; SIMULATED ${simulated.join(', ')} (no keys set for them).`
        : `Payments: live ${live.join(', ')}.`;
  return { mode, notice, stripe, paypal, mtnMomo, orangeMoney };
}
