//! Typed client for the **VMware Cloud Provider Program (VCPP) API**: commit contracts,
//! service instances, subscription products, orders and the order feed.
//!
//! Generated at build time from `specs/vcpp.yaml`; the spec is the source of truth. The base
//! URL is the API root, production `https://vconnect.vmware.com/v1/m3/api/vcpp` or
//! development `https://apigw-test.vmware.com/cd/v1/m3/api/vcpp`. Two operations are in the
//! spec but served by hand: the token exchange (it lives under the separate m0 root) and
//! placing an order (its body is JSON or XML).
//!
//! ```no_run
//! use vcpp::Client;
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::new("https://vconnect.vmware.com/v1/m3/api/vcpp");
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

/// Every JSON example of the spec round-trips through its generated type.
#[cfg(test)]
mod spec_examples {
    include!(concat!(env!("OUT_DIR"), "/vcpp_examples.rs"));
}
