import type { Migration } from '../migrate.js';

/** The role the API uses for tenant data: no superuser, no BYPASSRLS, so row-level security holds. */
export const APP_ROLE = 'afrigest_app';

/**
 * Creates the API role where it does not exist yet. Roles are cluster-wide: several databases
 * (tests, tenants on one cluster) share it, and an owner without CREATEROLE (production, see
 * cloud/deploy/database-roles.sql) finds it made by the operator. Creating it twice at once is
 * not an error either.
 */
export function ensureAppRoleSql(): string {
  return ensureRoleSql(APP_ROLE, 'NOLOGIN NOBYPASSRLS');
}

/** A role created only where it does not exist yet, without error if another session makes it too. */
export function ensureRoleSql(name: string, options: string): string {
  return `DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${name}') THEN CREATE ROLE ${name} ${options}; END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;`;
}

/** The API role's rights on the rows of every table of the schema, now and to come. */
export function appRoleGrantsSql(): string {
  return `
    GRANT USAGE ON SCHEMA public TO ${APP_ROLE};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${APP_ROLE};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${APP_ROLE};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${APP_ROLE};
  `;
}

/** Replicated collections stored as documents (users and boutiques are relational, see 0001). */
export const DOCUMENT_TABLES = [
  'products',
  'categories',
  'settings',
  'sales',
  'returns',
  'stock_movements',
  'cash_session_events',
  'customers',
] as const;
export type DocumentTable = (typeof DOCUMENT_TABLES)[number];

/** Every tenant table gets the same policy: rows of the tenant set for the transaction, and no other. */
export function tenantIsolation(table: string): string {
  return `
    ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
    ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
    CREATE POLICY ${table}_tenant_isolation ON ${table}
      USING (tenant_id = current_setting('app.tenant_id', true))
      WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
  `;
}

/**
 * A replicated collection's table: the document as the tills know it (jsonb), the columns the
 * cloud filters on, and `seq`, the tenant's change sequence assigned in commit order (see
 * sync/server/store.ts), which sync pulls by.
 */
function documentTable(table: string): string {
  return `
    CREATE TABLE ${table} (
      tenant_id text NOT NULL,
      id text NOT NULL,
      boutique_id text,
      seq bigint NOT NULL,
      deleted boolean NOT NULL DEFAULT false,
      doc jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX ${table}_seq ON ${table} (tenant_id, seq);
    CREATE INDEX ${table}_boutique ON ${table} (tenant_id, boutique_id, seq);
  `;
}

