//! The CSP API-token exchange (`exchange_csp_api_token`): served by hand because it lives on
//! its own server, the CSP gateway, beside Navigator. The request and the reading of its
//! answer are the runtime's token source ([`vmware_cpn_runtime::sources::CspApiToken`]),
//! written once for this method and for `Auth::csp_api_token` alike.

use progenitor_client::ClientInfo;
use vmware_cpn_runtime::sources::CspApiToken;
use vmware_cpn_runtime::{AuthError, Secret, Token, TokenRequest, TokenSource};

use crate::Client;

impl Client {
    /// Exchanges an organization-scoped CSP API token for an access token at `exchange_url`,
    /// the CSP gateway's exchange ([`servers::CSP`](crate::servers::CSP)), with this client's
    /// HTTP settings. The token is sent as `api_token` in a form body; the answer's lifetime
    /// (`expires_in`) comes with it. To have every call authenticated and renewed instead,
    /// build the runtime with `Auth::csp_api_token`.
    pub async fn exchange_csp_api_token(
        &self,
        exchange_url: &str,
        api_token: impl Into<Secret>,
    ) -> Result<Token, AuthError> {
        CspApiToken::new(exchange_url, api_token)
            .fetch(TokenRequest::direct(self.client()))
            .await
    }
}
