/// The shared store's schema as named migrations, applied in order by `PostgresMigrator`.
///
/// NEVER EDIT A MIGRATION THAT HAS SHIPPED: a node started on an older release, or a database a
/// release already migrated, would never see the change. Add the next migration instead.
///
/// These begin where SQLite's `LeadSchema` ended (its last migration, "2026-12-04 ping outcomes as
/// records"): one PostgreSQL migration per domain holds the final state of its tables. Table and
/// column names are SQLite's, so the repositories of the two stores read alike. Translation:
/// - integers, cents and epoch milliseconds are BIGINT; blobs BYTEA; the columns the SQLite
///   repositories bind as Swift `Bool` (`require_dnc_clear`, `outcomes_complete`, `spf_valid`,
///   `dkim_valid`, `dmarc_valid`) are BOOLEAN, so SQL comparing them writes `true`/`false`, not 1/0;
///   JSON kept in text (`states`, `steps`, `checks`, `outcomes`) stays TEXT: read it with `::jsonb`.
/// - AUTOINCREMENT columns (`lead_events.seq`, `sale_log.position`) are identity columns. SQLite's
///   implicit `rowid`, which two queries order by, is an explicit identity column named `rowid` on
///   the tables they read (`sales`, `ping_outcomes`).
/// - ids, tenant ids and invoice periods, which lists order by and export cursors compare, are
///   `COLLATE "C"`: byte order, as SQLite compares, whatever locale the database was created with.
/// - SQLite's triggers are here as a trigger (the append-only ledger) and as CHECK constraints (the
///   balance floors), which PostgreSQL applies to inserts as well as updates.
public enum PostgresSchema {
    /// The constraints a repository translates into `StoreRefusal`, by name.
    public enum Constraint {
        /// A buyer's balance below zero when prepaid, or past its credit limit when invoiced.
        public static let buyerBalanceFloor = "buyers_balance_floor"
        /// The tenant's own balance below zero.
        public static let tenantBalanceFloor = "tenants_balance_floor"
        /// A second refund of one lead's charge.
        public static let oneRefundPerLead = "ledger_one_refund_per_lead"
    }

    public static let migrations: [PostgresMigration] = [
        tenantsAndKeys, buyersAndCampaigns, pingsAndSales, billing, compliance, outreach, domains, saleLog, dashboardSessions, coveringSalesIndex, outreachAttemptsBySequence,
    ]

    static let tenantsAndKeys = PostgresMigration(
        "2026-12-05 tenants and keys",
        """
        CREATE TABLE tenants (
            id TEXT COLLATE "C" PRIMARY KEY,
            name TEXT NOT NULL CHECK (length(name) > 0),
            created_at BIGINT NOT NULL,
            -- The tenant's own account (credits not tied to a buyer): never below zero.
            balance_cents BIGINT NOT NULL DEFAULT 0 CONSTRAINT tenants_balance_floor CHECK (balance_cents >= 0),
            postal_address TEXT
        )
        """,
        """
        CREATE TABLE api_keys (
            id TEXT COLLATE "C" PRIMARY KEY,
            tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('standard', 'admin', 'compliance')),
            secret_hash TEXT NOT NULL UNIQUE CHECK (length(secret_hash) = 64),
            display_prefix TEXT NOT NULL,
            rate_limit_per_minute BIGINT NOT NULL CHECK (rate_limit_per_minute > 0),
            created_at BIGINT NOT NULL,
            revoked_at BIGINT,
            -- Raised on every insert and revocation, so a running server fetches only changes. Given
            -- out one at a time under the key-ring lock (AdvisoryLock.keyChanges), so it grows in
            -- commit order and a reader never skips a change committed late.
            change_seq BIGINT NOT NULL
        )
        """,
        "CREATE INDEX api_keys_by_tenant ON api_keys(tenant_id)",
        // Unique (SQLite's is not, though its single writer makes it so): a writer that forgot the lock fails instead of hiding a change.
        "CREATE UNIQUE INDEX api_keys_by_change ON api_keys(change_seq)",
        """
        CREATE TABLE idempotency_keys (
            tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
            endpoint TEXT NOT NULL,
            key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            status_code BIGINT,
            response BYTEA,
            locked_at BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (tenant_id, endpoint, key)
        )
        """,
        """
        CREATE TABLE signing_keys (
            id TEXT COLLATE "C" PRIMARY KEY,
            private_key BYTEA NOT NULL CHECK (length(private_key) = 32),
            created_at BIGINT NOT NULL
        )
        """,
        // One row the readiness probe rewrites while writes fail, to learn when they work again.
        """
        CREATE TABLE storage_probe (
            id BIGINT PRIMARY KEY CHECK (id = 1),
            filler BYTEA NOT NULL
        )
        """
    )

