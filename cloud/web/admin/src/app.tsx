import { useTranslation } from 'react-i18next';
import { BrowserRouter, Link, Navigate, Route, Routes } from 'react-router';
import { ChangePasswordScreen } from './features/password/change-password-screen.js';
import { OrderDetailScreen } from './features/orders/order-detail-screen.js';
import { OrdersScreen } from './features/orders/orders-screen.js';
import { CatalogueFileScreen } from './features/products/catalogue-file-screen.js';
import { ProductFormScreen } from './features/products/product-form-screen.js';
import { ProductsScreen } from './features/products/products-screen.js';
import { OrderFormScreen } from './features/purchasing/order-form-screen.js';
import { OrderScreen } from './features/purchasing/order-screen.js';
import { PurchaseOrdersScreen } from './features/purchasing/purchase-orders-screen.js';
import { ReceptionScreen } from './features/purchasing/reception-screen.js';
import { SupplierFormScreen } from './features/purchasing/supplier-form-screen.js';
import { SuppliersScreen } from './features/purchasing/suppliers-screen.js';
import { AdminShell } from './features/shell/admin-shell.js';
import { CountScreen } from './features/stock/count-screen.js';
import { CountsScreen } from './features/stock/counts-screen.js';
import { MovementsScreen } from './features/stock/movements-screen.js';
import { StockScreen } from './features/stock/stock-screen.js';
import { NoAccessScreen } from './features/shell/no-access-screen.js';
import { SignInScreen } from './features/sign-in/sign-in-screen.js';
import { TransferDetailScreen } from './features/transfers/transfer-detail-screen.js';
import { TransferFormScreen } from './features/transfers/transfer-form-screen.js';
import { TransfersScreen } from './features/transfers/transfers-screen.js';
import { mayUseBackOffice, menuFor } from './session/access.js';
import { useSession } from './session/session.js';

/** Served at /app/ by the API, at / when built alone with VITE_BASE=/. */
const BASENAME = import.meta.env.BASE_URL.replace(/\/$/, '') || '/';

/**
 * Who sees what, in order: nobody signed in → sign-in; a temporary password → its change and
 * nothing else; a cashier → why not; a manager → the screens the menu allows.
 */
export function App() {
  const { t } = useTranslation();
  const { state, restore } = useSession();
  if (state.status === 'restoring') {
    return (
      <main className="auth-page" aria-busy="true">
        <p className="muted">{t('ui.app.loading')}</p>
      </main>
    );
  }
  if (state.status === 'unreachable') {
    return (
      <main className="auth-page">
        <div className="card auth-card" role="alert" data-testid="unreachable">
          <p className="error">{state.message}</p>
          <button type="button" className="primary" onClick={restore}>
            {t('ui.app.reload')}
          </button>
        </div>
      </main>
    );
  }
  if (state.status === 'signed-out') return <SignInScreen />;
  if (state.user.mustChangePassword) return <ChangePasswordScreen />;
  if (!mayUseBackOffice(state.user.role)) return <NoAccessScreen />;
  const home = menuFor(state.user.role)[0]?.path ?? '/';
  return (
    <BrowserRouter basename={BASENAME}>
      <Routes>
        <Route element={<AdminShell />}>
          <Route index element={<Navigate to={home} replace />} />
          <Route path="produits" element={<ProductsScreen />} />
          <Route path="produits/nouveau" element={<ProductFormScreen />} />
          <Route path="produits/fichier" element={<CatalogueFileScreen />} />
          <Route path="produits/:productId" element={<ProductFormScreen />} />
          <Route path="commandes" element={<OrdersScreen />} />
          <Route path="commandes/:orderId" element={<OrderDetailScreen />} />
          <Route path="transferts" element={<TransfersScreen />} />
          <Route path="transferts/nouveau" element={<TransferFormScreen />} />
          <Route path="transferts/:transferId" element={<TransferDetailScreen />} />
          <Route path="transferts/:transferId/modifier" element={<TransferFormScreen />} />
          <Route path="fournisseurs" element={<SuppliersScreen />} />
          <Route path="fournisseurs/nouveau" element={<SupplierFormScreen />} />
          <Route path="fournisseurs/:supplierId" element={<SupplierFormScreen />} />
          <Route path="commandes-achat" element={<PurchaseOrdersScreen />} />
          <Route path="commandes-achat/nouvelle" element={<OrderFormScreen />} />
          <Route path="commandes-achat/:orderId" element={<OrderScreen />} />
          <Route path="commandes-achat/:orderId/modifier" element={<OrderFormScreen />} />
          <Route path="commandes-achat/:orderId/reception" element={<ReceptionScreen />} />
          <Route path="stock" element={<StockScreen />} />
          <Route path="stock/inventaires" element={<CountsScreen />} />
          <Route path="stock/inventaires/:countId" element={<CountScreen />} />
          <Route path="stock/produits/:productId" element={<MovementsScreen />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <div className="card" data-testid="not-found">
      <p>{t('ui.app.notFound')}</p>
      <Link to="/">{t('ui.app.backHome')}</Link>
    </div>
  );
}
