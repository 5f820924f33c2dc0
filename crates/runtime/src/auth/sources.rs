//! The built-in token sources: what each sends, where, and what it spends. Sending and
//! reading the answer is [`exchange_token`](super::exchange::exchange_token)'s, the same for
//! all four.

use std::fmt;
use std::time::Duration;

use super::credentials::{Credential, Scheme};
use super::exchange::{basic_credentials, exchange_token};
use super::source::{TokenFuture, TokenRequest, TokenSource};
use crate::secret::Secret;

/// How long a CSP or Navigator access token lives when neither the answer nor the token (a
/// JWT's `exp` claim) says.
pub const CSP_DEFAULT_LIFETIME: Duration = Duration::from_secs(30 * 60);
/// How long a VCPP bearer token lives when the exchange does not say (the guide's 20 minutes).
pub const VCPP_DEFAULT_LIFETIME: Duration = Duration::from_secs(1200);

// `CSP_EXCHANGE_PATH` and `NAVIGATOR_OAUTH_PATH`, from the spec (see build.rs; the CSP
// API-token exchange is a server of its own there, so its whole URL is `presets::CSP`).
include!(concat!(env!("OUT_DIR"), "/exchanges.rs"));

fn url(base_url: &str, path: &str) -> String {
    format!("{}{path}", base_url.trim_end_matches('/'))
}

/// A Navigator (CPHub) API token, exchanged at `{base_url}/cphub/api/auth/v1/authn/accesstoken`
/// (cphub-auth's `get_access_token`): `POST {"refreshToken": …}`, answered with
/// `accessToken`. What [`Auth::csp_refresh_token`](crate::Auth::csp_refresh_token) spends.
#[derive(Clone)]
pub struct NavigatorRefreshToken {
    url: String,
    refresh_token: Secret,
}

impl NavigatorRefreshToken {
    /// The API token `refresh_token` of a Navigator organization, exchanged under `base_url`
    /// ([`presets::NAVIGATOR`](crate::presets::NAVIGATOR)).
    pub fn new(base_url: &str, refresh_token: impl Into<Secret>) -> NavigatorRefreshToken {
        NavigatorRefreshToken {
            url: url(base_url, CSP_EXCHANGE_PATH),
            refresh_token: refresh_token.into(),
        }
    }
}

impl TokenSource for NavigatorRefreshToken {
    fn credential(&self) -> Credential {
        Credential::CspRefreshToken
    }

    fn scheme(&self) -> Scheme {
        Scheme::CspAuthToken
    }

    fn fetch(&self, request: TokenRequest) -> TokenFuture<'_> {
        Box::pin(async move {
            let body = serde_json::json!({ "refreshToken": self.refresh_token });
            let sent = request.http().post(&self.url).json(&body);
            let token = exchange_token(self.credential(), sent, &[&self.refresh_token]).await?;
            Ok(token.or_default_lifetime(CSP_DEFAULT_LIFETIME))
        })
    }

    fn describe(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl fmt::Debug for NavigatorRefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NavigatorRefreshToken")
            .field("url", &self.url)
            .field("refresh_token", &self.refresh_token)
            .finish()
    }
}

/// A CSP API token (generated in the CSP console), exchanged at the CSP gateway's
/// `…/csp/gateway/am/api/auth/api-tokens/authorize`: a form-encoded
/// `api_token=…`, answered with `access_token` and `expires_in`. What
/// [`Auth::csp_api_token`](crate::Auth::csp_api_token) spends.
#[derive(Clone)]
pub struct CspApiToken {
    url: String,
    api_token: Secret,
}

impl CspApiToken {
    /// The API token `api_token`, exchanged at `exchange_url`, the URL of the CSP gateway's
    /// exchange ([`presets::CSP`](crate::presets::CSP), as the spec names it), as VCPP's
    /// client credentials are at their token URL.
    pub fn new(exchange_url: &str, api_token: impl Into<Secret>) -> CspApiToken {
        CspApiToken {
            url: exchange_url.to_owned(),
            api_token: api_token.into(),
        }
    }
}

impl TokenSource for CspApiToken {
    fn credential(&self) -> Credential {
        Credential::CspApiToken
    }

    fn scheme(&self) -> Scheme {
        Scheme::CspAuthToken
    }

    fn fetch(&self, request: TokenRequest) -> TokenFuture<'_> {
        Box::pin(async move {
            // `api_token`: the reference deprecates the older `refresh_token` field.
            let form = [("api_token", self.api_token.expose())];
            let sent = request.http().post(&self.url).form(&form);
            let token = exchange_token(self.credential(), sent, &[&self.api_token]).await?;
            Ok(token.or_default_lifetime(CSP_DEFAULT_LIFETIME))
        })
    }

    fn describe(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl fmt::Debug for CspApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CspApiToken")
            .field("url", &self.url)
            .field("api_token", &self.api_token)
            .finish()
    }
}