export const tenantMigrations: Migration[] = [
  {
    name: '0001_accounts',
    up: async (db) => {
      // Roles are cluster-wide: several databases (tests, tenants on one cluster) share this one.
      await db.query(ensureAppRoleSql());
      await db.query(`
        CREATE TABLE boutiques (
          tenant_id text NOT NULL,
          id text NOT NULL,
          code text NOT NULL CHECK (code ~ '^[A-Z0-9]{2,8}$'),
          name text NOT NULL,
          address text NOT NULL DEFAULT '',
          phone text NOT NULL DEFAULT '',
          tax_id text NOT NULL DEFAULT '',
          time_zone text NOT NULL DEFAULT 'Africa/Conakry',
          currency text NOT NULL DEFAULT 'GNF',
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (tenant_id, id),
          UNIQUE (tenant_id, code)
        );
        CREATE TABLE users (
          tenant_id text NOT NULL,
          id text NOT NULL,
          email text NOT NULL,
          name text NOT NULL,
          phone text NOT NULL DEFAULT '',
          role text NOT NULL CHECK (role IN ('pdg', 'dg', 'employee')),
          boutique_ids text[] NOT NULL DEFAULT '{}',
          password_hash text,
          must_change_password boolean NOT NULL DEFAULT false,
          active boolean NOT NULL DEFAULT true,
          anonymised_at timestamptz,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (tenant_id, id)
        );
        CREATE UNIQUE INDEX users_email ON users (tenant_id, lower(email));
        CREATE TABLE devices (
          tenant_id text NOT NULL,
          id text NOT NULL,
          boutique_id text NOT NULL,
          code text NOT NULL,
          name text NOT NULL,
          credential_hash text NOT NULL,
          enrolled_by text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          revoked_at timestamptz,
          revoked_by text,
          last_seen_at timestamptz,
          PRIMARY KEY (tenant_id, id),
          FOREIGN KEY (tenant_id, boutique_id) REFERENCES boutiques (tenant_id, id)
        );
        CREATE TABLE enrolment_codes (
          tenant_id text NOT NULL,
          code_hash text NOT NULL,
          boutique_id text NOT NULL,
          device_name text NOT NULL,
          created_by text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          expires_at timestamptz NOT NULL,
          used_at timestamptz,
          device_id text,
          PRIMARY KEY (tenant_id, code_hash),
          FOREIGN KEY (tenant_id, boutique_id) REFERENCES boutiques (tenant_id, id)
        );
        CREATE TABLE audit_log (
          tenant_id text NOT NULL,
          id bigserial PRIMARY KEY,
          at timestamptz NOT NULL DEFAULT now(),
          actor_id text,
          actor_role text,
          action text NOT NULL,
          target text,
          ip text,
          request_id text,
          details jsonb
        );
        CREATE INDEX audit_log_tenant_at ON audit_log (tenant_id, at DESC);
      `);
      for (const table of ['boutiques', 'users', 'devices', 'enrolment_codes', 'audit_log']) {
        await db.query(tenantIsolation(table));
      }
      await db.query(appRoleGrantsSql());
    },
  },
  {
    name: '0002_documents',
    up: async (db) => {
      await db.query(`
        CREATE TABLE tenant_sequences (
          tenant_id text PRIMARY KEY,
          value bigint NOT NULL DEFAULT 0
        );
      `);
      for (const table of DOCUMENT_TABLES) await db.query(documentTable(table));
      await db.query(`
        CREATE UNIQUE INDEX products_barcode ON products (tenant_id, (doc->>'barcode')) WHERE NOT deleted;
        CREATE INDEX sales_created ON sales (tenant_id, boutique_id, (doc->>'createdAt'));
        CREATE INDEX stock_movements_product ON stock_movements (tenant_id, boutique_id, (doc->>'productId'));
        -- Stock on hand is the sum of movements; this total is kept in the same transaction as them.
        CREATE TABLE stock_levels (
          tenant_id text NOT NULL,
          boutique_id text NOT NULL,
          product_id text NOT NULL,
          quantity_milli bigint NOT NULL DEFAULT 0,
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (tenant_id, boutique_id, product_id)
        );
      `);
      for (const table of ['tenant_sequences', ...DOCUMENT_TABLES, 'stock_levels']) await db.query(tenantIsolation(table));
      await db.query(`
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${APP_ROLE};
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE};
      `);
    },
  },
  {
    name: '0003_sync_rejections',
    up: async (db) => {
      // Documents a till pushed that the cloud refused: kept with the reason, for the manager to see.
      await db.query(`
        CREATE TABLE sync_rejections (
          tenant_id text NOT NULL,
          id bigserial PRIMARY KEY,
          device_id text NOT NULL,
          collection text NOT NULL,
          document_id text,
          reason text NOT NULL,
          document jsonb,
          at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX sync_rejections_tenant ON sync_rejections (tenant_id, at DESC);
      `);
      await db.query(tenantIsolation('sync_rejections'));
      await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON sync_rejections TO ${APP_ROLE}; GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE};`);
    },
  },
  {
    name: '0004_till_users',
    up: async (db) => {
      await db.query(documentTable('till_users'));
      await db.query(tenantIsolation('till_users'));
      await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON till_users TO ${APP_ROLE};`);
    },
  },
  {
    name: '0005_payments',
    up: async (db) => {
      // Storefront orders, payments (one per attempt to pay an order or a counter tender) and the
      // provider events that move them. Events are stored once per provider event id and applied
      // by a job (status `queued` until then), so a callback is answered at once and never lost.
      await db.query(`
        CREATE TABLE orders (
          tenant_id text NOT NULL,
          id uuid NOT NULL,
          number text NOT NULL,
          boutique_id text,
          customer jsonb NOT NULL,
          lines jsonb NOT NULL,
          total_minor bigint NOT NULL,
          currency text NOT NULL,
          payment_status text NOT NULL DEFAULT 'unpaid',
          payment_id uuid,
          idempotency_key text NOT NULL,
          request_hash text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (tenant_id, id),
          UNIQUE (tenant_id, number),
          UNIQUE (tenant_id, idempotency_key)
        );
        -- Order numbers: gaps are harmless, a shared sequence needs no lock between tenants.
        CREATE SEQUENCE order_numbers;
        CREATE TABLE payments (
          tenant_id text NOT NULL,
          id uuid NOT NULL,
          provider text NOT NULL,
          purpose text NOT NULL CHECK (purpose IN ('order', 'pos')),
          order_id uuid,
          device_id text,
          amount_minor bigint NOT NULL CHECK (amount_minor > 0),
          currency text NOT NULL,
          charged jsonb,
          status text NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'succeeded', 'failed', 'expired', 'refunded', 'review')),
          status_reason text,
          provider_reference text,
          notif_token text,
          secrets jsonb,
          redirect_url text,
          transaction_id text,
          idempotency_key text NOT NULL,
          request_hash text NOT NULL,
          expires_at timestamptz NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (tenant_id, id),
          UNIQUE (tenant_id, idempotency_key)
        );
        CREATE INDEX payments_reference ON payments (tenant_id, provider, provider_reference);
        CREATE INDEX payments_notif_token ON payments (tenant_id, notif_token) WHERE notif_token IS NOT NULL;
        CREATE INDEX payments_pending ON payments (tenant_id, updated_at) WHERE status = 'pending';
        CREATE TABLE payment_events (
          tenant_id text NOT NULL,
          id uuid NOT NULL,
          provider text NOT NULL,
          provider_event_id text NOT NULL,
          payment_id uuid,
          event jsonb NOT NULL,
          state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'applied', 'ignored', 'failed')),
          outcome text,
          attempts integer NOT NULL DEFAULT 0,
          next_attempt_at timestamptz NOT NULL DEFAULT now(),
          received_at timestamptz NOT NULL DEFAULT now(),
          applied_at timestamptz,
          PRIMARY KEY (tenant_id, id),
          UNIQUE (tenant_id, provider, provider_event_id)
        );
        CREATE INDEX payment_events_due ON payment_events (tenant_id, next_attempt_at) WHERE state = 'queued';
      `);
      for (const table of ['orders', 'payments', 'payment_events']) {
        await db.query(tenantIsolation(table));
        await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${APP_ROLE};`);
      }
      await db.query(`GRANT USAGE ON SEQUENCE order_numbers TO ${APP_ROLE};`);
    },
  },
  {
    name: '0006_payment_claims',
    up: async (db) => {
      // Which synced sale claimed each counter payment (one sale per payment), and the claims that
      // do not hold: an unknown payment, another till's, one not succeeded, another amount, or a
      // payment already claimed by another sale. The sale is kept (it happened at the counter);
      // the anomaly is for a manager to look at.
      await db.query(`
        CREATE TABLE payment_claims (
          tenant_id text NOT NULL,
          payment_id text NOT NULL,
          sale_id text NOT NULL,
          device_id text NOT NULL,
          claimed_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (tenant_id, payment_id)
        );
        CREATE TABLE payment_anomalies (
          tenant_id text NOT NULL,
          id bigserial PRIMARY KEY,
          sale_id text NOT NULL,
          payment_id text NOT NULL,
          device_id text NOT NULL,
          reason text NOT NULL CHECK (reason IN ('unknown', 'other_device', 'not_succeeded', 'amount', 'claimed_twice')),
          at timestamptz NOT NULL DEFAULT now(),
          UNIQUE (tenant_id, sale_id, payment_id, reason)
        );
        CREATE INDEX payment_anomalies_tenant ON payment_anomalies (tenant_id, id DESC);
      `);
      for (const table of ['payment_claims', 'payment_anomalies']) {
        await db.query(tenantIsolation(table));
        await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${APP_ROLE};`);
      }
      await db.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE};`);
    },
  },
  {
    // The tills' view of the boutiques (replicated as `boutiques`), written with every boutique
    // change and at every enrolment (so tenants older than this table fill it as tills enrol).
    name: '0007_till_boutiques',
    up: async (db) => {
      await db.query(documentTable('till_boutiques'));
      await db.query(tenantIsolation('till_boutiques'));
      await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON till_boutiques TO ${APP_ROLE};`);
    },
  },
  {
    // Two tills enrolled at the same moment could get the same code (count + 1 with no lock), and
    // print the same receipt numbers. Later duplicates get the boutique's next free codes (their
    // tills keep the code they were given until enrolled again), then the database forbids it.
    name: '0008_unique_till_codes',
    up: async (db) => {
      await db.query(`
        ALTER TABLE devices NO FORCE ROW LEVEL SECURITY;
        WITH ranked AS (
          SELECT tenant_id, id, boutique_id, created_at,
            row_number() OVER (PARTITION BY tenant_id, boutique_id, code ORDER BY created_at, id) AS copy
          FROM devices
        ), highest AS (
          SELECT tenant_id, boutique_id, max(CASE WHEN code ~ '^C[0-9]{1,6}$' THEN substring(code FROM 2)::int ELSE 0 END) AS n
          FROM devices GROUP BY tenant_id, boutique_id
        ), recoded AS (
          SELECT r.tenant_id, r.id,
            'C' || lpad((h.n + row_number() OVER (PARTITION BY r.tenant_id, r.boutique_id ORDER BY r.created_at, r.id))::text, 2, '0') AS code
          FROM ranked r JOIN highest h USING (tenant_id, boutique_id) WHERE r.copy > 1
        )
        UPDATE devices d SET code = recoded.code FROM recoded WHERE d.tenant_id = recoded.tenant_id AND d.id = recoded.id;
        ALTER TABLE devices FORCE ROW LEVEL SECURITY;
        CREATE UNIQUE INDEX devices_boutique_code ON devices (tenant_id, boutique_id, code);
      `);
    },
  },
  {
    // The back office lists 100,000 products by pages, filtered and sorted. The fields it filters
    // and sorts on are copied out of the document by PostgreSQL itself (generated columns: every
    // writer, the sync store included, keeps them right without knowing they exist), so the
    // indexes are on plain columns and a count reads an index, never 100,000 JSON documents.
    // Text sorts byte by byte (COLLATE "C"): the same order on every server and in PGlite, and the
    // order a page's cursor was taken in.
    name: '0009_catalogue_admin',
    up: async (db) => {
      await db.query(`
        ALTER TABLE products
          ADD COLUMN search_name text COLLATE "C" GENERATED ALWAYS AS (doc->>'searchName') STORED,
          ADD COLUMN barcode text COLLATE "C" GENERATED ALWAYS AS (doc->>'barcode') STORED,
          ADD COLUMN category_id text GENERATED ALWAYS AS (doc->>'categoryId') STORED,
          ADD COLUMN price_minor bigint GENERATED ALWAYS AS ((doc->>'priceMinor')::bigint) STORED,
          ADD COLUMN active boolean GENERATED ALWAYS AS ((doc->>'active')::boolean) STORED,
          ADD COLUMN doc_updated_at text COLLATE "C" GENERATED ALWAYS AS (doc->>'updatedAt') STORED;
        -- One index per sort of the list, the id breaking ties (a page starts where the last
        -- ended), carrying every filtered column: a page is found in the index alone, however many
        -- products the filters skip, and only its own documents are read from the table.
        CREATE INDEX products_by_name ON products (tenant_id, search_name, (id COLLATE "C"))
          INCLUDE (id, active, category_id, barcode) WHERE NOT deleted;
        CREATE INDEX products_by_barcode ON products (tenant_id, barcode, (id COLLATE "C"))
          INCLUDE (id, active, category_id, search_name) WHERE NOT deleted;
        CREATE INDEX products_by_price ON products (tenant_id, price_minor, (id COLLATE "C"))
          INCLUDE (id, active, category_id, search_name, barcode) WHERE NOT deleted;
        CREATE INDEX products_by_update ON products (tenant_id, doc_updated_at, (id COLLATE "C"))
          INCLUDE (id, active, category_id, search_name, barcode) WHERE NOT deleted;
        -- The list's total, counted from this index alone.
        CREATE INDEX products_filter ON products (tenant_id, active, category_id) INCLUDE (search_name, barcode) WHERE NOT deleted;
      `);
    },
  },
  {
    // What a product costs the company (weighted average of its receipts), in the currency's
    // minor units. The cloud's alone: margins are computed here, and a till never needs, nor
    // should show, what the shop paid. A column beside the synced document, so the sync's
    // upserts of the document leave it as it is.
    name: '0010_product_cost',
    up: async (db) => {
      await db.query(`ALTER TABLE products ADD COLUMN cost_minor bigint CHECK (cost_minor >= 0)`);
    },
  },
  {
    // Products get an SKU (the company's reference, the key of a CSV import), several barcodes,
    // a low-stock threshold and per-boutique prices, in the synced document (schema version 1).
    // Documents written before get the values a till's own migration gives them (shared/schema/
    // products.ts productV0ToV1): the SKU is the barcode, which was already unique. They keep their
    // change number: a till that migrates its copy holds what a pull would bring.
    //
    // Every barcode of a live product is unique in the company. An array's elements cannot carry a
    // unique index, so `product_barcodes` holds one row per code, kept by statement triggers on
    // products (any writer, the sync store included, keeps it right); its primary key is the
    // guarantee behind the service's checks (two managers saving one code at once: one gets 409).
    name: '0011_catalogue_fields',
    up: async (db) => {
      await db.query(`
        ALTER TABLE products NO FORCE ROW LEVEL SECURITY;
        UPDATE products SET doc = doc
          || jsonb_build_object('sku', coalesce(doc->'sku', doc->'barcode'))
          || jsonb_build_object('barcodes', coalesce(doc->'barcodes', jsonb_build_array(doc->'barcode')))
          || jsonb_build_object('lowStockMilli', coalesce(doc->'lowStockMilli', '0'::jsonb))
          || jsonb_build_object('boutiquePrices', coalesce(doc->'boutiquePrices', '[]'::jsonb))
        WHERE NOT (doc ? 'sku' AND doc ? 'barcodes' AND doc ? 'lowStockMilli' AND doc ? 'boutiquePrices');
        ALTER TABLE products FORCE ROW LEVEL SECURITY;

        ALTER TABLE products ADD COLUMN sku text COLLATE "C" GENERATED ALWAYS AS (doc->>'sku') STORED;
        CREATE UNIQUE INDEX products_sku ON products (tenant_id, sku) WHERE NOT deleted;

        CREATE TABLE product_barcodes (
          tenant_id text NOT NULL,
          barcode text COLLATE "C" NOT NULL,
          product_id text NOT NULL,
          PRIMARY KEY (tenant_id, barcode)
        );
        CREATE INDEX product_barcodes_product ON product_barcodes (tenant_id, product_id);
        ${tenantIsolation('product_barcodes')}
        ALTER TABLE product_barcodes NO FORCE ROW LEVEL SECURITY;
        INSERT INTO product_barcodes (tenant_id, barcode, product_id)
          SELECT p.tenant_id, code, p.id FROM products p, jsonb_array_elements_text(p.doc->'barcodes') AS code WHERE NOT p.deleted;
        ALTER TABLE product_barcodes FORCE ROW LEVEL SECURITY;

        -- Statement triggers with transition tables: one import batch of 5,000 products is one
        -- delete and one insert here, not 5,000 of each. On update, the codes of every product the
        -- statement touched go first, then the new ones come, so codes may move between products
        -- of one statement. They run as the caller: row-level security applies as to any write.
        CREATE FUNCTION product_barcodes_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO product_barcodes (tenant_id, barcode, product_id)
            SELECT n.tenant_id, code, n.id FROM new_rows n, jsonb_array_elements_text(n.doc->'barcodes') AS code WHERE NOT n.deleted;
          RETURN NULL;
        END $$;
        CREATE FUNCTION product_barcodes_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          -- No join of the old rows with the new: transition tables have no statistics, and a
          -- nested loop over two batches of 5,000 would cost minutes. Each side goes by index.
          DELETE FROM product_barcodes b USING old_rows o WHERE b.tenant_id = o.tenant_id AND b.product_id = o.id;
          INSERT INTO product_barcodes (tenant_id, barcode, product_id)
            SELECT n.tenant_id, code, n.id FROM new_rows n, jsonb_array_elements_text(n.doc->'barcodes') AS code WHERE NOT n.deleted;
          RETURN NULL;
        END $$;
        CREATE FUNCTION product_barcodes_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          DELETE FROM product_barcodes b USING old_rows o WHERE b.tenant_id = o.tenant_id AND b.product_id = o.id;
          RETURN NULL;
        END $$;
        CREATE TRIGGER products_barcodes_insert AFTER INSERT ON products
          REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION product_barcodes_after_insert();
        CREATE TRIGGER products_barcodes_update AFTER UPDATE ON products
          REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION product_barcodes_after_update();
        CREATE TRIGGER products_barcodes_delete AFTER DELETE ON products
          REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION product_barcodes_after_delete();
        GRANT SELECT, INSERT, UPDATE, DELETE ON product_barcodes TO ${APP_ROLE};
      `);
    },
  },
  {
    // The back office's stock: who made each adjustment (the movement itself is a synced fact a
    // till must accept, so its author is kept beside it, by the movement's id), and inventory
    // counts with their lines (expected quantities frozen when the sheet is made). The history of
    // a product is read newest first by its change number, on its own index.
    name: '0012_stock_counts',
    up: async (db) => {
      await db.query(`
        CREATE TABLE stock_adjustments (
          tenant_id text NOT NULL,
          id text NOT NULL,
          movement_id text NOT NULL,
          boutique_id text NOT NULL,
          product_id text NOT NULL,
          quantity_milli bigint NOT NULL,
          reason text NOT NULL,
          count_id text,
          author_id text NOT NULL,
          author_role text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (tenant_id, id),
          UNIQUE (tenant_id, movement_id)
        );
        CREATE TABLE stock_counts (
          tenant_id text NOT NULL,
          id text NOT NULL,
          boutique_id text NOT NULL,
          label text NOT NULL DEFAULT '',
          filter jsonb NOT NULL DEFAULT '{}',
          status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'applied', 'cancelled')),
          created_by text NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          closed_by text,
          closed_at timestamptz,
          PRIMARY KEY (tenant_id, id),
          FOREIGN KEY (tenant_id, boutique_id) REFERENCES boutiques (tenant_id, id)
        );
        CREATE INDEX stock_counts_by_boutique ON stock_counts (tenant_id, boutique_id, id);
        CREATE TABLE stock_count_lines (
          tenant_id text NOT NULL,
          count_id text NOT NULL,
          product_id text NOT NULL,
          -- The product's name as sorted when the sheet was made: the sheet keeps its order.
          search_name text COLLATE "C" NOT NULL,
          expected_milli bigint NOT NULL,
          counted_milli bigint,
          counted_by text,
          counted_at timestamptz,
          -- Stock on hand when the count was applied: the adjustment was counted minus this.
          on_hand_at_apply_milli bigint,
          PRIMARY KEY (tenant_id, count_id, product_id),
          FOREIGN KEY (tenant_id, count_id) REFERENCES stock_counts (tenant_id, id) ON DELETE CASCADE
        );
        CREATE INDEX stock_count_lines_sheet ON stock_count_lines (tenant_id, count_id, search_name, (product_id COLLATE "C"));
        CREATE INDEX stock_movements_history ON stock_movements (tenant_id, (doc->>'productId'), seq);
        -- The low-stock view starts from the few products that can be low: those with a threshold
        -- (the catalogue's lowStockMilli, in the document) and those with a negative stock.
        CREATE INDEX products_with_threshold ON products (tenant_id) INCLUDE (id)
          WHERE NOT deleted AND coalesce((doc->>'lowStockMilli')::bigint, 0) > 0;
        CREATE INDEX stock_levels_negative ON stock_levels (tenant_id, boutique_id) INCLUDE (product_id) WHERE quantity_milli < 0;
      `);
      for (const table of ['stock_adjustments', 'stock_counts', 'stock_count_lines']) await db.query(tenantIsolation(table));
      await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON stock_adjustments, stock_counts, stock_count_lines TO ${APP_ROLE};`);
    },
  },
  {
    // Suppliers and purchase orders (cloud/api/purchasing). An order's number is readable and
    // unique in the company (BC-000123), taken from a per-company counter whose row lock orders
    // two creations. A reception keeps what it received and what it did to the product's cost
    // (before → after), under the id its sender chose: sent twice, it is found and not redone.
    name: '0013_purchasing',
    up: async (db) => {
      await db.query(`
        CREATE TABLE suppliers (
          tenant_id text NOT NULL,
          id text NOT NULL,
          name text NOT NULL,
          contact text NOT NULL DEFAULT '',
          phone text NOT NULL DEFAULT '',
          email text NOT NULL DEFAULT '',
          address text NOT NULL DEFAULT '',
          notes text NOT NULL DEFAULT '',
          active boolean NOT NULL DEFAULT true,
          -- shared/text searchForm of the name (the list's order) and of every searchable field.
          sort_name text COLLATE "C" NOT NULL,
          search_text text COLLATE "C" NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (tenant_id, id)
        );
        CREATE INDEX suppliers_by_name ON suppliers (tenant_id, sort_name, (id COLLATE "C"));
        CREATE TABLE purchase_order_numbers (
          tenant_id text PRIMARY KEY,
          value bigint NOT NULL
        );
        CREATE TABLE purchase_orders (
          tenant_id text NOT NULL,
          id text NOT NULL,
          seq bigint NOT NULL,
          number text NOT NULL,
          supplier_id text NOT NULL,
          boutique_id text NOT NULL,
          status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'ordered', 'partly_received', 'received', 'cancelled')),
          notes text NOT NULL DEFAULT '',
          created_by text,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now(),
          ordered_at timestamptz,
          PRIMARY KEY (tenant_id, id),
          UNIQUE (tenant_id, number),
          UNIQUE (tenant_id, seq),
          FOREIGN KEY (tenant_id, supplier_id) REFERENCES suppliers (tenant_id, id),
          FOREIGN KEY (tenant_id, boutique_id) REFERENCES boutiques (tenant_id, id)
        );
        CREATE INDEX purchase_orders_by_status ON purchase_orders (tenant_id, status, seq DESC);
        CREATE INDEX purchase_orders_by_supplier ON purchase_orders (tenant_id, supplier_id, seq DESC);
        CREATE TABLE purchase_order_lines (
          tenant_id text NOT NULL,
          order_id text NOT NULL,
          id text NOT NULL,
          position int NOT NULL,
          product_id text NOT NULL,
          quantity_milli bigint NOT NULL CHECK (quantity_milli > 0),
          unit_cost_minor bigint NOT NULL CHECK (unit_cost_minor >= 0),
          received_milli bigint NOT NULL DEFAULT 0 CHECK (received_milli >= 0),
          PRIMARY KEY (tenant_id, order_id, id),
          FOREIGN KEY (tenant_id, order_id) REFERENCES purchase_orders (tenant_id, id) ON DELETE CASCADE,
          FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id)
        );
        CREATE TABLE purchase_receptions (
          tenant_id text NOT NULL,
          id text NOT NULL,
          order_id text NOT NULL,
          received_by text,
          received_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (tenant_id, id),
          FOREIGN KEY (tenant_id, order_id) REFERENCES purchase_orders (tenant_id, id)
        );
        CREATE INDEX purchase_receptions_by_order ON purchase_receptions (tenant_id, order_id, received_at);
        CREATE TABLE purchase_reception_lines (
          tenant_id text NOT NULL,
          reception_id text NOT NULL,
          line_id text NOT NULL,
          product_id text NOT NULL,
          quantity_milli bigint NOT NULL CHECK (quantity_milli > 0),
          unit_cost_minor bigint NOT NULL CHECK (unit_cost_minor >= 0),
          on_hand_before_milli bigint NOT NULL,
          cost_before_minor bigint,
          cost_after_minor bigint NOT NULL,
          movement_id text NOT NULL,
          PRIMARY KEY (tenant_id, reception_id, line_id),
          FOREIGN KEY (tenant_id, reception_id) REFERENCES purchase_receptions (tenant_id, id)
        );
      `);
      for (const table of ['suppliers', 'purchase_order_numbers', 'purchase_orders', 'purchase_order_lines', 'purchase_receptions', 'purchase_reception_lines']) {
        await db.query(tenantIsolation(table));
        await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${APP_ROLE};`);
      }
    },
  },
  {
    // Transfers between boutiques: the replicated document (the destination's tills pull it) and
    // the fields the back office filters and sorts on, generated from it as in 0009. The readable
    // numbers (TR-000012) come from one counter per company, taken in the creating transaction.
    name: '0014_transfers',
    up: async (db) => {
      await db.query(documentTable('transfers'));
      await db.query(`
        ALTER TABLE transfers
          ADD COLUMN status text GENERATED ALWAYS AS (doc->>'status') STORED,
          ADD COLUMN from_boutique_id text GENERATED ALWAYS AS (doc->>'fromBoutiqueId') STORED,
          ADD COLUMN to_boutique_id text GENERATED ALWAYS AS (doc->>'toBoutiqueId') STORED,
          ADD COLUMN created_at text COLLATE "C" GENERATED ALWAYS AS (doc->>'createdAt') STORED;
        CREATE INDEX transfers_by_date ON transfers (tenant_id, created_at DESC, (id COLLATE "C") DESC) INCLUDE (status, from_boutique_id, to_boutique_id);
        CREATE TABLE transfer_numbers (
          tenant_id text PRIMARY KEY,
          last bigint NOT NULL DEFAULT 0
        );
      `);
      for (const table of ['transfers', 'transfer_numbers']) await db.query(tenantIsolation(table));
      await db.query(appRoleGrantsSql());
    },
  },
  {
    // Online orders are prepared by one boutique, the company's choice (default: its first). An
    // unpaid order holds its quantities there until `hold_until`, so two customers cannot buy the
    // same last item; `stock_taken` says its sale movements were written (paid), `stock_returned`
    // that a cancellation gave them back (both exactly once, with ids derived from the order).
    name: '0015_online_orders',
    up: async (db) => {
      await db.query(`
        CREATE TABLE ecommerce_settings (
          tenant_id text PRIMARY KEY,
          fulfilment_boutique_id text NOT NULL,
          hold_minutes integer NOT NULL DEFAULT 30 CHECK (hold_minutes BETWEEN 5 AND 1440),
          updated_by text,
          updated_at timestamptz NOT NULL DEFAULT now(),
          FOREIGN KEY (tenant_id, fulfilment_boutique_id) REFERENCES boutiques (tenant_id, id)
        );
        ALTER TABLE orders
          ADD COLUMN fulfilment_status text NOT NULL DEFAULT 'new'
            CHECK (fulfilment_status IN ('new', 'preparing', 'ready', 'picked_up', 'delivered', 'cancelled')),
          ADD COLUMN fulfilment_updated_at timestamptz,
          ADD COLUMN hold_until timestamptz,
          ADD COLUMN stock_taken boolean NOT NULL DEFAULT false,
          ADD COLUMN stock_returned boolean NOT NULL DEFAULT false;
        CREATE INDEX orders_fulfilment ON orders (tenant_id, fulfilment_status, created_at DESC);
        CREATE INDEX orders_recent ON orders (tenant_id, created_at DESC);
        CREATE INDEX orders_holding ON orders (tenant_id, boutique_id, hold_until)
          WHERE payment_status IN ('unpaid', 'pending') AND fulfilment_status <> 'cancelled';
      `);
      await db.query(tenantIsolation('ecommerce_settings'));
      await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ecommerce_settings TO ${APP_ROLE};`);
    },
  },
];
