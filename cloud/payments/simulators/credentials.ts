/**
 * The credentials the simulators accept when nobody configures others. They open nothing real:
 * simulator mode is for development and tests, and `loadPaymentConfig` says loudly when it is on.
 */
export const SIMULATOR_CREDENTIALS = {
  stripe: { secretKey: 'sk_test_afrigest_simulator', webhookSecret: 'whsec_afrigest_simulator' },
  paypal: { clientId: 'afrigest-simulator-client', clientSecret: 'afrigest-simulator-secret', webhookId: 'WH-AFRIGEST-SIMULATOR' },
  mtnMomo: { subscriptionKey: 'afrigest-simulator-subscription', userId: '4f0b5a8e-3b8e-4c1e-9f7a-2d6a1c0e5b11', apiKey: 'afrigest-simulator-api-key' },
  orangeMoney: { authorization: 'Basic YWZyaWdlc3Qtc2ltdWxhdG9yOnNlY3JldA==', merchantKey: 'afrigest-simulator-merchant' },
} as const;

/** Default ports of `npm run`-style standalone simulators: one server per provider, as each SDK fixes its paths. */
export const DEFAULT_SIMULATOR_PORT = 4010;
