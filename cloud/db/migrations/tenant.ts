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
];
