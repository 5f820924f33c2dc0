//! Base URLs of the services, for `Client::with_runtime`, and VCPP's token URLs, for
//! [`Auth::vcpp_client_credentials`](crate::Auth::vcpp_client_credentials): the named
//! servers (`x-name`) of the specs, written at build time from `specs/cphub-auth.yaml`
//! (which every CPHub/Navigator surface shares) and `specs/vcpp.yaml`; and the CSP gateway,
//! for [`Auth::csp_api_token`](crate::Auth::csp_api_token).

include!(concat!(env!("OUT_DIR"), "/presets.rs"));

/// The VMware Cloud Services Platform gateway, where a CSP API token is exchanged (the host
/// of the CSP IAM reference's `POST /csp/gateway/am/api/auth/api-tokens/authorize`). No spec
/// of CSP IAM is carried, so it is written here, once.
pub const CSP: &str = "https://console.cloud.vmware.com";
