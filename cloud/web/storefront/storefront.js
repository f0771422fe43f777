// The public storefront: a plain page over the public API (catalogue, orders, their payment
// status). No framework and no build step: it must load fast on a phone over a weak connection.

const STRINGS = {
  fr: {
    loading: 'Chargement…', search: 'Rechercher un produit', add: 'Ajouter', cart: 'Panier', empty: 'Votre panier est vide.',
    total: 'Total', name: 'Nom complet', phone: 'Téléphone', email: 'E-mail (facultatif)', pay: 'Commander et payer',
    method: 'Moyen de paiement', card: 'Carte bancaire', paypal: 'PayPal', mtn: 'MTN Mobile Money', orange: 'Orange Money',
    order: 'Commande', status: 'Statut du paiement', back: 'Retour à la boutique', remove: 'Retirer',
    paid: 'Payée', pending: 'En attente de paiement', failed: 'Paiement refusé', expired: 'Paiement expiré', refunded: 'Remboursée',
    review: 'Paiement en vérification', unpaid: 'Non payée',
    mtnHint: 'Confirmez le paiement sur votre téléphone MTN : composez votre code secret quand la demande apparaît.',
    paypalNote: 'PayPal ne prend pas le franc guinéen : vous paierez {{charged}} (taux {{rate}}).',
    sending: 'Envoi de la commande…', retry: 'Réessayer', unknownError: 'Une erreur est survenue. Réessayez.',
    inStock: 'En stock : {{n}}', outOfStock: 'Épuisé', fulfilment: 'Préparation',
    f_new: 'Reçue', f_preparing: 'En préparation', f_ready: 'Prête à retirer', f_picked_up: 'Retirée', f_delivered: 'Livrée', f_cancelled: 'Annulée',
  },
  en: {
    loading: 'Loading…', search: 'Search for a product', add: 'Add', cart: 'Cart', empty: 'Your cart is empty.',
    total: 'Total', name: 'Full name', phone: 'Phone', email: 'Email (optional)', pay: 'Order and pay',
    method: 'Payment method', card: 'Card', paypal: 'PayPal', mtn: 'MTN Mobile Money', orange: 'Orange Money',
    order: 'Order', status: 'Payment status', back: 'Back to the shop', remove: 'Remove',
    paid: 'Paid', pending: 'Awaiting payment', failed: 'Payment declined', expired: 'Payment expired', refunded: 'Refunded',
    review: 'Payment under review', unpaid: 'Unpaid',
    mtnHint: 'Confirm the payment on your MTN phone: enter your PIN when the request appears.',
    paypalNote: 'PayPal does not take Guinean francs: you will pay {{charged}} (rate {{rate}}).',
    sending: 'Sending the order…', retry: 'Try again', unknownError: 'Something went wrong. Please try again.',
    inStock: 'In stock: {{n}}', outOfStock: 'Sold out', fulfilment: 'Preparation',
    f_new: 'Received', f_preparing: 'Being prepared', f_ready: 'Ready for pickup', f_picked_up: 'Picked up', f_delivered: 'Delivered', f_cancelled: 'Cancelled',
  },
};

let lang = localStorage.getItem('afrigest.lang') === 'en' ? 'en' : 'fr';
const t = (key, params = {}) => STRINGS[lang][key].replace(/\{\{(\w+)\}\}/g, (_, k) => String(params[k] ?? ''));

const [, , code, section, orderId] = location.pathname.split('/');
const app = document.getElementById('app');
const cart = new Map(JSON.parse(sessionStorage.getItem(`cart.${code}`) ?? '[]'));
let shop = null;

function money(minor, currency) {
  // GNF and XOF have no minor unit: whole francs, never decimals.
  const digits = currency === 'GNF' || currency === 'XOF' ? 0 : 2;
  const amount = digits === 0 ? minor : minor / 100;
  return `${new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amount)} ${currency}`;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== false) node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { 'accept-language': lang, ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.error?.message ?? t('unknownError'));
  return body;
}

function saveCart() {
  sessionStorage.setItem(`cart.${code}`, JSON.stringify([...cart]));
}

function renderCatalogue(products) {
  // The stock shown is the fulfilment boutique's, less what unpaid orders hold: the cart never
  // asks for more (the API refuses it anyway, with a message in the customer's language).
  const list = el('div', { class: 'products' }, products.map((p) => {
    const inCart = cart.get(p.id)?.quantity ?? 0;
    return el('div', { class: 'card', 'data-testid': 'product', 'data-available': p.available },
      el('h3', {}, p.name),
      el('div', { class: 'price' }, money(p.priceMinor, shop.currency)),
      el('div', { class: p.available > 0 ? 'stock' : 'stock out', 'data-testid': 'stock' }, p.available > 0 ? t('inStock', { n: p.available }) : t('outOfStock')),
      el('button', { type: 'button', class: 'primary', 'data-testid': 'add', disabled: inCart >= p.available, onclick: () => { cart.set(p.id, { ...p, quantity: inCart + 1 }); saveCart(); render(); } }, t('add')),
    );
  }));
  const search = el('input', { type: 'search', placeholder: t('search'), 'aria-label': t('search'), value: new URLSearchParams(location.search).get('q') ?? '' });
  search.addEventListener('change', () => { history.replaceState(null, '', `?q=${encodeURIComponent(search.value)}`); render(); });
  return el('section', {}, search, el('p'), list);
}

