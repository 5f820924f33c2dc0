//! Typed client for the Cloud Partner Navigator **MSP API** (`/cphub/api/msp/v1`):
//! subscriptions of a managed service provider organization.
//!
//! Generated at build time from `specs/navigator-msp.yaml`; the spec is the source of truth.
//!
//! ```no_run
//! use navigator_msp::Client;
//! use sdk_runtime::{Auth, Runtime, presets};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let runtime = Runtime::builder()
//!     .auth(Auth::csp_refresh_token(presets::NAVIGATOR, std::env::var("CSP_API_TOKEN")?))
//!     .build()?;
//! let client = Client::with_runtime(presets::NAVIGATOR, runtime);
//! let subscription = client
//!     .get_subscription()
//!     .org_id("163739g-63hijgds-63840bn")
//!     .subscription_id("33628-4637-267384")
//!     .consolidate_offers(true)
//!     .send()
//!     .await?;
//! println!("{:?}", subscription.status);
//! # Ok(())
//! # }
//! ```

/// The generated client. Its docs come from the spec's prose, which clippy's style lints do
/// not govern; the generated code is reviewed as a snapshot instead.
#[allow(clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/navigator_msp.rs"));
}

pub use generated::*;
/// The runtime the client is built on: authentication, retries, timeouts, tracing.
pub use sdk_runtime;

/// Every JSON example of the spec round-trips through its generated type.
#[cfg(test)]
mod spec_examples {
    include!(concat!(env!("OUT_DIR"), "/navigator_msp_examples.rs"));
}