    static let buyersAndCampaigns = PostgresMigration(
        "2026-12-05 buyers and campaigns",
        """
        CREATE TABLE buyers (
            id TEXT COLLATE "C" PRIMARY KEY,
            tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            campaign_types TEXT NOT NULL,
            states TEXT NOT NULL,
            max_price_cents BIGINT NOT NULL CHECK (max_price_cents >= 0),
            webhook_url TEXT,
            webhook_secret TEXT,
            bid_url TEXT,
            bid_timeout_ms BIGINT NOT NULL CHECK (bid_timeout_ms > 0),
            exclusivity TEXT NOT NULL CHECK (exclusivity IN ('shared', 'exclusive')),
            zip_codes TEXT,
            daily_cap BIGINT CHECK (daily_cap >= 0),
            status TEXT NOT NULL CHECK (status IN ('active', 'paused')),
            revision BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            -- Daily caps count the buyer's own calendar day.
            time_zone TEXT NOT NULL DEFAULT 'UTC',
            -- Billing terms and the running balance of the buyer's account (the ledger's sum).
            billing_mode TEXT NOT NULL DEFAULT 'invoiced' CHECK (billing_mode IN ('prepaid', 'invoiced')),
            credit_limit_cents BIGINT CHECK (credit_limit_cents >= 0),
            return_window_hours BIGINT NOT NULL DEFAULT 72 CHECK (return_window_hours >= 0),
            max_return_percent BIGINT CHECK (max_return_percent BETWEEN 0 AND 100),
            balance_cents BIGINT NOT NULL DEFAULT 0,
            require_dnc_clear BOOLEAN NOT NULL DEFAULT false,
            -- A prepaid balance never goes below zero, an invoiced one never past its credit limit:
            -- whatever writes the row, the store refuses it (SQLite: the trigger buyers_balance_floor).
            CONSTRAINT buyers_balance_floor CHECK (
                CASE billing_mode
                    WHEN 'prepaid' THEN balance_cents >= 0
                    ELSE credit_limit_cents IS NULL OR balance_cents >= -credit_limit_cents
                END
            )
        )
        """,
        "CREATE INDEX buyers_by_tenant ON buyers(tenant_id, created_at)",
        """
        CREATE TABLE campaigns (
            id TEXT COLLATE "C" PRIMARY KEY,
            tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            campaign_type TEXT NOT NULL,
            states TEXT NOT NULL,
            budget_cents BIGINT NOT NULL CHECK (budget_cents >= 0),
            max_leads_per_day BIGINT CHECK (max_leads_per_day >= 0),
            delivery_webhook TEXT,
            buyer_id TEXT COLLATE "C" REFERENCES buyers(id),
            status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'archived')),
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            require_dnc_clear BOOLEAN NOT NULL DEFAULT false
        )
        """,
        "CREATE INDEX campaigns_by_tenant ON campaigns(tenant_id, created_at)"
    )