function renderCart() {
  const lines = [...cart.values()];
  const total = lines.reduce((sum, l) => sum + l.priceMinor * l.quantity, 0);
  const error = el('p', { class: 'error', hidden: true, role: 'alert' });
  const pendingKey = sessionStorage.getItem(`order-key.${code}`);
  const form = el('form', { 'data-testid': 'checkout' },
    el('label', { for: 'name' }, t('name')), el('input', { id: 'name', name: 'name', required: true, autocomplete: 'name' }),
    el('label', { for: 'phone' }, t('phone')), el('input', { id: 'phone', name: 'phone', required: true, inputmode: 'tel', autocomplete: 'tel' }),
    el('label', { for: 'email' }, t('email')), el('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'email' }),
    el('fieldset', {}, el('legend', {}, t('method')),
      [['mtn-momo', 'mtn'], ['orange-money', 'orange'], ['stripe', 'card'], ['paypal', 'paypal']].map(([value, key], i) =>
        el('label', {}, el('input', { type: 'radio', name: 'provider', value, checked: i === 0, style: 'width:auto' }), ` ${t(key)}`)),
    ),
    error,
    el('button', { type: 'submit', class: 'primary', disabled: lines.length === 0 }, t('pay')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    button.textContent = t('sending');
    error.hidden = true;
    // One key per attempt, kept until it succeeds: a double click or a retry after a lost answer is the same order.
    const key = pendingKey ?? crypto.randomUUID();
    sessionStorage.setItem(`order-key.${code}`, key);
    try {
      const result = await api(`/api/tenants/${shop.tenantId}/ecommerce/orders`, {
        method: 'POST',
        headers: { 'idempotency-key': key },
        body: JSON.stringify({
          customer: { name: data.get('name'), phone: data.get('phone'), ...(data.get('email') ? { email: data.get('email') } : {}) },
          lines: lines.map((l) => ({ productId: l.id, quantity: l.quantity })),
          provider: data.get('provider'),
          returnUrl: `${location.origin}/boutique/${code}/commande/{orderId}`,
        }),
      });
      sessionStorage.removeItem(`order-key.${code}`);
      cart.clear();
      saveCart();
      const orderPage = `/boutique/${code}/commande/${result.order.orderId}`;
      location.assign(result.payment.redirectUrl ?? orderPage);
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
      button.disabled = false;
      button.textContent = t('retry');
    }
  });
  return el('aside', { 'data-testid': 'cart' },
    el('h2', {}, t('cart')),
    lines.length === 0 ? el('p', {}, t('empty')) : el('table', {}, lines.map((l) => el('tr', {},
      el('td', {}, `${l.quantity} × ${l.name}`),
      el('td', { class: 'amount' }, money(l.priceMinor * l.quantity, shop.currency)),
      el('td', {}, el('button', { type: 'button', 'aria-label': t('remove'), onclick: () => { cart.delete(l.id); saveCart(); render(); } }, '×')),
    ))),
    el('p', { class: 'price', 'data-testid': 'cart-total' }, `${t('total')} : ${money(total, shop.currency)}`),
    form,
  );
}

async function renderOrder() {
  const { order } = await api(`/api/tenants/${shop.tenantId}/ecommerce/orders/${orderId}`);
  const status = el('p', { class: 'status', 'data-testid': 'payment-status', 'data-status': order.paymentStatus }, t(order.paymentStatus) ?? order.paymentStatus);
  app.replaceChildren(el('section', { class: 'order' },
    el('h2', {}, `${t('order')} ${order.number}`),
    el('table', {}, order.lines.map((l) => el('tr', {}, el('td', {}, `${l.quantity} × ${l.name}`), el('td', { class: 'amount' }, money(l.totalMinor, order.currency))))),
    el('p', { class: 'price' }, `${t('total')} : ${money(order.totalMinor, order.currency)}`),
    el('p', {}, t('status')), status,
    order.paymentStatus === 'pending' ? el('p', {}, t('mtnHint')) : '',
    el('p', {}, t('fulfilment')),
    el('p', { class: 'status', 'data-testid': 'fulfilment-status', 'data-status': order.fulfilmentStatus }, t(`f_${order.fulfilmentStatus}`)),
    el('p', {}, el('a', { href: `/boutique/${code}` }, t('back'))),
  ));
  // Follow the payment until it settles (the provider's confirmation may take a minute), then the
  // preparation until the order is handed over, less often.
  const settled = ['picked_up', 'delivered', 'cancelled'].includes(order.fulfilmentStatus);
  if (order.paymentStatus === 'pending') setTimeout(() => void renderOrder().catch(showError), 1500);
  else if (!settled && order.paymentStatus === 'paid') setTimeout(() => void renderOrder().catch(showError), 5000);
}

async function render() {
  document.getElementById('lang').textContent = lang === 'fr' ? 'English' : 'Français';
  document.documentElement.lang = lang;
  shop ??= await api(`/api/storefront/${encodeURIComponent(code)}`);
  document.getElementById('shop-name').textContent = shop.name;
  document.title = shop.name;
  if (section === 'commande' && orderId) return renderOrder();
  const q = new URLSearchParams(location.search).get('q');
  const { products } = q ? await api(`/api/storefront/${encodeURIComponent(code)}?q=${encodeURIComponent(q)}`) : shop;
  app.replaceChildren(el('div', { class: 'layout' }, renderCatalogue(products), renderCart()));
}

function showError(error) {
  app.replaceChildren(el('p', { class: 'error', role: 'alert' }, error.message));
}

document.getElementById('lang').addEventListener('click', () => {
  lang = lang === 'fr' ? 'en' : 'fr';
  localStorage.setItem('afrigest.lang', lang);
  void render().catch(showError);
});

render().catch(showError);
