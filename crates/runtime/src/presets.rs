//! Base URLs of the services, for `Client::with_runtime`, and VCPP's token URLs, for
//! [`Auth::vcpp_client_credentials`](crate::Auth::vcpp_client_credentials): the named
//! servers (`x-name`) of the specs, written at build time from `specs/cphub-auth.yaml`
//! (which every CPHub/Navigator surface shares, with the CSP gateway where a CSP API token
//! is exchanged, for [`Auth::csp_api_token`](crate::Auth::csp_api_token)) and
//! `specs/vcpp.yaml`.

include!(concat!(env!("OUT_DIR"), "/presets.rs"));
