//! The token sources under test, each built against the loopback fake of
//! [`fake_exchanges`](crate::fake_exchanges): the four built-in exchanges, a closure of your
//! own with no HTTP (a vault client) and a `TokenSource` of your own over HTTP (a sidecar);
//! and a call through the generated client of each one's surface.

use std::sync::{Arc, Mutex};

use crate::ORG;
use crate::fake_exchanges::{
    self as fake, CSP_API_TOKEN, Fake, NAVIGATOR_API_TOKEN, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET,
    SIDECAR_KEY, VCPP_CLIENT_ID, VCPP_CLIENT_SECRET,
};
use crate::paths::{CSP_EXCHANGE, VCPP_ROOT, VCPP_TOKEN};
use vmware_cpn_runtime::{
    Auth, AuthError, Credential, FetchReason, Runtime, Scheme, Secret, Token, TokenFuture,
    TokenRequest, TokenSource, exchange_token,
};

/// The sources under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// `Auth::csp_refresh_token`: Navigator's API-token exchange.
    NavigatorRefreshToken,
    /// `Auth::csp_api_token`: CSP's API-token exchange.
    CspApiToken,
    /// `Auth::navigator_oauth_app`: Navigator's OAuth-app exchange.
    NavigatorOAuthApp,
    /// `Auth::vcpp_client_credentials`: VCPP's exchange.
    VcppClientCredentials,
    /// `Auth::from_fn`: tokens from an in-process vault, no HTTP.
    Vault,
    /// `Auth::from_source`: a `TokenSource` of its own, asking a sidecar over HTTP.
    Sidecar,
}

/// Every source, in [`Source`]'s order.
pub const ALL: [Source; 6] = [
    Source::NavigatorRefreshToken,
    Source::CspApiToken,
    Source::NavigatorOAuthApp,
    Source::VcppClientCredentials,
    Source::Vault,
    Source::Sidecar,
];

const VAULT: Credential = Credential::Custom("vault token");
const SIDECAR: Credential = Credential::Custom("sidecar token");

/// A source written outside the runtime: the sidecar hands out tokens to whoever shows
/// its key, through the runtime's HTTP client and the runtime's one exchange (so its
/// answers are read, and its refusals redacted, as the built-in sources' are).
pub struct SidecarSource {
    /// Where the sidecar answers.
    pub url: String,
    /// The key it asks for.
    pub key: Secret,
}

impl TokenSource for SidecarSource {
    fn credential(&self) -> Credential {
        SIDECAR
    }

    fn scheme(&self) -> Scheme {
        Scheme::CspAuthToken
    }

    fn fetch(&self, request: TokenRequest) -> TokenFuture<'_> {
        Box::pin(async move {
            let sent = request
                .http()
                .get(&self.url)
                .header("x-sidecar-key", self.key.expose());
            exchange_token(SIDECAR, sent, &[&self.key]).await
        })
    }
}

/// The reasons the vault closure was asked for a token, in order.
pub type Reasons = Arc<Mutex<Vec<FetchReason>>>;

impl Source {
    /// The provider, with the right credentials (`wrong`: a refused secret).
    pub fn auth(self, base: &str, fake: &Arc<Fake>, wrong: bool) -> (Auth, Reasons) {
        let secret = |right: &str| {
            if wrong {
                format!("not-{right}")
            } else {
                right.to_owned()
            }
        };
        let reasons = Reasons::default();
        let auth = match self {
            Source::NavigatorRefreshToken => {
                Auth::csp_refresh_token(base, secret(NAVIGATOR_API_TOKEN))
            }
            Source::CspApiToken => {
                Auth::csp_api_token(&format!("{base}{CSP_EXCHANGE}"), secret(CSP_API_TOKEN))
            }
            Source::NavigatorOAuthApp => {
                Auth::navigator_oauth_app(base, ORG, OAUTH_CLIENT_ID, secret(OAUTH_CLIENT_SECRET))
            }
            Source::VcppClientCredentials => Auth::vcpp_client_credentials(
                &format!("{base}{VCPP_TOKEN}"),
                VCPP_CLIENT_ID,
                secret(VCPP_CLIENT_SECRET),
            ),
            Source::Vault => {
                let fake = fake.clone();
                let asked = reasons.clone();
                Auth::from_fn(VAULT, Scheme::CspAuthToken, move |request| {
                    let fake = fake.clone();
                    asked.lock().unwrap().push(request.reason());
                    async move {
                        if wrong {
                            return Err(AuthError::new(VAULT, "the vault is sealed"));
                        }
                        let (token, lifetime) = fake.vault_issue().await;
                        Ok(Token::new(token).with_lifetime(lifetime))
                    }
                })
            }
            Source::Sidecar => Auth::from_source(SidecarSource {
                url: format!("{base}{}", fake::SIDECAR),
                key: Secret::new(secret(SIDECAR_KEY)),
            }),
        };
        (auth, reasons)
    }

