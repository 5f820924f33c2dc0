//! Typed client for Cloud Partner Navigator **access tokens and user management**
//! (`/cphub/api/auth/v1`): exchange an API token for an access token, and list the users of
//! an organization with their roles.
//!
//! Generated at build time from `specs/cphub-auth.yaml`; the spec is the source of truth.
//!
//! ```no_run
//! use cphub_auth::Client;
//! use sdk_runtime::{Auth, Runtime, presets};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! // The runtime exchanges the API token (`get_access_token`) itself, and again before the
//! // access token expires: calls need no token handling.
//! let runtime = Runtime::builder()
//!     .auth(Auth::csp_refresh_token(presets::NAVIGATOR, std::env::var("CSP_API_TOKEN")?))
//!     .build()?;
//! let client = Client::with_runtime(presets::NAVIGATOR, runtime);
//! let users = client.list_users().org_id("9d9648a7-115a-4a06-a613-a0c4077469f7").send().await?;
//! println!("{} users", users.len());
//! # Ok(())
//! # }
//! ```

/// The generated client. Its docs come from the spec's prose, which clippy's style lints do
/// not govern; the generated code is reviewed as a snapshot instead.
#[allow(clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/cphub_auth.rs"));
}

pub use generated::*;
/// The runtime the client is built on: authentication, retries, timeouts, tracing.
pub use sdk_runtime;

/// Every JSON example of the spec round-trips through its generated type.
#[cfg(test)]
mod spec_examples {
    include!(concat!(env!("OUT_DIR"), "/cphub_auth_examples.rs"));
}
