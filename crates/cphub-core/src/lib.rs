//! Typed client for Cloud Partner Navigator **tenant organization management**
//! (`/cphub/api/core/v1`): create, list, read and update the tenants of a provider
//! organization.
//!
//! The client, its request builders and its [`types`] are generated at build time from
//! `specs/cphub-core.yaml`; that spec is the source of truth, and the generated code is
//! reviewed as a snapshot under `tests/snapshots/`.
//!
//! ```no_run
//! use cphub_core::{Client, types::{TenantCreate, TenantType}};
//! use sdk_runtime::{Auth, Runtime, presets};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let runtime = Runtime::builder()
//!     .auth(Auth::csp_refresh_token(presets::NAVIGATOR, std::env::var("CSP_API_TOKEN")?))
//!     .build()?;
//! let client = Client::with_runtime(presets::NAVIGATOR, runtime);
//! let tenant = client
//!     .create_tenant()
//!     .org_id("9d9648a7-115a-4a06-a613-a0c4077469f7")
//!     .body(
//!         TenantCreate::builder()
//!             .tenant_type(TenantType::Default)
//!             .country("US")
//!             .display_name("Lorem")
//!             .company_name("Lorem Ipsum")
//!             .city("Atlanta")
//!             .state("Georgia")
//!             .zip("30313")
//!             .domain("lorem.com"),
//!     )
//!     .send()
//!     .await?;
//! println!("created tenant {:?}", tenant.id);
//! # Ok(())
//! # }
//! ```

/// The generated client. Its docs come from the spec's prose, which clippy's style lints do
/// not govern; the generated code is reviewed as a snapshot instead.
#[allow(clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/cphub_core.rs"));
}

pub use generated::*;
/// The runtime the client is built on: authentication, retries, timeouts, tracing.
pub use sdk_runtime;

/// Every JSON example of the spec round-trips through its generated type.
#[cfg(test)]
mod spec_examples {
    include!(concat!(env!("OUT_DIR"), "/cphub_core_examples.rs"));
}