    static let pingsAndSales = PostgresMigration(
        "2026-12-05 pings and sales",
        """
        CREATE TABLE pings (
            id TEXT COLLATE "C" PRIMARY KEY,
            tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
            campaign_type TEXT NOT NULL,
            state TEXT NOT NULL,
            zip_code TEXT NOT NULL,
            source TEXT NOT NULL,
            tmax_ms BIGINT NOT NULL,
            floor_price_cents BIGINT NOT NULL CHECK (floor_price_cents >= 0),
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            outranked_static_buyers BIGINT NOT NULL DEFAULT 0,
            -- Outcomes as JSON: only SQLite rows written before outcomes_record (none here), kept for the shape.
            outcomes TEXT,
            -- False while only the bids are known (a sale stored the ping before the journal did).
            outcomes_complete BOOLEAN NOT NULL DEFAULT true,
            -- PingOutcomeRecord's compact form.
            outcomes_record BYTEA
        )
        """,
        "CREATE INDEX pings_by_expiry ON pings(expires_at)",
        "CREATE INDEX pings_by_tenant ON pings(tenant_id, created_at, id)",
        // One row per buyer considered for a ping, the oldest form of outcomes; kept so both stores have the same tables.
        """
        CREATE TABLE ping_outcomes (
            rowid BIGINT GENERATED ALWAYS AS IDENTITY,
            ping_id TEXT COLLATE "C" NOT NULL REFERENCES pings(id) ON DELETE CASCADE,
            buyer_id TEXT COLLATE "C" NOT NULL,
            buyer_name TEXT NOT NULL,
            bid_rank BIGINT,
            bid_cents BIGINT CHECK (bid_cents >= 0),
            exclusivity TEXT CHECK (exclusivity IN ('shared', 'exclusive')),
            bid_source TEXT CHECK (bid_source IN ('static', 'real_time')),
            no_bid_reason TEXT,
            detail TEXT,
            response_ms BIGINT,
            PRIMARY KEY (ping_id, buyer_id),
            CHECK ((bid_cents IS NULL) <> (no_bid_reason IS NULL))
        )
        """,
        """
        CREATE TABLE floor_prices (
            tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
            campaign_type TEXT NOT NULL,
            floor_price_cents BIGINT NOT NULL CHECK (floor_price_cents >= 0),
            PRIMARY KEY (tenant_id, campaign_type)
        )
        """,
        """
        CREATE TABLE pingpost_settings (
            tenant_id TEXT COLLATE "C" PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
            max_shared_buyers BIGINT NOT NULL CHECK (max_shared_buyers BETWEEN 1 AND 10)
        )
        """,
        """
        CREATE TABLE leads (
            id TEXT COLLATE "C" PRIMARY KEY,
            tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
            ping_id TEXT COLLATE "C" REFERENCES pings(id),
            buyer_id TEXT COLLATE "C" REFERENCES buyers(id),
            campaign_type TEXT NOT NULL,
            source TEXT NOT NULL,
            first_name TEXT NOT NULL,
            last_name TEXT NOT NULL,
            email TEXT NOT NULL,
            phone TEXT NOT NULL,
            state TEXT NOT NULL,
            zip_code TEXT NOT NULL,
            status TEXT NOT NULL,
            sold_price_cents BIGINT CHECK (sold_price_cents >= 0),
            consent_certificate_id TEXT COLLATE "C",
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            score BIGINT CHECK (score BETWEEN 0 AND 100),
            notes TEXT,
            duplicate_of TEXT COLLATE "C",
            rejection_reasons TEXT,
            sold_at BIGINT,
            delivered_at BIGINT,
            accepted_at BIGINT,
            billing_event_id TEXT COLLATE "C",
            returned_at BIGINT,
            return_reason TEXT,
            return_notes TEXT,
            origin TEXT NOT NULL DEFAULT 'post' CHECK (origin IN ('post', 'inbound'))
        )
        """,
        // Lists and exports walk a tenant's rows in (created_at, id) order; dedup looks a lead up by
        // normalised phone and by email inside the tenant.
        "CREATE INDEX leads_by_tenant ON leads(tenant_id, created_at, id)",
        "CREATE INDEX leads_by_phone ON leads(tenant_id, phone, created_at)",
        "CREATE INDEX leads_by_email ON leads(tenant_id, email, created_at)",
        "CREATE INDEX leads_by_status ON leads(tenant_id, status, created_at)",
        "CREATE INDEX leads_by_buyer ON leads(tenant_id, buyer_id, created_at)",
        "CREATE INDEX leads_by_source ON leads(tenant_id, source, created_at)",
        // Every state change of a lead, in order, with who made it.
        """
        CREATE TABLE lead_events (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            lead_id TEXT COLLATE "C" NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL,
            actor_key_id TEXT COLLATE "C",
            created_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX lead_events_by_lead ON lead_events(lead_id, seq)",
        // One row per lead sold to a buyer: the fact buyer and campaign metrics are computed from,
        // written in the same transaction as the charge.
        """
        CREATE TABLE sales (
            rowid BIGINT GENERATED ALWAYS AS IDENTITY,
            id TEXT COLLATE "C" PRIMARY KEY,
            tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
            buyer_id TEXT COLLATE "C" NOT NULL REFERENCES buyers(id),
            campaign_id TEXT COLLATE "C" REFERENCES campaigns(id),
            lead_id TEXT COLLATE "C",
            price_cents BIGINT NOT NULL CHECK (price_cents >= 0),
            status TEXT NOT NULL CHECK (status IN ('delivered', 'accepted', 'returned')),
            response_time_ms BIGINT CHECK (response_time_ms >= 0),
            sold_at BIGINT NOT NULL,
            ping_id TEXT COLLATE "C" REFERENCES pings(id)
        )
        """,
        "CREATE INDEX sales_by_buyer ON sales(tenant_id, buyer_id)",
        "CREATE INDEX sales_by_campaign ON sales(tenant_id, campaign_id)",
        // A ping's lead sells to each buyer at most once.
        "CREATE UNIQUE INDEX sales_once_per_ping_buyer ON sales(ping_id, buyer_id) WHERE ping_id IS NOT NULL",
        // Today's counts of daily caps, by the buyer's day.
        "CREATE INDEX sales_by_buyer_time ON sales(buyer_id, sold_at)",
        "CREATE INDEX sales_by_lead ON sales(lead_id)",
        "CREATE INDEX sales_by_tenant_time ON sales(tenant_id, sold_at)",
        """
        CREATE TABLE consent_certificates (
            id TEXT COLLATE "C" PRIMARY KEY,
            tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
            lead_id TEXT COLLATE "C",
            consent_type TEXT NOT NULL,
            consent_text TEXT NOT NULL,
            ip_address TEXT NOT NULL,
            page_url TEXT,
            user_agent TEXT,
            channel TEXT NOT NULL,
            mechanism TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            hash TEXT NOT NULL,
            signature TEXT NOT NULL,
            key_id TEXT COLLATE "C" NOT NULL REFERENCES signing_keys(id),
            revoked_at BIGINT
        )
        """,
        "CREATE INDEX consent_certificates_by_lead ON consent_certificates(lead_id)",
        // The delivery outbox: written with the sale, emptied by the courier.
        """
        CREATE TABLE deliveries (
            id TEXT COLLATE "C" PRIMARY KEY,
            tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
            lead_id TEXT COLLATE "C" NOT NULL REFERENCES leads(id),
            buyer_id TEXT COLLATE "C" NOT NULL REFERENCES buyers(id),
            url TEXT,
            payload BYTEA NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'not_configured')),
            attempts BIGINT NOT NULL DEFAULT 0,
            next_attempt_at BIGINT,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE status = 'pending'",
        "CREATE INDEX deliveries_by_lead ON deliveries(lead_id)",
        """
        CREATE TABLE delivery_attempts (
            delivery_id TEXT COLLATE "C" NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
            attempted_at BIGINT NOT NULL,
            status_code BIGINT,
            error TEXT,
            duration_ms BIGINT NOT NULL,
            -- Why a failed attempt failed, in a word (`target_not_allowed`, `timeout`).
            reason TEXT
        )
        """,
        "CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts(delivery_id, attempted_at)"
    )

    static let billing = PostgresMigration(
        "2026-12-05 billing",
        // The ledger: append-only, in cents. Corrections are new entries, never edits.
        """
        CREATE TABLE ledger_entries (
            id TEXT COLLATE "C" PRIMARY KEY,
            tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
            buyer_id TEXT COLLATE "C" REFERENCES buyers(id),
            lead_id TEXT COLLATE "C" REFERENCES leads(id),
            kind TEXT NOT NULL CHECK (kind IN ('charge', 'credit', 'refund')),
            amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
            description TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            reason TEXT,
            balance_after_cents BIGINT
        )
        """,
        "CREATE INDEX ledger_entries_by_buyer ON ledger_entries(tenant_id, buyer_id, created_at)",
        // A lead is refunded at most once, by a return or by an admin.
        "CREATE UNIQUE INDEX ledger_one_refund_per_lead ON ledger_entries(lead_id) WHERE kind = 'refund'",
        "CREATE INDEX ledger_entries_by_time ON ledger_entries(tenant_id, created_at, id)",
        "CREATE INDEX ledger_entries_by_lead ON ledger_entries(lead_id, kind)",
        "CREATE INDEX ledger_entries_by_kind ON ledger_entries(tenant_id, kind, created_at)",
        // Whatever runs the statement, an entry once written is never changed or removed. The error
        // is restrict_violation (23001), a constraint failure like SQLite's RAISE(ABORT).
        """
        CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'ledger entries are append-only' USING ERRCODE = 'restrict_violation';
        END
        $$
        """,
        """
        CREATE TRIGGER ledger_entries_append_only_update BEFORE UPDATE ON ledger_entries
        FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()
        """,
        """
        CREATE TRIGGER ledger_entries_append_only_delete BEFORE DELETE ON ledger_entries
        FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()
        """,
        """
        CREATE TRIGGER ledger_entries_append_only_truncate BEFORE TRUNCATE ON ledger_entries
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only()
        """,
        """
        CREATE TABLE invoices (
            id TEXT COLLATE "C" PRIMARY KEY,
            tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
            buyer_id TEXT COLLATE "C" REFERENCES buyers(id),
            period TEXT COLLATE "C" NOT NULL,
            amount_cents BIGINT NOT NULL,
            leads BIGINT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'paid')),
            created_at BIGINT NOT NULL,
            paid_at BIGINT
        )
        """,
        // One invoice per tenant, buyer (or the tenant's own account) and month.
        "CREATE UNIQUE INDEX invoices_once ON invoices(tenant_id, (coalesce(buyer_id, '')), period)"
    )

    static let compliance = PostgresMigration(
        "2026-12-05 compliance",
        // The tenant's internal do-not-call list.
        """
        CREATE TABLE internal_dnc (
            tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
            phone TEXT NOT NULL,
            source TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (tenant_id, phone)
        )
        """,
        // The federal and state do-not-call lists, one row per list and area code: the sorted
        // 7-digit subscriber numbers as little-endian UInt32s. An import rewrites only the area codes
        // it touched and bumps the list's version, which a running server polls to reload it.
        """
        CREATE TABLE dnc_list_areas (
            list TEXT NOT NULL,
            area_code BIGINT NOT NULL CHECK (area_code BETWEEN 200 AND 999),
            count BIGINT NOT NULL CHECK (count > 0),
            numbers BYTEA NOT NULL CHECK (length(numbers) = 4 * count),
            UNIQUE (list, area_code)
        )
        """,
        """
        CREATE TABLE dnc_lists (
            list TEXT PRIMARY KEY,
            count BIGINT NOT NULL,
            version BIGINT NOT NULL,
            imported_at BIGINT NOT NULL
        )
        """
    )

    static let outreach = PostgresMigration(
        "2026-12-05 outreach",
        // Outreach sequences: their steps, the leads enrolled with when their next step is due (the
        // scheduler's durable due-time table), and every attempt made.
        """
        CREATE TABLE sequences (
            id TEXT COLLATE "C" PRIMARY KEY,
            tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id),
            name TEXT NOT NULL,
            steps TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'paused')),
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            from_email TEXT
        )
        """,
        "CREATE INDEX sequences_by_tenant ON sequences(tenant_id, created_at)",
        """
        CREATE TABLE enrollments (
            id TEXT COLLATE "C" PRIMARY KEY,
            tenant_id TEXT COLLATE "C" NOT NULL,
            sequence_id TEXT COLLATE "C" NOT NULL REFERENCES sequences(id),
            lead_id TEXT COLLATE "C" NOT NULL REFERENCES leads(id),
            status TEXT NOT NULL CHECK (status IN ('active', 'completed', 'ended', 'removed')),
            next_step BIGINT NOT NULL,
            next_step_at BIGINT,
            enrolled_at BIGINT NOT NULL,
            last_step_at BIGINT,
            retries BIGINT NOT NULL DEFAULT 0,
            end_reason TEXT,
            ended_at BIGINT
        )
        """,
        // One active enrollment of a lead per sequence.
        "CREATE UNIQUE INDEX enrollments_active ON enrollments(sequence_id, lead_id) WHERE status = 'active'",
        "CREATE INDEX enrollments_due ON enrollments(next_step_at) WHERE status = 'active' AND next_step_at IS NOT NULL",
        "CREATE INDEX enrollments_by_lead ON enrollments(lead_id)",
        "CREATE INDEX enrollments_by_sequence ON enrollments(sequence_id, status)",
        """
        CREATE TABLE outreach_attempts (
            id TEXT COLLATE "C" PRIMARY KEY,
            tenant_id TEXT COLLATE "C" NOT NULL,
            enrollment_id TEXT COLLATE "C" NOT NULL REFERENCES enrollments(id),
            sequence_id TEXT COLLATE "C" NOT NULL,
            lead_id TEXT COLLATE "C" NOT NULL,
            step BIGINT NOT NULL,
            channel TEXT NOT NULL,
            outcome TEXT NOT NULL,
            reason TEXT,
            provider_id TEXT,
            recipient TEXT,
            attempted_at BIGINT NOT NULL,
            deferred_until BIGINT
        )
        """,
        "CREATE INDEX outreach_attempts_by_lead ON outreach_attempts(lead_id, attempted_at)",
        "CREATE INDEX outreach_attempts_by_recipient ON outreach_attempts(recipient, tenant_id, attempted_at)",
        "CREATE INDEX outreach_attempts_claimed ON outreach_attempts(outcome) WHERE outcome = 'claimed'",
        // Outreach templates: ids are the tenant's to choose, so the key is (tenant, id).
        """
        CREATE TABLE message_templates (
            tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id),
            id TEXT COLLATE "C" NOT NULL,
            name TEXT NOT NULL,
            channel TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'call')),
            subject TEXT,
            body TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (tenant_id, id)
        )
        """,
        "CREATE INDEX message_templates_by_tenant ON message_templates(tenant_id, created_at)",
        // Email opt-outs are per tenant and address (CAN-SPAM): one-click unsubscribes land here.
        """
        CREATE TABLE email_opt_outs (
            tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id),
            email TEXT NOT NULL,
            lead_id TEXT COLLATE "C",
            source TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            PRIMARY KEY (tenant_id, email)
        )
        """
    )

    static let domains = PostgresMigration(
        "2026-12-05 domains",
        // The DKIM private key lives here and nowhere else; the API never reads it.
        """
        CREATE TABLE sending_domains (
            tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id),
            id TEXT COLLATE "C" NOT NULL,
            domain TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending_verification', 'verified', 'failed')),
            dkim_public_key TEXT NOT NULL,
            dkim_private_key TEXT NOT NULL,
            spf_valid BOOLEAN NOT NULL DEFAULT false,
            dkim_valid BOOLEAN NOT NULL DEFAULT false,
            dmarc_valid BOOLEAN NOT NULL DEFAULT false,
            checks TEXT NOT NULL DEFAULT '[]',
            created_at BIGINT NOT NULL,
            checked_at BIGINT,
            verified_at BIGINT,
            failing_since BIGINT,
            PRIMARY KEY (tenant_id, id),
            UNIQUE (tenant_id, domain)
        )
        """,
        "CREATE INDEX sending_domains_by_tenant ON sending_domains(tenant_id, created_at)",
        "CREATE INDEX sending_domains_by_name ON sending_domains(domain, status)",
        "CREATE INDEX sending_domains_verified_by_check ON sending_domains(checked_at) WHERE status = 'verified'"
    )

    static let saleLog = PostgresMigration(
        "2026-12-05 sale log",
        // Sales committed by posts and not yet filled into their tables. An identity position is
        // never reused, but unlike SQLite's single writer, concurrent transactions may commit
        // positions out of order: a fold must delete the positions it read, not "everything up to".
        """
        CREATE TABLE sale_log (
            position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            record BYTEA NOT NULL
        )
        """,
        """
        CREATE TABLE sale_log_refused (
            position BIGINT PRIMARY KEY,
            record BYTEA NOT NULL,
            reason TEXT NOT NULL,
            refused_at BIGINT NOT NULL
        )
        """
    )

    /// Operators signed in to the dashboard, shared by every node. The token itself is never
    /// stored, only its SHA-256; a session goes with its tenant.
    static let dashboardSessions = PostgresMigration(
        "2026-12-06 dashboard sessions",
        """
        CREATE TABLE dashboard_sessions (
            token_hash TEXT COLLATE "C" PRIMARY KEY,
            tenant_id TEXT COLLATE "C" NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
            key_id TEXT NOT NULL,
            form_token TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            last_seen_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL CHECK (expires_at >= created_at)
        )
        """,
        "CREATE INDEX dashboard_sessions_by_expiry ON dashboard_sessions(expires_at)"
    )

    /// The dashboard's month of sales (their statuses, prices and leads) read by an index-only
    /// scan; it replaces the index of the same keys.
    static let coveringSalesIndex = PostgresMigration(
        "2026-12-07 covering sales index",
        "DROP INDEX sales_by_tenant_time",
        "CREATE INDEX sales_by_tenant_time ON sales(tenant_id, sold_at) INCLUDE (status, price_cents, lead_id)"
    )

    /// The dashboard's sequences page counts each step's attempts by outcome.
    static let outreachAttemptsBySequence = PostgresMigration(
        "2026-12-07 outreach attempts by sequence",
        "CREATE INDEX outreach_attempts_by_sequence ON outreach_attempts(sequence_id, step, outcome)"
    )
}
