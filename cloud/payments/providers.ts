import { createCashProvider } from './cash.js';
import type { PaymentConfig } from './config.js';
import { createMtnMomoProvider } from './mtn-momo.js';
import { createOrangeMoneyProvider } from './orange-money.js';
import { createPaypalProvider } from './paypal.js';
import type { PaymentProvider, ProviderName } from './provider.js';
import { createStripeProvider } from './stripe.js';

export type PaymentProviders = Record<ProviderName, PaymentProvider>;

/** One adapter per provider from one configuration; the API holds this map and looks adapters up by name. */
export function createPaymentProviders(config: PaymentConfig): PaymentProviders {
  return {
    stripe: createStripeProvider(config.stripe),
    paypal: createPaypalProvider(config.paypal),
    'mtn-momo': createMtnMomoProvider(config.mtnMomo),
    'orange-money': createOrangeMoneyProvider(config.orangeMoney),
    cash: createCashProvider(),
  };
}
