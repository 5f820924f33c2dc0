//! Base URLs of the services, for `Client::with_runtime`.

/// Cloud Partner Navigator: every CPHub/Navigator surface.
pub const NAVIGATOR: &str = "https://console.navigator.vmware.com";
/// The legacy Cloud Provider Hub host, which serves the same API.
pub const CPHUB_LEGACY: &str = "https://console.cloud.vmware.com";
/// The VCPP API root, production.
pub const VCPP_PRODUCTION: &str = "https://vconnect.vmware.com/v1/m3/api/vcpp";
/// The VCPP API root, development (sandbox).
pub const VCPP_DEVELOPMENT: &str = "https://apigw-test.vmware.com/cd/v1/m3/api/vcpp";
/// The VCPP token endpoint, production (the m0 root).
pub const VCPP_PRODUCTION_TOKEN: &str = "https://vconnect.vmware.com/v1/m0/api/token/oauth";
/// The VCPP token endpoint, development.
pub const VCPP_DEVELOPMENT_TOKEN: &str = "https://apigw-test.vmware.com/cd/v1/m0/api/token/oauth";