/// A Navigator OAuth app's client id and secret, exchanged at
/// `{base_url}/cphub/api/auth/v2/authn/authorize?orgId=…` (cphub-auth's
/// `authorize_oauth_app`): HTTP Basic, a form-encoded `grant_type=client_credentials`,
/// answered with `accessToken`. What
/// [`Auth::navigator_oauth_app`](crate::Auth::navigator_oauth_app) spends.
#[derive(Clone)]
pub struct NavigatorOAuthApp {
    url: String,
    org_id: String,
    client_id: String,
    client_secret: Secret,
    basic: Secret,
}

impl NavigatorOAuthApp {
    /// The OAuth app `client_id` with `client_secret`, for a token in the organization
    /// `org_id`, exchanged under `base_url` ([`presets::NAVIGATOR`](crate::presets::NAVIGATOR)).
    pub fn new(
        base_url: &str,
        org_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> NavigatorOAuthApp {
        let client_id = client_id.into();
        let client_secret = client_secret.into();
        NavigatorOAuthApp {
            url: url(base_url, NAVIGATOR_OAUTH_PATH),
            org_id: org_id.into(),
            basic: basic_credentials(&client_id, &client_secret),
            client_id,
            client_secret,
        }
    }
}

impl TokenSource for NavigatorOAuthApp {
    fn credential(&self) -> Credential {
        Credential::NavigatorOAuthApp
    }

    fn scheme(&self) -> Scheme {
        Scheme::CspAuthToken
    }

    fn fetch(&self, request: TokenRequest) -> TokenFuture<'_> {
        Box::pin(async move {
            let sent = request
                .http()
                .post(&self.url)
                .query(&[("orgId", self.org_id.as_str())])
                .basic_auth(&self.client_id, Some(self.client_secret.expose()))
                .form(&[("grant_type", "client_credentials")]);
            let spent = [&self.client_secret, &self.basic];
            let token = exchange_token(self.credential(), sent, &spent).await?;
            Ok(token.or_default_lifetime(CSP_DEFAULT_LIFETIME))
        })
    }

    fn describe(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl fmt::Debug for NavigatorOAuthApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NavigatorOAuthApp")
            .field("url", &self.url)
            .field("org_id", &self.org_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish()
    }
}

/// VCPP client credentials, exchanged with HTTP Basic at the m0 token URL
/// (`…/v1/m0/api/token/oauth`), answered with `access_token` and `expires_in`, sent as a
/// bearer token. What [`Auth::vcpp_client_credentials`](crate::Auth::vcpp_client_credentials)
/// spends.
#[derive(Clone)]
pub struct VcppClientCredentials {
    url: String,
    client_id: String,
    client_secret: Secret,
    basic: Secret,
}

impl VcppClientCredentials {
    /// The client `client_id` with `client_secret`, exchanged at `token_url`
    /// ([`presets::VCPP_PRODUCTION_TOKEN`](crate::presets::VCPP_PRODUCTION_TOKEN), or
    /// `vcpp::token_url` of an API root).
    pub fn new(
        token_url: &str,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> VcppClientCredentials {
        let client_id = client_id.into();
        let client_secret = client_secret.into();
        VcppClientCredentials {
            url: token_url.to_owned(),
            basic: basic_credentials(&client_id, &client_secret),
            client_id,
            client_secret,
        }
    }
}

impl TokenSource for VcppClientCredentials {
    fn credential(&self) -> Credential {
        Credential::VcppClientCredentials
    }

    fn scheme(&self) -> Scheme {
        Scheme::Bearer
    }

    fn fetch(&self, request: TokenRequest) -> TokenFuture<'_> {
        Box::pin(async move {
            let sent = request
                .http()
                .post(&self.url)
                .basic_auth(&self.client_id, Some(self.client_secret.expose()));
            let spent = [&self.client_secret, &self.basic];
            let token = exchange_token(self.credential(), sent, &spent).await?;
            Ok(token.or_default_lifetime(VCPP_DEFAULT_LIFETIME))
        })
    }

