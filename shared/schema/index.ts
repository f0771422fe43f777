import { tillBoutiqueSchema } from './boutiques.js';
import { cashSessionEventSchema } from './cash-session-events.js';
import { categorySchema } from './categories.js';
import { customerSchema } from './customers.js';
import { productMigrationStrategies, productSchema } from './products.js';
import { returnSchema } from './returns.js';
import { saleSchema } from './sales.js';
import { settingsSchema } from './settings.js';
import { stockMovementSchema } from './stock-movements.js';
import { transferSchema } from './transfers.js';
import { tillUserSchema } from './users.js';

export type { TillBoutique } from './boutiques.js';
export type { CashSessionEvent } from './cash-session-events.js';
export type { Category } from './categories.js';
export type { Customer } from './customers.js';
export type { BoutiquePrice, Product } from './products.js';
export { PRODUCT_LIMITS, priceAtBoutique, productAtBoutique } from './products.js';
export type { Return } from './returns.js';
export type { Sale, SaleLine, Tender } from './sales.js';
export type { Settings } from './settings.js';
export type { StockMovement } from './stock-movements.js';
export type { Transfer, TransferLine, TransferStatus } from './transfers.js';
export type { OfflineVerifier, TillUser } from './users.js';

/** The till's collections, by the name the cloud's sync endpoints use. */
export const TILL_COLLECTIONS = {
  products: { schema: productSchema, migrationStrategies: productMigrationStrategies },
  categories: { schema: categorySchema },
  settings: { schema: settingsSchema },
  users: { schema: tillUserSchema },
  boutiques: { schema: tillBoutiqueSchema },
  sales: { schema: saleSchema },
  returns: { schema: returnSchema },
  stock_movements: { schema: stockMovementSchema },
  cash_session_events: { schema: cashSessionEventSchema },
  customers: { schema: customerSchema },
  transfers: { schema: transferSchema },
} as const;
