import GRDB

/// The schema as named, append-only migrations: a database made by any earlier version opens and
/// is brought forward. Never edit a migration that has shipped; add the next one.
enum LeadSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("2026-11-26 tenants and keys") { db in
            try db.execute(sql: """
                CREATE TABLE tenants (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL CHECK (length(name) > 0),
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY NOT NULL,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    role TEXT NOT NULL CHECK (role IN ('standard', 'admin', 'compliance')),
                    secret_hash TEXT NOT NULL UNIQUE CHECK (length(secret_hash) = 64),
                    display_prefix TEXT NOT NULL,
                    rate_limit_per_minute INTEGER NOT NULL CHECK (rate_limit_per_minute > 0),
                    created_at INTEGER NOT NULL,
                    revoked_at INTEGER,
                    -- Raised on every insert and revocation, so a running server fetches only changes.
                    change_seq INTEGER NOT NULL
                );
                CREATE INDEX api_keys_by_tenant ON api_keys(tenant_id);
                CREATE INDEX api_keys_by_change ON api_keys(change_seq);
                """)
        }

        migrator.registerMigration("2026-11-26 buyers and campaigns") { db in
            try db.execute(sql: """
                CREATE TABLE buyers (
                    id TEXT PRIMARY KEY NOT NULL,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    campaign_types TEXT NOT NULL,
                    states TEXT NOT NULL,
                    max_price_cents INTEGER NOT NULL CHECK (max_price_cents >= 0),
                    webhook_url TEXT,
                    webhook_secret TEXT,
                    bid_url TEXT,
                    bid_timeout_ms INTEGER NOT NULL CHECK (bid_timeout_ms > 0),
                    exclusivity TEXT NOT NULL CHECK (exclusivity IN ('shared', 'exclusive')),
                    zip_codes TEXT,
                    daily_cap INTEGER CHECK (daily_cap >= 0),
                    status TEXT NOT NULL CHECK (status IN ('active', 'paused')),
                    revision INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX buyers_by_tenant ON buyers(tenant_id, created_at);

                CREATE TABLE campaigns (
                    id TEXT PRIMARY KEY NOT NULL,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    campaign_type TEXT NOT NULL,
                    states TEXT NOT NULL,
                    budget_cents INTEGER NOT NULL CHECK (budget_cents >= 0),
                    max_leads_per_day INTEGER CHECK (max_leads_per_day >= 0),
                    delivery_webhook TEXT,
                    buyer_id TEXT REFERENCES buyers(id),
                    status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'archived')),
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX campaigns_by_tenant ON campaigns(tenant_id, created_at);

                -- One row per lead sold to a buyer: the fact that buyer and campaign metrics are
                -- computed from. The ping-post engine writes it in the same transaction as the charge.
                CREATE TABLE sales (
                    id TEXT PRIMARY KEY NOT NULL,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    buyer_id TEXT NOT NULL REFERENCES buyers(id),
                    campaign_id TEXT REFERENCES campaigns(id),
                    lead_id TEXT,
                    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
                    status TEXT NOT NULL CHECK (status IN ('delivered', 'accepted', 'returned')),
                    response_time_ms INTEGER CHECK (response_time_ms >= 0),
                    sold_at INTEGER NOT NULL
                );
                CREATE INDEX sales_by_buyer ON sales(tenant_id, buyer_id);
                CREATE INDEX sales_by_campaign ON sales(tenant_id, campaign_id);
                """)
        }

        migrator.registerMigration("2026-11-26 pings") { db in
            try db.execute(sql: """
                CREATE TABLE pings (
                    id TEXT PRIMARY KEY NOT NULL,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    campaign_type TEXT NOT NULL,
                    state TEXT NOT NULL,
                    zip_code TEXT NOT NULL,
                    source TEXT NOT NULL,
                    tmax_ms INTEGER NOT NULL,
                    floor_price_cents INTEGER NOT NULL CHECK (floor_price_cents >= 0),
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    outranked_static_buyers INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX pings_by_expiry ON pings(expires_at);
                CREATE INDEX pings_by_tenant ON pings(tenant_id, created_at);

                -- One row per buyer considered for a ping: its bid, or why it did not bid.
                CREATE TABLE ping_outcomes (
                    ping_id TEXT NOT NULL REFERENCES pings(id) ON DELETE CASCADE,
                    buyer_id TEXT NOT NULL,
                    buyer_name TEXT NOT NULL,
                    bid_rank INTEGER,
                    bid_cents INTEGER CHECK (bid_cents >= 0),
                    exclusivity TEXT CHECK (exclusivity IN ('shared', 'exclusive')),
                    bid_source TEXT CHECK (bid_source IN ('static', 'real_time')),
                    no_bid_reason TEXT,
                    detail TEXT,
                    response_ms INTEGER,
                    PRIMARY KEY (ping_id, buyer_id),
                    CHECK ((bid_cents IS NULL) <> (no_bid_reason IS NULL))
                );

                CREATE TABLE floor_prices (
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    campaign_type TEXT NOT NULL,
                    floor_price_cents INTEGER NOT NULL CHECK (floor_price_cents >= 0),
                    PRIMARY KEY (tenant_id, campaign_type)
                ) WITHOUT ROWID;
                """)
        }

        migrator.registerMigration("2026-11-26 posts") { db in
            try db.execute(sql: """
                ALTER TABLE sales ADD COLUMN ping_id TEXT REFERENCES pings(id);
                -- A ping's lead sells to each buyer at most once.
                CREATE UNIQUE INDEX sales_once_per_ping_buyer ON sales(ping_id, buyer_id) WHERE ping_id IS NOT NULL;

                CREATE TABLE leads (
                    id TEXT PRIMARY KEY NOT NULL,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    ping_id TEXT REFERENCES pings(id),
                    buyer_id TEXT REFERENCES buyers(id),
                    campaign_type TEXT NOT NULL,
                    source TEXT NOT NULL,
                    first_name TEXT NOT NULL,
                    last_name TEXT NOT NULL,
                    email TEXT NOT NULL,
                    phone TEXT NOT NULL,
                    state TEXT NOT NULL,
                    zip_code TEXT NOT NULL,
                    status TEXT NOT NULL,
                    sold_price_cents INTEGER CHECK (sold_price_cents >= 0),
                    consent_certificate_id TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX leads_by_tenant ON leads(tenant_id, created_at);

                CREATE TABLE pingpost_settings (
                    tenant_id TEXT PRIMARY KEY NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    max_shared_buyers INTEGER NOT NULL CHECK (max_shared_buyers BETWEEN 1 AND 10)
                ) WITHOUT ROWID;

                CREATE TABLE signing_keys (
                    id TEXT PRIMARY KEY NOT NULL,
                    private_key BLOB NOT NULL CHECK (length(private_key) = 32),
                    created_at INTEGER NOT NULL
                );

                CREATE TABLE consent_certificates (
                    id TEXT PRIMARY KEY NOT NULL,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    lead_id TEXT,
                    consent_type TEXT NOT NULL,
                    consent_text TEXT NOT NULL,
                    ip_address TEXT NOT NULL,
                    page_url TEXT,
                    user_agent TEXT,
                    channel TEXT NOT NULL,
                    mechanism TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    hash TEXT NOT NULL,
                    signature TEXT NOT NULL,
                    key_id TEXT NOT NULL REFERENCES signing_keys(id),
                    revoked_at INTEGER
                );
                CREATE INDEX consent_certificates_by_lead ON consent_certificates(lead_id);

                -- The ledger: append-only, in cents. Corrections are new entries, never edits.
                CREATE TABLE ledger_entries (
                    id TEXT PRIMARY KEY NOT NULL,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    buyer_id TEXT REFERENCES buyers(id),
                    lead_id TEXT REFERENCES leads(id),
                    kind TEXT NOT NULL CHECK (kind IN ('charge', 'credit', 'refund')),
                    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
                    description TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX ledger_entries_by_buyer ON ledger_entries(tenant_id, buyer_id, created_at);
                CREATE TRIGGER ledger_entries_append_only_update BEFORE UPDATE ON ledger_entries
                BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
                CREATE TRIGGER ledger_entries_append_only_delete BEFORE DELETE ON ledger_entries
                BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;

                -- The delivery outbox: written with the sale, emptied by the courier.
                CREATE TABLE deliveries (
                    id TEXT PRIMARY KEY NOT NULL,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    lead_id TEXT NOT NULL REFERENCES leads(id),
                    buyer_id TEXT NOT NULL REFERENCES buyers(id),
                    url TEXT,
                    payload BLOB NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'not_configured')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE status = 'pending';
                CREATE INDEX deliveries_by_lead ON deliveries(lead_id);

                CREATE TABLE delivery_attempts (
                    delivery_id TEXT NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
                    attempted_at INTEGER NOT NULL,
                    status_code INTEGER,
                    error TEXT,
                    duration_ms INTEGER NOT NULL
                );
                CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts(delivery_id, attempted_at);
                """)
        }

        // Daily caps count the buyer's own calendar day; the index restores today's counts at start.
        migrator.registerMigration("2026-11-27 buyer time zones") { db in
            try db.execute(sql: """
                ALTER TABLE buyers ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
                CREATE INDEX sales_by_buyer_time ON sales(buyer_id, sold_at);
                """)
        }

        // A ping's outcomes as one JSON array in its own row: one insert per ping instead of one per
        // buyer considered. Rows written before keep their outcomes in ping_outcomes (outcomes NULL).
        // outcomes_complete is 0 while only the bids are known (a sale stored the ping before the
        // journal did); the journal's write then completes it.
        migrator.registerMigration("2026-11-27 ping outcomes in one column") { db in
            try db.execute(sql: """
                ALTER TABLE pings ADD COLUMN outcomes TEXT;
                ALTER TABLE pings ADD COLUMN outcomes_complete INTEGER NOT NULL DEFAULT 1 CHECK (outcomes_complete IN (0, 1));
                """)
        }

        // Inbound leads, their lifecycle and audit trail; buyer billing terms and balances; invoices;
        // idempotency keys; the tenant's internal do-not-call list.
        migrator.registerMigration("2026-11-28 lead lifecycle and billing") { db in
            try db.execute(sql: """
                ALTER TABLE leads ADD COLUMN score INTEGER CHECK (score BETWEEN 0 AND 100);
                ALTER TABLE leads ADD COLUMN notes TEXT;
                ALTER TABLE leads ADD COLUMN duplicate_of TEXT;
                ALTER TABLE leads ADD COLUMN rejection_reasons TEXT;
                ALTER TABLE leads ADD COLUMN sold_at INTEGER;
                ALTER TABLE leads ADD COLUMN delivered_at INTEGER;
                ALTER TABLE leads ADD COLUMN accepted_at INTEGER;
                ALTER TABLE leads ADD COLUMN billing_event_id TEXT;
                ALTER TABLE leads ADD COLUMN returned_at INTEGER;
                ALTER TABLE leads ADD COLUMN return_reason TEXT;
                ALTER TABLE leads ADD COLUMN return_notes TEXT;
                ALTER TABLE leads ADD COLUMN origin TEXT NOT NULL DEFAULT 'post' CHECK (origin IN ('post', 'inbound'));
                -- Dedup looks a lead up by normalised phone and by email inside the tenant.
                CREATE INDEX leads_by_phone ON leads(tenant_id, phone, created_at);
                CREATE INDEX leads_by_email ON leads(tenant_id, email, created_at);
                CREATE INDEX leads_by_status ON leads(tenant_id, status, created_at);
                CREATE INDEX leads_by_buyer ON leads(tenant_id, buyer_id, created_at);
                CREATE INDEX leads_by_source ON leads(tenant_id, source, created_at);

                -- Every state change of a lead, in order, with who made it.
                CREATE TABLE lead_events (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    actor_key_id TEXT,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX lead_events_by_lead ON lead_events(lead_id, seq);

                -- Billing terms and the running balance of each buyer's account (the ledger's sum).
                ALTER TABLE buyers ADD COLUMN billing_mode TEXT NOT NULL DEFAULT 'invoiced' CHECK (billing_mode IN ('prepaid', 'invoiced'));
                ALTER TABLE buyers ADD COLUMN credit_limit_cents INTEGER CHECK (credit_limit_cents >= 0);
                ALTER TABLE buyers ADD COLUMN return_window_hours INTEGER NOT NULL DEFAULT 72 CHECK (return_window_hours >= 0);
                ALTER TABLE buyers ADD COLUMN max_return_percent INTEGER CHECK (max_return_percent BETWEEN 0 AND 100);
                ALTER TABLE buyers ADD COLUMN balance_cents INTEGER NOT NULL DEFAULT 0;
                -- A prepaid balance never goes below zero, an invoiced one never past its credit limit:
                -- whatever writes the row, the store refuses it.
                CREATE TRIGGER buyers_balance_floor BEFORE UPDATE OF balance_cents, billing_mode, credit_limit_cents ON buyers
                WHEN (NEW.billing_mode = 'prepaid' AND NEW.balance_cents < 0)
                    OR (NEW.billing_mode = 'invoiced' AND NEW.credit_limit_cents IS NOT NULL AND NEW.balance_cents < -NEW.credit_limit_cents)
                BEGIN SELECT RAISE(ABORT, 'balance below its floor'); END;

                ALTER TABLE tenants ADD COLUMN balance_cents INTEGER NOT NULL DEFAULT 0 CHECK (balance_cents >= 0);

                ALTER TABLE ledger_entries ADD COLUMN reason TEXT;
                ALTER TABLE ledger_entries ADD COLUMN balance_after_cents INTEGER;
                -- A lead is refunded at most once, by a return or by an admin.
                CREATE UNIQUE INDEX ledger_one_refund_per_lead ON ledger_entries(lead_id) WHERE kind = 'refund';
                CREATE INDEX ledger_entries_by_time ON ledger_entries(tenant_id, created_at);

                CREATE TABLE invoices (
                    id TEXT PRIMARY KEY NOT NULL,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    buyer_id TEXT REFERENCES buyers(id),
                    period TEXT NOT NULL,
                    amount_cents INTEGER NOT NULL,
                    leads INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('open', 'paid')),
                    created_at INTEGER NOT NULL,
                    paid_at INTEGER
                );
                CREATE UNIQUE INDEX invoices_once ON invoices(tenant_id, coalesce(buyer_id, ''), period);

                CREATE TABLE idempotency_keys (
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    endpoint TEXT NOT NULL,
                    key TEXT NOT NULL,
                    request_hash TEXT NOT NULL,
                    status_code INTEGER,
                    response BLOB,
                    locked_at INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (tenant_id, endpoint, key)
                ) WITHOUT ROWID;

                CREATE TABLE internal_dnc (
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    phone TEXT NOT NULL,
                    source TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (tenant_id, phone)
                ) WITHOUT ROWID;

                -- Bring earlier data forward: sales charged before balances existed, deliveries before delivered_at.
                UPDATE buyers SET balance_cents = -coalesce(
                    (SELECT sum(amount_cents) FROM ledger_entries WHERE buyer_id = buyers.id AND kind = 'charge'), 0);
                UPDATE leads SET sold_at = created_at WHERE buyer_id IS NOT NULL;
                UPDATE leads SET delivered_at = updated_at WHERE status = 'delivered';
                """)
        }

        // The federal and state do-not-call lists, one row per list and area code: the sorted 7-digit
        // subscriber numbers as little-endian UInt32s. An import rewrites only the area codes it
        // touched and bumps the list's version, which a running server polls to reload it.
        migrator.registerMigration("2026-11-28 do-not-call lists") { db in
            try db.execute(sql: """
                CREATE TABLE dnc_list_areas (
                    list TEXT NOT NULL,
                    area_code INTEGER NOT NULL CHECK (area_code BETWEEN 200 AND 999),
                    count INTEGER NOT NULL CHECK (count > 0),
                    numbers BLOB NOT NULL CHECK (length(numbers) = 4 * count),
                    UNIQUE (list, area_code)
                );
                CREATE TABLE dnc_lists (
                    list TEXT PRIMARY KEY NOT NULL,
                    count INTEGER NOT NULL,
                    version INTEGER NOT NULL,
                    imported_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }

        // Buyers and the campaigns that fund them may refuse leads on a do-not-call list.
        migrator.registerMigration("2026-11-29 do-not-call enforcement") { db in
            try db.execute(sql: """
                ALTER TABLE buyers ADD COLUMN require_dnc_clear INTEGER NOT NULL DEFAULT 0 CHECK (require_dnc_clear IN (0, 1));
                ALTER TABLE campaigns ADD COLUMN require_dnc_clear INTEGER NOT NULL DEFAULT 0 CHECK (require_dnc_clear IN (0, 1));
                """)
        }

        // A failed delivery attempt says why in a word (`target_not_allowed`, `timeout`), not only in prose.
        migrator.registerMigration("2026-12-03 delivery attempt reasons") { db in
            try db.execute(sql: "ALTER TABLE delivery_attempts ADD COLUMN reason TEXT")
        }

        // Outreach sequences: their steps, the leads enrolled with when their next step is due
        // (the scheduler's durable due-time table), and every attempt made.
        migrator.registerMigration("2026-12-03 outreach sequences") { db in
            try db.execute(sql: """
                CREATE TABLE sequences (
                    id TEXT PRIMARY KEY,
                    tenant_id TEXT NOT NULL REFERENCES tenants(id),
                    name TEXT NOT NULL,
                    steps TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('active', 'paused')),
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE INDEX sequences_by_tenant ON sequences(tenant_id, created_at);

                CREATE TABLE enrollments (
                    id TEXT PRIMARY KEY,
                    tenant_id TEXT NOT NULL,
                    sequence_id TEXT NOT NULL REFERENCES sequences(id),
                    lead_id TEXT NOT NULL REFERENCES leads(id),
                    status TEXT NOT NULL CHECK (status IN ('active', 'completed', 'ended', 'removed')),
                    next_step INTEGER NOT NULL,
                    next_step_at INTEGER,
                    enrolled_at INTEGER NOT NULL,
                    last_step_at INTEGER,
                    retries INTEGER NOT NULL DEFAULT 0,
                    end_reason TEXT,
                    ended_at INTEGER
                );
                -- One active enrollment of a lead per sequence.
                CREATE UNIQUE INDEX enrollments_active ON enrollments(sequence_id, lead_id) WHERE status = 'active';
                CREATE INDEX enrollments_due ON enrollments(next_step_at) WHERE status = 'active' AND next_step_at IS NOT NULL;
                CREATE INDEX enrollments_by_lead ON enrollments(lead_id);
                CREATE INDEX enrollments_by_sequence ON enrollments(sequence_id, status);

                CREATE TABLE outreach_attempts (
                    id TEXT PRIMARY KEY,
                    tenant_id TEXT NOT NULL,
                    enrollment_id TEXT NOT NULL REFERENCES enrollments(id),
                    sequence_id TEXT NOT NULL,
                    lead_id TEXT NOT NULL,
                    step INTEGER NOT NULL,
                    channel TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    reason TEXT,
                    provider_id TEXT,
                    recipient TEXT,
                    attempted_at INTEGER NOT NULL,
                    deferred_until INTEGER
                );
                CREATE INDEX outreach_attempts_by_lead ON outreach_attempts(lead_id, attempted_at);
                CREATE INDEX outreach_attempts_by_recipient ON outreach_attempts(recipient, tenant_id, attempted_at);
                CREATE INDEX outreach_attempts_claimed ON outreach_attempts(outcome) WHERE outcome = 'claimed';
                """)
        }

        // Outreach templates: ids are the tenant's to choose, so the key is (tenant, id).
        migrator.registerMigration("2026-12-03 message templates") { db in
            try db.execute(sql: """
                CREATE TABLE message_templates (
                    tenant_id TEXT NOT NULL REFERENCES tenants(id),
                    id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    channel TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'call')),
                    subject TEXT,
                    body TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    PRIMARY KEY (tenant_id, id)
                ) WITHOUT ROWID;
                CREATE INDEX message_templates_by_tenant ON message_templates(tenant_id, created_at);
                """)
        }

        migrator.registerMigration("2026-12-04 sending domains") { db in
            // The DKIM private key lives here and nowhere else; the API never reads it.
            try db.execute(sql: """
                CREATE TABLE sending_domains (
                    tenant_id TEXT NOT NULL REFERENCES tenants(id),
                    id TEXT NOT NULL,
                    domain TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending_verification', 'verified', 'failed')),
                    dkim_public_key TEXT NOT NULL,
                    dkim_private_key TEXT NOT NULL,
                    spf_valid INTEGER NOT NULL DEFAULT 0,
                    dkim_valid INTEGER NOT NULL DEFAULT 0,
                    dmarc_valid INTEGER NOT NULL DEFAULT 0,
                    checks TEXT NOT NULL DEFAULT '[]',
                    created_at INTEGER NOT NULL,
                    checked_at INTEGER,
                    verified_at INTEGER,
                    failing_since INTEGER,
                    PRIMARY KEY (tenant_id, id),
                    UNIQUE (tenant_id, domain)
                ) WITHOUT ROWID;
                CREATE INDEX sending_domains_by_tenant ON sending_domains(tenant_id, created_at);
                CREATE INDEX sending_domains_by_name ON sending_domains(domain, status);
                CREATE INDEX sending_domains_verified_by_check ON sending_domains(checked_at) WHERE status = 'verified';
                """)
        }

        migrator.registerMigration("2026-12-04 outreach email") { db in
            // Email opt-outs are per tenant and address (CAN-SPAM): one-click unsubscribes land here.
            try db.execute(sql: """
                ALTER TABLE sequences ADD COLUMN from_email TEXT;
                ALTER TABLE tenants ADD COLUMN postal_address TEXT;
                CREATE TABLE email_opt_outs (
                    tenant_id TEXT NOT NULL REFERENCES tenants(id),
                    email TEXT NOT NULL,
                    lead_id TEXT,
                    source TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    PRIMARY KEY (tenant_id, email)
                ) WITHOUT ROWID;
                """)
        }

        migrator.registerMigration("2026-12-04 report indexes") { db in
            // Accepts, returns and refunds find a lead's sale and charge by the lead; reports sum a
            // tenant's sales by month and its refunds by kind and month. Lists and exports walk a
            // tenant's rows in (created_at, id) order: the id joins the time indexes (replacing
            // them, so writes keep the same number of indexes), and an export's next batch is an
            // index range instead of a rescan.
            try db.execute(sql: """
                CREATE INDEX sales_by_lead ON sales(lead_id);
                CREATE INDEX sales_by_tenant_time ON sales(tenant_id, sold_at);
                CREATE INDEX ledger_entries_by_lead ON ledger_entries(lead_id, kind);
                CREATE INDEX ledger_entries_by_kind ON ledger_entries(tenant_id, kind, created_at);
                DROP INDEX leads_by_tenant;
                CREATE INDEX leads_by_tenant ON leads(tenant_id, created_at, id);
                DROP INDEX ledger_entries_by_time;
                CREATE INDEX ledger_entries_by_time ON ledger_entries(tenant_id, created_at, id);
                DROP INDEX pings_by_tenant;
                CREATE INDEX pings_by_tenant ON pings(tenant_id, created_at, id);
                """)
        }

        migrator.registerMigration("2026-12-04 storage probe") { db in
            // One row the readiness probe rewrites while writes fail, to learn when they work again.
            try db.execute(sql: """
                CREATE TABLE storage_probe (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    filler BLOB NOT NULL
                );
                """)
        }

        migrator.registerMigration("2026-12-04 sale log") { db in
            // Sales committed by posts and not yet filled into their tables (SQLiteSaleLog).
            // AUTOINCREMENT: a position is never reused, even after the log empties, so the
            // materialiser's watermarks only grow.
            try db.execute(sql: """
                CREATE TABLE sale_log (
                    position INTEGER PRIMARY KEY AUTOINCREMENT,
                    record BLOB NOT NULL
                );
                CREATE TABLE sale_log_refused (
                    position INTEGER PRIMARY KEY,
                    record BLOB NOT NULL,
                    reason TEXT NOT NULL,
                    refused_at INTEGER NOT NULL
                );
                """)
        }

        migrator.registerMigration("2026-12-04 ping outcomes as records") { db in
            // New pings keep their outcomes in PingOutcomeRecord's compact form; rows written before
            // keep their JSON (outcomes) and are read as they are.
            try db.execute(sql: "ALTER TABLE pings ADD COLUMN outcomes_record BLOB")
        }

        migrator.registerMigration("2026-12-05 dashboard sessions") { db in
            // A session goes with its tenant; the token itself is never stored, only its SHA-256.
            try db.execute(
                sql: """
                    CREATE TABLE dashboard_sessions (
                        token_hash TEXT PRIMARY KEY,
                        tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                        key_id TEXT NOT NULL,
                        form_token TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        last_seen_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions(expires_at);
                    """)
        }

        migrator.registerMigration("2026-12-07 daily report counts") { db in
            // The dashboard reads a month of a busy tenant (a million leads) in milliseconds: leads
            // and sales are counted by UTC day as they are written, by these triggers, so a month is
            // 31 rows, not a scan of every lead. The counts are by status only; which statuses
            // make a figure stays with the queries. sold_lead_days counts each lead's first sale
            // of its day and of its month, so distinct leads sold add up over days and months.
            // Rows never change day or tenant; a tenant's counts go with it.
            try db.execute(sql: """
                CREATE TABLE lead_days (
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    day INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    leads INTEGER NOT NULL,
                    PRIMARY KEY (tenant_id, day, status)
                ) WITHOUT ROWID;
                CREATE TABLE sale_days (
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    day INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    sales INTEGER NOT NULL,
                    price_cents INTEGER NOT NULL,
                    PRIMARY KEY (tenant_id, day, status)
                ) WITHOUT ROWID;
                CREATE TABLE sold_lead_days (
                    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                    day INTEGER NOT NULL,
                    first_of_day INTEGER NOT NULL,
                    first_of_month INTEGER NOT NULL,
                    PRIMARY KEY (tenant_id, day)
                ) WITHOUT ROWID;

                CREATE TRIGGER lead_days_insert AFTER INSERT ON leads BEGIN
                    INSERT INTO lead_days VALUES (new.tenant_id, new.created_at / 86400000, new.status, 1)
                    ON CONFLICT (tenant_id, day, status) DO UPDATE SET leads = leads + 1;
                END;
                CREATE TRIGGER lead_days_status AFTER UPDATE OF status ON leads WHEN old.status IS NOT new.status BEGIN
                    UPDATE lead_days SET leads = leads - 1 WHERE tenant_id = old.tenant_id AND day = old.created_at / 86400000 AND status = old.status;
                    INSERT INTO lead_days VALUES (new.tenant_id, new.created_at / 86400000, new.status, 1)
                    ON CONFLICT (tenant_id, day, status) DO UPDATE SET leads = leads + 1;
                END;
                CREATE TRIGGER lead_days_delete AFTER DELETE ON leads BEGIN
                    UPDATE lead_days SET leads = leads - 1 WHERE tenant_id = old.tenant_id AND day = old.created_at / 86400000 AND status = old.status;
                END;

                CREATE TRIGGER sale_days_insert AFTER INSERT ON sales BEGIN
                    INSERT INTO sale_days VALUES (new.tenant_id, new.sold_at / 86400000, new.status, 1, new.price_cents)
                    ON CONFLICT (tenant_id, day, status) DO UPDATE SET sales = sales + 1, price_cents = price_cents + excluded.price_cents;
                    INSERT INTO sold_lead_days
                    SELECT new.tenant_id, new.sold_at / 86400000,
                        NOT EXISTS (SELECT 1 FROM sales s WHERE s.lead_id = new.lead_id AND s.rowid <> new.rowid
                            AND s.sold_at / 86400000 = new.sold_at / 86400000),
                        NOT EXISTS (SELECT 1 FROM sales s WHERE s.lead_id = new.lead_id AND s.rowid <> new.rowid
                            AND strftime('%Y-%m', s.sold_at / 1000, 'unixepoch') = strftime('%Y-%m', new.sold_at / 1000, 'unixepoch'))
                    WHERE new.lead_id IS NOT NULL
                    ON CONFLICT (tenant_id, day) DO UPDATE SET
                        first_of_day = first_of_day + excluded.first_of_day, first_of_month = first_of_month + excluded.first_of_month;
                END;
                CREATE TRIGGER sale_days_status AFTER UPDATE OF status ON sales WHEN old.status IS NOT new.status BEGIN
                    UPDATE sale_days SET sales = sales - 1, price_cents = price_cents - old.price_cents
                    WHERE tenant_id = old.tenant_id AND day = old.sold_at / 86400000 AND status = old.status;
                    INSERT INTO sale_days VALUES (new.tenant_id, new.sold_at / 86400000, new.status, 1, new.price_cents)
                    ON CONFLICT (tenant_id, day, status) DO UPDATE SET sales = sales + 1, price_cents = price_cents + excluded.price_cents;
                END;
                CREATE TRIGGER sale_days_delete AFTER DELETE ON sales BEGIN
                    UPDATE sale_days SET sales = sales - 1, price_cents = price_cents - old.price_cents
                    WHERE tenant_id = old.tenant_id AND day = old.sold_at / 86400000 AND status = old.status;
                    UPDATE sold_lead_days SET
                        first_of_day = first_of_day - NOT EXISTS (SELECT 1 FROM sales s WHERE s.lead_id = old.lead_id
                            AND s.sold_at / 86400000 = old.sold_at / 86400000),
                        first_of_month = first_of_month - NOT EXISTS (SELECT 1 FROM sales s WHERE s.lead_id = old.lead_id
                            AND strftime('%Y-%m', s.sold_at / 1000, 'unixepoch') = strftime('%Y-%m', old.sold_at / 1000, 'unixepoch'))
                    WHERE tenant_id = old.tenant_id AND day = old.sold_at / 86400000 AND old.lead_id IS NOT NULL;
                END;

                INSERT INTO lead_days SELECT tenant_id, created_at / 86400000, status, count(*) FROM leads GROUP BY 1, 2, 3;
                INSERT INTO sale_days SELECT tenant_id, sold_at / 86400000, status, count(*), sum(price_cents) FROM sales GROUP BY 1, 2, 3;
                INSERT INTO sold_lead_days
                SELECT tenant_id, day, sum(first_of_day), sum(first_of_month) FROM (
                    SELECT tenant_id, sold_at / 86400000 AS day,
                        row_number() OVER (PARTITION BY lead_id, sold_at / 86400000 ORDER BY rowid) = 1 AS first_of_day,
                        row_number() OVER (PARTITION BY lead_id, strftime('%Y-%m', sold_at / 1000, 'unixepoch') ORDER BY rowid) = 1 AS first_of_month
                    FROM sales WHERE lead_id IS NOT NULL
                ) GROUP BY tenant_id, day;
                """)
        }

        migrator.registerMigration("2026-12-07 outreach attempts by sequence") { db in
            // The dashboard's sequences page counts each step's attempts by outcome.
            try db.execute(sql: "CREATE INDEX outreach_attempts_by_sequence ON outreach_attempts(sequence_id, step, outcome)")
        }

        return migrator
    }
}
