//! The five token sources against the mock: each logs a runtime in, and the runtime's calls
//! succeed with the token it got: the Navigator API (refresh) token, the CSP API token at the
//! CSP gateway, an OAuth app created through the API, VCPP client credentials, and a source of
//! the user's own. Each exchanges once for two calls.

use cphub_auth::types::OrgOauthAppRequest;
use serde_json::json;
use vmware_cpn_mock::MockServer;
use vmware_cpn_runtime::{Auth, Credential, RetryPolicy, Runtime, Scheme, Token};
use vmware_cpn_test_support::typed;

use crate::common::Sdk;

fn runtime(auth: Auth) -> Runtime {
    Runtime::builder()
        .auth(auth)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Two calls of a Navigator surface through a runtime logged in with `auth`: both succeed on
/// one exchange.
async fn navigator_calls(mock: &MockServer, org: &str, auth: Auth, what: &str) {
    let runtime = runtime(auth);
    let core = cphub_core::Client::with_runtime(mock.base_url(), runtime.clone());
    for _ in 0..2 {
        core.list_tenants()
            .org_id(org)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
    }
    assert_eq!(runtime.auth().exchange_count(), 1, "{what}");
}

pub async fn five_sources(sdk: &Sdk, mock: &MockServer, org: &str) {
    navigator_calls(
        mock,
        org,
        Auth::csp_refresh_token(mock.base_url(), mock.refresh_token()),
        "Navigator API token",
    )
    .await;

    // The CSP gateway's exchange, as a source and called directly.
    navigator_calls(
        mock,
        org,
        Auth::csp_api_token(&mock.csp_api_token_url(), mock.refresh_token()),
        "CSP API token",
    )
    .await;
    let token = sdk
        .auth
        .exchange_csp_api_token(&mock.csp_api_token_url(), mock.refresh_token())
        .await
        .unwrap();
    assert!(token.lifetime().is_some(), "the gateway answers expires_in");
    let refused = sdk
        .auth
        .exchange_csp_api_token(&mock.csp_api_token_url(), "not-an-api-token")
        .await
        .unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(400));
    assert!(!format!("{refused} {refused:?}").contains("not-an-api-token"));

    let app: OrgOauthAppRequest = typed(json!({
        "displayName": "token-source",
        "allowedScopes": { "organizationScopes": { "roles": [{ "name": "msp:provider_account_admin" }] } },
    }));
    let created = sdk
        .auth
        .create_oauth_app()
        .org_id(org)
        .body(app)
        .send()
        .await
        .unwrap();
    let client_id = created.client_id.clone().unwrap();
    let secret = created.client_secret.as_ref().unwrap().expose().to_owned();
    navigator_calls(
        mock,
        org,
        Auth::navigator_oauth_app(mock.base_url(), org, client_id.clone(), secret),
        "Navigator OAuth app",
    )
    .await;
    assert!(mock.delete_oauth_app(&client_id));

    let runtime = runtime(Auth::vcpp_client_credentials(
        &mock.vcpp_token_url(),
        mock.vcpp_client_id(),
        mock.vcpp_client_secret(),
    ));
    let vcpp = vcpp::Client::with_runtime(&mock.vcpp_base_url(), runtime.clone());
    for _ in 0..2 {
        vcpp.list_commit_contracts().send().await.unwrap();
    }
    assert_eq!(
        runtime.auth().exchange_count(),
        1,
        "VCPP client credentials"
    );

    // A source of the user's own: here the token comes from the mock's issuer, as one would
    // from a vault or a sidecar.
    let issued = mock.issue_access_token();
    let own = Auth::from_fn(
        Credential::Custom("vault"),
        Scheme::CspAuthToken,
        move |_request| {
            let issued = issued.clone();
            async move { Ok(Token::new(issued)) }
        },
    );
    navigator_calls(mock, org, own, "a source of the user's own").await;
}
