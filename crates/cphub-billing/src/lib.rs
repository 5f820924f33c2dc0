//! Typed client for Cloud Partner Navigator **usage reports and subscriptions**
//! (`/cphub/api/billing/v1`): the raw usage report as JSON or as a CSV file.
//!
//! Generated at build time from `specs/cphub-billing.yaml`; the spec is the source of truth.
//!
//! ```no_run
//! use cphub_billing::Client;
//! use sdk_runtime::{Auth, Runtime, presets};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let runtime = Runtime::builder()
//!     .auth(Auth::csp_refresh_token(presets::NAVIGATOR, std::env::var("CSP_API_TOKEN")?))
//!     .build()?;
//! let client = Client::with_runtime(presets::NAVIGATOR, runtime);
//! let report = client
//!     .get_usage_report()
//!     .org_id("00dcd47b-867d-46a1-b5ac-c9c22a4427cb")
//!     .tenant_id("73338bcc-17e0-4480-9d25-f654532a1ee0")
//!     .start_time(1536856769)
//!     .end_time(1538411969)
//!     .send()
//!     .await?;
//! for org in report.iter() {
//!     println!("{:?}: {:?}", org.org_name, org.org_usage_amount);
//! }
//! # Ok(())
//! # }
//! ```

/// The generated client. Its docs come from the spec's prose, which clippy's style lints do
/// not govern; the generated code is reviewed as a snapshot instead.
#[allow(clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/cphub_billing.rs"));
}

pub use generated::*;
/// The runtime the client is built on: authentication, retries, timeouts, tracing.
pub use sdk_runtime;

/// Every JSON example of the spec round-trips through its generated type.
#[cfg(test)]
mod spec_examples {
    include!(concat!(env!("OUT_DIR"), "/cphub_billing_examples.rs"));
}