    /// The credential the source says it spends.
    pub fn credential(self) -> Credential {
        match self {
            Source::NavigatorRefreshToken => Credential::CspRefreshToken,
            Source::CspApiToken => Credential::CspApiToken,
            Source::NavigatorOAuthApp => Credential::NavigatorOAuthApp,
            Source::VcppClientCredentials => Credential::VcppClientCredentials,
            Source::Vault => VAULT,
            Source::Sidecar => SIDECAR,
        }
    }

    /// What the source spends, in every form a server could echo: none may be printed.
    pub fn secrets(self) -> Vec<String> {
        let mut secrets = vec![
            NAVIGATOR_API_TOKEN.to_owned(),
            CSP_API_TOKEN.to_owned(),
            OAUTH_CLIENT_SECRET.to_owned(),
            VCPP_CLIENT_SECRET.to_owned(),
            SIDECAR_KEY.to_owned(),
            // Every token the fake issues carries `SECRET` or is issued by number; the
            // id and refresh tokens of the answers are secrets too.
            "SECRET".to_owned(),
        ];
        for (id, secret) in [
            (OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET),
            (VCPP_CLIENT_ID, VCPP_CLIENT_SECRET),
        ] {
            secrets.push(fake::basic_value(id, secret));
            secrets.push(fake::basic_value(id, &format!("not-{secret}")));
        }
        secrets
    }

    /// Calls a resource of the source's surface; the error as it prints.
    pub async fn call(self, base: &str, runtime: &Runtime) -> Result<(), String> {
        let text = |e: &dyn std::fmt::Debug, d: &dyn std::fmt::Display| format!("{d} | {e:?}");
        if self == Source::VcppClientCredentials {
            let client = vcpp::Client::with_runtime(&format!("{base}{VCPP_ROOT}"), runtime.clone());
            client
                .list_commit_contracts()
                .send()
                .await
                .map(drop)
                .map_err(|e| text(&e, &e))
        } else {
            let client = cphub_core::Client::with_runtime(base, runtime.clone());
            client
                .list_tenants()
                .org_id(ORG)
                .send()
                .await
                .map(drop)
                .map_err(|e| text(&e, &e))
        }
    }

    /// The status of a failed call.
    pub async fn call_status(self, base: &str, runtime: &Runtime) -> Option<u16> {
        if self == Source::VcppClientCredentials {
            vcpp::Client::with_runtime(&format!("{base}{VCPP_ROOT}"), runtime.clone())
                .list_commit_contracts()
                .send()
                .await
                .err()
                .and_then(|e| e.status())
                .map(|s| s.as_u16())
        } else {
            cphub_core::Client::with_runtime(base, runtime.clone())
                .list_tenants()
                .org_id(ORG)
                .send()
                .await
                .err()
                .and_then(|e| e.status())
                .map(|s| s.as_u16())
        }
    }
}

/// Fails if any secret of `source`, or any token `fake` issued, is in `text`.
pub fn assert_hidden(source: Source, text: &str, fake: &Fake) {
    for secret in source.secrets().iter().chain(&fake.issued_tokens()) {
        assert!(
            !text.contains(secret.as_str()),
            "{source:?}: {secret} printed in: {text}"
        );
    }
}
