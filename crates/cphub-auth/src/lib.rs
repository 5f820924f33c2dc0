//! Typed client for Cloud Partner Navigator **access tokens and user management**
//! (`/cphub/api/auth/v1`): exchange an API token for an access token, and list the users of
//! an organization with their roles.
//!
//! Generated at build time from `specs/cphub-auth.yaml`; the spec is the source of truth.
//!
//! ```no_run
//! use cphub_auth::{Client, types::AccessTokenRequest};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::new("https://console.navigator.vmware.com");
//! let token = client
//!     .get_access_token()
//!     .body(AccessTokenRequest::builder().refresh_token("your_api_token"))
//!     .send()
//!     .await?;
//! // Every other call sends this as the `csp-auth-token` header.
//! let _access_token = &token.access_token;
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

/// Every JSON example of the spec round-trips through its generated type.
#[cfg(test)]
mod spec_examples {
    include!(concat!(env!("OUT_DIR"), "/cphub_auth_examples.rs"));
}
