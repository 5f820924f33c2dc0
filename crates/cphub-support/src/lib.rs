//! Typed client for Cloud Partner Navigator **support requests**
//! (`/cphub/api/support/v1`): create, read and update tickets.
//!
//! Generated at build time from `specs/cphub-support.yaml`; the spec is the source of truth.
//! Two parts are written by hand, where the spec cannot say it all:
//! - [`Client::upload_attachment`] streams a file as `multipart/form-data` (progenitor cannot
//!   send multipart bodies), without reading it whole into memory;
//! - [`builder::ListSupportRequests::stream`] walks every page of the ticket list
//!   (`pageStart`/`pageLimit`).
//!
//! ```no_run
//! use cphub_support::Client;
//! use sdk_runtime::{Auth, Runtime, presets};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let runtime = Runtime::builder()
//!     .auth(Auth::csp_refresh_token(presets::NAVIGATOR, std::env::var("CSP_API_TOKEN")?))
//!     .build()?;
//! let client = Client::with_runtime(presets::NAVIGATOR, runtime);
//! let ticket = client
//!     .get_support_request()
//!     .org_id("00dcd47b-867d-46a1-b5ac-c9c22a4427cb")
//!     .support_request_id("18625917011")
//!     .send()
//!     .await?;
//! println!("{:?} is {:?}", ticket.case_id, ticket.status);
//! # Ok(())
//! # }
//! ```

/// The generated client. Its docs come from the spec's prose, which clippy's style lints do
/// not govern; the generated code is reviewed as a snapshot instead.
#[allow(clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/cphub_support.rs"));
}

pub use generated::*;
/// The runtime the client is built on: authentication, retries, timeouts, tracing.
pub use sdk_runtime;

mod attachment;
mod paging;

pub use attachment::Attachment;
pub use paging::DEFAULT_PAGE_LIMIT;

/// Every JSON example of the spec round-trips through its generated type.
#[cfg(test)]
mod spec_examples {
    include!(concat!(env!("OUT_DIR"), "/cphub_support_examples.rs"));
}
