//! The six clients, authenticated against a mock the way a user would be against the real
//! services: a CSP refresh token, and VCPP client credentials.

#![allow(dead_code)] // each test file uses a part of it

pub mod binary;
pub mod conformance;

use vmware_cpn_mock::MockServer;
use vmware_cpn_runtime::{Auth, RetryPolicy, Runtime};

pub struct Sdk {
    pub core: cphub_core::Client,
    pub auth: cphub_auth::Client,
    pub billing: cphub_billing::Client,
    pub support: cphub_support::Client,
    pub msp: navigator_msp::Client,
    pub vcpp: vcpp::Client,
    /// The mock's provider organization.
    pub org: String,
}

impl Sdk {
    /// Clients whose runtime does not retry, so a test sees every failure.
    pub fn new(mock: &MockServer) -> Sdk {
        Sdk::with_retry(mock, RetryPolicy::none())
    }

    pub fn with_retry(mock: &MockServer, retry: RetryPolicy) -> Sdk {
        let csp_runtime = Runtime::builder()
            .auth(Auth::csp_refresh_token(
                mock.base_url(),
                mock.refresh_token(),
            ))
            .retry(retry)
            .build()
            .expect("a default HTTP client builds");
        let vcpp_runtime = csp_runtime.with_auth(Auth::vcpp_client_credentials(
            &mock.vcpp_token_url(),
            mock.vcpp_client_id(),
            mock.vcpp_client_secret(),
        ));
        let base = mock.base_url();
        Sdk {
            core: cphub_core::Client::with_runtime(base, csp_runtime.clone()),
            auth: cphub_auth::Client::with_runtime(base, csp_runtime.clone()),
            billing: cphub_billing::Client::with_runtime(base, csp_runtime.clone()),
            support: cphub_support::Client::with_runtime(base, csp_runtime.clone()),
            msp: navigator_msp::Client::with_runtime(base, csp_runtime.clone()),
            vcpp: vcpp::Client::with_runtime(&mock.vcpp_base_url(), vcpp_runtime),
            org: mock.provider_org().to_owned(),
        }
    }

    /// `list_tenants` of the provider organization: the call most tests make.
    pub async fn list_tenants(
        &self,
    ) -> Result<
        cphub_core::ResponseValue<Vec<cphub_core::types::Organization>>,
        cphub_core::Error<cphub_core::types::ErrorResponse>,
    > {
        self.core.list_tenants().org_id(&self.org).send().await
    }
}
