//! Typed client for the **VMware Cloud Provider Program (VCPP) API**: commit contracts,
//! service instances, subscription products, orders and the order feed.
//!
//! Generated at build time from `specs/vcpp.yaml`; the spec is the source of truth. The base
//! URL is the API root, production [`PRODUCTION`] or development [`DEVELOPMENT`]. Three
//! operations are in the spec but served by hand:
//! - [`Client::get_token`]: the token exchange lives under the separate m0 root, derived from
//!   the API root ([`token_url`]);
//! - [`Client::place_order`] and [`Client::place_order_xml`]: the body is JSON, or the guide's
//!   XML ([`order_to_xml`]);
//! - [`Client::get_order_feed`]: the Atom feed, parsed into typed [`OrderFeedEntry`]s
//!   ([`Client::get_order_feed_json`] for the JSON form).
//!
//! ```no_run
//! use sdk_runtime::{Auth, Runtime, presets};
//! use vcpp::Client;
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! // Bearer tokens are exchanged for the client credentials as needed (20-minute lifetime).
//! let runtime = Runtime::builder()
//!     .auth(Auth::vcpp_client_credentials(
//!         presets::VCPP_PRODUCTION_TOKEN,
//!         std::env::var("VCPP_CLIENT_ID")?,
//!         std::env::var("VCPP_CLIENT_SECRET")?,
//!     ))
//!     .build()?;
//! let client = Client::with_runtime(presets::VCPP_PRODUCTION, runtime);
//! let contracts = client.list_commit_contracts().send().await?;
//! for contract in &contracts.contract_list {
//!     println!("{:?}: balance {:?}", contract.contract_number, contract.contract_balance);
//! }
//! # Ok(())
//! # }
//! ```

/// The generated client. Its docs come from the spec's prose, which clippy's style lints do
/// not govern; the generated code is reviewed as a snapshot instead.
#[allow(clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/vcpp.rs"));
}

pub use generated::*;
/// The runtime the client is built on: authentication, retries, timeouts, tracing.
pub use sdk_runtime;

mod calls;
mod order_feed;
mod order_xml;

pub use calls::{OrderFeedError, OrderFeedQuery, token_url};
pub use order_feed::{AtomError, AtomLink, OrderFeed, OrderFeedEntry, OrderFeedStatus};
pub use order_xml::{OrderXmlError, order_to_xml};

/// The production and development (sandbox) API roots.
pub use sdk_runtime::presets::{VCPP_DEVELOPMENT as DEVELOPMENT, VCPP_PRODUCTION as PRODUCTION};

/// Every JSON example of the spec round-trips through its generated type.
#[cfg(test)]
mod spec_examples {
    include!(concat!(env!("OUT_DIR"), "/vcpp_examples.rs"));
}
