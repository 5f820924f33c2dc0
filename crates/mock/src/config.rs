//! How a mock is set up: its provider organization, the credentials it accepts, and how long
//! the tokens it issues live.

use std::time::Duration;

/// The settings of a [`crate::MockServer`]. The defaults mirror the real services: CSP access
/// tokens live 30 minutes, VCPP bearer tokens 20.
#[derive(Clone)]
pub struct Config {
    pub(crate) provider_org: String,
    pub(crate) refresh_token: String,
    pub(crate) vcpp_client_id: String,
    pub(crate) vcpp_client_secret: String,
    pub(crate) csp_token_lifetime: Duration,
    pub(crate) vcpp_token_lifetime: Duration,
    pub(crate) record_journal: bool,
    pub(crate) vmware_ids: Vec<String>,
    pub(crate) order_processing: Duration,
    pub(crate) tenants: usize,
    pub(crate) usage_report_rows: Option<u64>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("provider_org", &self.provider_org)
            .field("refresh_token", &"[REDACTED]")
            .field("vcpp_client_id", &self.vcpp_client_id)
            .field("vcpp_client_secret", &"[REDACTED]")
            .field("csp_token_lifetime", &self.csp_token_lifetime)
            .field("vcpp_token_lifetime", &self.vcpp_token_lifetime)
            .field("record_journal", &self.record_journal)
            .field("vmware_ids", &self.vmware_ids)
            .field("order_processing", &self.order_processing)
            .field("tenants", &self.tenants)
            .field("usage_report_rows", &self.usage_report_rows)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            // The provider organization of the CPHub guide's examples.
            provider_org: "9d9648a7-115a-4a06-a613-a0c4077469f7".to_owned(),
            refresh_token: "mock-refresh-token".to_owned(),
            vcpp_client_id: "mock-client-id".to_owned(),
            vcpp_client_secret: "mock-client-secret".to_owned(),
            csp_token_lifetime: Duration::from_secs(30 * 60),
            vcpp_token_lifetime: Duration::from_secs(20 * 60),
            record_journal: false,
            vmware_ids: Vec::new(),
            order_processing: Duration::ZERO,
            tenants: 0,
            usage_report_rows: None,
        }
    }
}

impl Config {
    /// The id of the provider organization the mock is seeded with.
    pub fn provider_org(mut self, org_id: impl Into<String>) -> Config {
        self.provider_org = org_id.into();
        self
    }

    /// The refresh token (API token) the CSP exchange accepts.
    pub fn refresh_token(mut self, token: impl Into<String>) -> Config {
        self.refresh_token = token.into();
        self
    }

    /// The client id and secret the VCPP token endpoint accepts.
    pub fn vcpp_credentials(mut self, id: impl Into<String>, secret: impl Into<String>) -> Config {
        self.vcpp_client_id = id.into();
        self.vcpp_client_secret = secret.into();
        self
    }

    /// How long the access tokens of both exchanges live; short lifetimes force refreshes.
    /// CSP tokens carry it as their JWT `exp` claim, VCPP answers announce it as `expires_in`,
    /// both in whole seconds, at least one.
    pub fn token_lifetime(self, lifetime: Duration) -> Config {
        self.csp_token_lifetime(lifetime)
            .vcpp_token_lifetime(lifetime)
    }

    /// How long CSP access tokens live.
    pub fn csp_token_lifetime(mut self, lifetime: Duration) -> Config {
        self.csp_token_lifetime = lifetime;
        self
    }

    /// How long VCPP bearer tokens live.
    pub fn vcpp_token_lifetime(mut self, lifetime: Duration) -> Config {
        self.vcpp_token_lifetime = lifetime;
        self
    }

    /// Gives `email` a VMware ID, as CSP's directory would. Adding a user who has one makes
    /// them a member at once; anyone else is sent an invitation. The members of the seeded
    /// organizations have one already.
    pub fn vmware_id(mut self, email: impl Into<String>) -> Config {
        self.vmware_ids.push(email.into());
        self
    }

    /// How long an order takes to appear in the order feed. The real service takes 2 to 48
    /// hours; the mock takes none unless told, so a test can see both sides.
    pub fn order_processing(mut self, delay: Duration) -> Config {
        self.order_processing = delay;
        self
    }

    /// Keeps every exchange (request line, status, answer body) for
    /// [`crate::MockServer::journal`]; off by default, since it holds every body.
    pub fn record_journal(mut self, on: bool) -> Config {
        self.record_journal = on;
        self
    }

    /// Seeds `count` more tenants of the provider, made from the spec's organization
    /// example: tenant `i` has the id [`crate::tenant_id`]`(i)`. For a provider at scale.
    pub fn tenants(mut self, count: usize) -> Config {
        self.tenants = count;
        self
    }

    /// Makes the CSV usage report exactly `rows` rows long, taking the rows its records
    /// give in turn (none when they give none), streamed in 64 KiB chunks so a report of
    /// any size costs the mock no memory. Unset, the report has the records' rows.
    pub fn usage_report_rows(mut self, rows: u64) -> Config {
        self.usage_report_rows = Some(rows);
        self
    }
}
