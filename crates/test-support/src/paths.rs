//! The request paths the loopback servers answer, as the specs and the token exchanges publish
//! them: one copy for every fake and every test that canned an answer at one.

use crate::ORG;

/// Navigator's API-token exchange (`get_access_token` of cphub-auth): JSON `{refreshToken}`.
pub const NAVIGATOR_EXCHANGE: &str = "/cphub/api/auth/v1/authn/accesstoken";

/// CSP's API-token exchange: form `api_token=…`.
pub const CSP_EXCHANGE: &str = "/csp/gateway/am/api/auth/api-tokens/authorize";

/// Navigator's OAuth-app exchange: HTTP Basic, form `grant_type=client_credentials`.
pub const OAUTH_EXCHANGE: &str = "/cphub/api/auth/v2/authn/authorize";

/// VCPP's token exchange (HTTP Basic client credentials), beside the API root.
pub const VCPP_TOKEN: &str = "/v1/m0/api/token/oauth";

/// VCPP's API root: its operations' paths are under it.
pub const VCPP_ROOT: &str = "/v1/m3/api/vcpp";

/// `list_tenants` and `create_tenant` of cphub-core, for [`ORG`].
pub fn tenants() -> String {
    format!("/cphub/api/core/v1/mgmt/orgs/{ORG}/tenants")
}