    fn describe(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl fmt::Debug for VcppClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VcppClientCredentials")
            .field("url", &self.url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    //! What each built-in source sends, exactly, and how it reads the answer's lifetime.

    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use httpmock::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::auth::source::FetchReason;

    async fn fetch(source: &dyn TokenSource) -> crate::Token {
        let http = crate::http_client_builder().build().unwrap();
        source
            .fetch(TokenRequest::new(&http, FetchReason::Cold))
            .await
            .unwrap()
    }

    fn jwt_expiring_in(seconds: u64) -> String {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        let claims = json!({ "exp": now.as_secs() + seconds }).to_string();
        format!(
            "{}.{}.c2ln",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#),
            URL_SAFE_NO_PAD.encode(claims)
        )
    }

    fn about(lifetime: Option<Duration>, seconds: u64) -> bool {
        lifetime.is_some_and(|l| {
            l <= Duration::from_secs(seconds)
                && l + Duration::from_secs(2) > Duration::from_secs(seconds)
        })
    }

    #[tokio::test]
    async fn the_navigator_refresh_token_is_posted_as_json_and_the_jwt_says_the_lifetime() {
        let server = MockServer::start_async().await;
        let token = jwt_expiring_in(600);
        let mock = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path("/cphub/api/auth/v1/authn/accesstoken")
                    .header("content-type", "application/json")
                    .header("accept", "application/json")
                    .header_missing("csp-auth-token")
                    .header_missing("authorization")
                    .json_body(json!({ "refreshToken": "api-token" }));
                then.status(201).json_body(json!({
                    "accessToken": token,
                    "idToken": "id",
                    "refreshToken": "api-token",
                    "returnUrl": "https://example.com/",
                }));
            })
            .await;

        let source = NavigatorRefreshToken::new(&format!("{}/", server.base_url()), "api-token");
        let issued = fetch(&source).await;

        mock.assert_async().await;
        assert_eq!(issued.value().expose(), token);
        assert!(about(issued.lifetime(), 600), "{:?}", issued.lifetime());
        assert_eq!(source.scheme(), Scheme::CspAuthToken);
    }

    #[tokio::test]
    async fn the_csp_api_token_is_posted_form_encoded_as_api_token() {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path("/csp/gateway/am/api/auth/api-tokens/authorize")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header_missing("csp-auth-token")
                    .header_missing("authorization")
                    .body("api_token=a%2Bb+c%26d");
                then.status(200).json_body(json!({
                    "access_token": "csp-access",
                    "expires_in": 1799,
                    "id_token": "id",
                    "refresh_token": "a+b c&d",
                    "scope": "*",
                    "token_type": "bearer",
                }));
            })
            .await;

        let source = CspApiToken::new(
            &server.url("/csp/gateway/am/api/auth/api-tokens/authorize"),
            "a+b c&d",
        );
        let issued = fetch(&source).await;

        mock.assert_async().await;
        assert_eq!(issued.value().expose(), "csp-access");
        assert_eq!(issued.lifetime(), Some(Duration::from_secs(1799)));
        assert_eq!(source.scheme(), Scheme::CspAuthToken);
    }

    #[tokio::test]
    async fn the_oauth_app_sends_http_basic_its_org_in_the_query_and_a_client_credentials_form() {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path("/cphub/api/auth/v2/authn/authorize")
                    .query_param("orgId", "org 1")
                    .header(
                        "authorization",
                        format!("Basic {}", STANDARD.encode("app:app-secret")),
                    )
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body("grant_type=client_credentials");
                then.status(200)
                    .json_body(json!({ "accessToken": "opaque", "idToken": "id" }));
            })
            .await;

        let source = NavigatorOAuthApp::new(&server.base_url(), "org 1", "app", "app-secret");
        let issued = fetch(&source).await;

        mock.assert_async().await;
        assert_eq!(issued.value().expose(), "opaque");
        // No `expiresIn`, no JWT: the documented default.
        assert_eq!(issued.lifetime(), Some(CSP_DEFAULT_LIFETIME));
    }

    #[tokio::test]
    async fn vcpp_client_credentials_send_http_basic_and_read_expires_in() {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(POST).path("/v1/m0/api/token/oauth").header(
                    "authorization",
                    format!("Basic {}", STANDARD.encode("id:secret")),
                );
                then.status(200).json_body(json!({
                    "access_token": "vcpp-access",
                    "token_type": "bearer",
                }));
            })
            .await;

        let source =
            VcppClientCredentials::new(&server.url("/v1/m0/api/token/oauth"), "id", "secret");
        let issued = fetch(&source).await;

        mock.assert_async().await;
        assert_eq!(issued.value().expose(), "vcpp-access");
        assert_eq!(issued.lifetime(), Some(VCPP_DEFAULT_LIFETIME));
        assert_eq!(source.scheme(), Scheme::Bearer);
    }

    #[test]
    fn debug_shows_where_and_who_but_no_secret() {
        let text = format!(
            "{:?} {:?} {:?} {:?}",
            NavigatorRefreshToken::new("http://h", "s-1"),
            CspApiToken::new("http://h", "s-2"),
            NavigatorOAuthApp::new("http://h", "org", "app", "s-3"),
            VcppClientCredentials::new("http://h/t", "vcpp-id", "s-4"),
        );
        for secret in ["s-1", "s-2", "s-3", "s-4", &STANDARD.encode("app:s-3")] {
            assert!(!text.contains(secret), "{secret}: {text}");
        }
        for shown in ["http://h", "org", "app", "vcpp-id", "[REDACTED]"] {
            assert!(text.contains(shown), "{shown}: {text}");
        }
    }
}
