//! The runtime behind every generated client: one HTTP client, one token cache and one retry
//! policy, applied to each request of every operation through [`Runtime::send`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use tracing::Instrument;
use tracing::field::Empty;

use crate::auth::Auth;
use crate::error::SendError;
use crate::failure::Failure;
use crate::pause::SharedPause;
use crate::redact::SentSecrets;
use crate::retry::{Attempted, CallState, Decision, RetryPolicy, retry_after};

/// Default time for a whole request, answer included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What the runtime knows of an operation: generated from the spec beside each client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId`.
    pub id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, such as `/cphub/api/core/v1/mgmt/orgs/{orgId}`.
    pub path: &'static str,
    /// Whether the operation takes the provider's token (not so the token exchanges).
    pub takes_token: bool,
    /// The media type of a success answer that is not JSON (`text/csv`), sent as `Accept`
    /// when the request names none: progenitor asks only for JSON.
    pub accept: Option<&'static str>,
    /// The spec's `format: password` properties of the operation's answers: an answer that
    /// can hold a secret is redacted before an error keeps it.
    pub secrets: &'static [&'static str],
    /// The spec the operation is read from, for what reads it at run time ([`crate::drift`]).
    pub spec: &'static crate::drift::Spec,
}

impl Operation {
    /// The operation's URL under `base_url`, its path's `{parameters}` filled in order with
    /// `values`, percent-encoded as the generated operations encode theirs: how the
    /// hand-written operations build their requests from the spec's path instead of copying
    /// it. An error names the operation when the count of values differs from the path's.
    pub fn url(&self, base_url: &str, values: &[&str]) -> Result<String, String> {
        let mismatch = || {
            format!(
                "`{}`: {} takes as many values as it has parameters, not {}",
                self.id,
                self.path,
                values.len()
            )
        };
        let mut url = base_url.trim_end_matches('/').to_owned();
        let mut given = values.iter();
        let mut rest = self.path;
        while let Some(open) = rest.find('{') {
            let close = open + rest[open..].find('}').ok_or_else(mismatch)?;
            let value = given.next().ok_or_else(mismatch)?;
            url.push_str(&rest[..open]);
            crate::push_path_segment(&mut url, value);
            rest = &rest[close + 1..];
        }
        url.push_str(rest);
        match given.next() {
            None => Ok(url),
            Some(_) => Err(mismatch()),
        }
    }
}

/// An answer as [`Runtime::send`] received it: the response, and the credentials its request
/// carried, so that an error built from it by [`crate::answer`] scrubs them whatever the
/// server echoes. It reads as the response (`Deref`); [`Received::into_response`] gives the
/// response itself, for a body read by hand.
pub struct Received {
    response: reqwest::Response,
    sent: Option<SentSecrets>,
}

impl Received {
    /// The response, without what the request carried: an error built from it by hand
    /// scrubs only what the operation's spec marks secret.
    pub fn into_response(self) -> reqwest::Response {
        self.response
    }

    /// The response and the credentials the request carried, for [`crate::answer`].
    pub(crate) fn into_parts(self) -> (reqwest::Response, Option<SentSecrets>) {
        (self.response, self.sent)
    }

    /// The credentials the request carried, for [`crate::answer::redact_also`].
    pub(crate) fn sent_mut(&mut self) -> &mut Option<SentSecrets> {
        &mut self.sent
    }
}

impl std::ops::Deref for Received {
    type Target = reqwest::Response;

    fn deref(&self) -> &reqwest::Response {
        &self.response
    }
}

impl std::fmt::Debug for Received {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The credentials are left out, not redacted: their count says nothing either.
        f.debug_struct("Received")
            .field("response", &self.response)
            .finish_non_exhaustive()
    }
}

/// Shared by every client built from it: cloning is cheap, and clones share the HTTP
/// connection pool and the token cache, so one login serves every surface.
#[derive(Clone, Debug)]
pub struct Runtime {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    http: reqwest::Client,
    auth: Auth,
    retry: RetryPolicy,
    pause: SharedPause,
}

/// Builds a [`Runtime`].
#[derive(Debug)]
pub struct RuntimeBuilder {
    auth: Auth,
    retry: RetryPolicy,
    timeout: Duration,
    connect_timeout: Duration,
    http: Option<reqwest::Client>,
}

impl Runtime {
    /// A runtime with the given authentication and the default timeouts and retries.
    pub fn builder() -> RuntimeBuilder {
        RuntimeBuilder {
            auth: Auth::none(),
            retry: RetryPolicy::default(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            http: None,
        }
    }

    /// The HTTP client every request goes through.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.shared.http
    }

    /// The authentication provider.
    pub fn auth(&self) -> &Auth {
        &self.shared.auth
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.shared.retry
    }

    /// The same HTTP client and retry policy with another authentication, such as VCPP
    /// client credentials beside a CPHub refresh token.
    pub fn with_auth(&self, auth: Auth) -> Runtime {
        Runtime {
            shared: Arc::new(Shared {
                http: self.shared.http.clone(),
                auth,
                retry: self.shared.retry.clone(),
                // Another credential is another client of the server: its own back-off.
                pause: SharedPause::new(),
            }),
        }
    }

    /// Makes sure the runtime holds a valid token, exchanging its credential when it has none
    /// (or only a stale one): how a tool checks credentials without calling an operation.
    pub async fn authenticate(&self) -> Result<(), crate::AuthError> {
        self.shared.auth.header(&self.shared.http).await.map(|_| ())
    }

    /// Sends a request as `operation`: asks for its media type, authenticates it
    /// (exchanging a token first when needed), sends it once more with a renewed token after
    /// a `401`, and again after retryable failures when the method is idempotent, within the
    /// retry policy's bounds. Every operation, generated or hand-written, goes through here.
    pub fn send(
        &self,
        mut request: reqwest::Request,
        operation: &Operation,
    ) -> impl Future<Output = Result<Received, SendError>> + Send {
        if let Some(accept) = operation.accept {
            request
                .headers_mut()
                .entry(reqwest::header::ACCEPT)
                .or_insert(reqwest::header::HeaderValue::from_static(accept));
        }
        // A span costs nothing when no subscriber listens: its fields are only computed
        // for one that does.
        let span = tracing::info_span!(
            "api_call",
            operation = operation.id,
            method = %request.method(),
            path = operation.path,
            status = Empty,
            attempt = Empty,
            latency_ms = Empty,
        );
        // One future, not an `async fn` awaiting another, nor wrapped whole in the span
        // (`Instrumented`): each layer is copied whole when it is made, on every call.
        // `request` is used as captured (not bound again inside), so the future holds one
        // copy of it. What waits inside it is entered in the span, when one listens.
        async move {
            let span = &span;
            if operation.takes_token {
                // Most calls find their token at once; the wait for a fetch (or for the
                // cache's lock) is boxed, so that it does not grow every call's future.
                let header = match self.shared.auth.header_now() {
                    Some(header) => header,
                    None => {
                        Box::pin(self.shared.auth.header(&self.shared.http))
                            .instrument(span.clone())
                            .await
                    }
                }
                .map_err(SendError::Auth)?;
                if let Some((name, value)) = header {
                    request.headers_mut().insert(name, value);
                }
            }
            let started = Instant::now();
            let policy = &self.shared.retry;
            let idempotent = RetryPolicy::method_is_retryable(request.method());
            let renews = operation.takes_token && self.shared.auth.renews();
            let mut attempt = 1;
            let mut refreshed = false;
            loop {
                // The copy to send again, made only when the policy could send again: a
                // retry (an idempotent request with attempts left) or a renewed token after a
                // `401`. Without it, the decision below stops whatever `can_resend` says.
                let may_resend =
                    (idempotent && attempt < policy.max_attempts) || (renews && !refreshed);
                let mut spare = if may_resend {
                    request.try_clone()
                } else {
                    None
                };
                if self.shared.pause.is_on() {
                    Box::pin(self.shared.pause.wait()).await;
                }
                let sent = sent_secrets(request.headers());
                let pending = self.shared.http.execute(request);
                let result = if span.is_disabled() {
                    pending.await
                } else {
                    pending.instrument(span.clone()).await
                };

                let attempted = match &result {
                    Ok(response) => Attempted::Answered {
                        status: response.status(),
                        // Only a transient status's wait is ever read: a success is not
                        // searched for the header.
                        retry_after: Failure::Status(response.status())
                            .is_transient()
                            .then(|| retry_after(response.headers()))
                            .flatten(),
                    },
                    Err(error) => Attempted::Failed {
                        retryable: Failure::of_transport(error).is_transient(),
                    },
                };
                if let Some(pause) = policy.shared_pause(attempted) {
                    // The server's wait holds back every call of this runtime.
                    self.shared.pause.pause_for(pause);
                }
                let call = CallState {
                    attempt,
                    elapsed: started.elapsed(),
                    idempotent,
                    can_resend: spare.is_some(),
                    may_renew_token: !refreshed && operation.takes_token,
                };
                let decision = policy.decide(attempted, call);
                if decision == Decision::RenewToken
                    && let Some(again) = spare.take()
                {
                    // Boxed with the request it renews: only a 401 pays for it.
                    match Box::pin(self.renewed(again)).instrument(span.clone()).await {
                        Some(Ok(again)) => {
                            // One renewed token, one more try: a second 401 is the answer.
                            refreshed = true;
                            tracing::debug!(
                                parent: span,
                                attempt,
                                "401: retrying once with a renewed token"
                            );
                            request = again;
                            continue;
                        }
                        // A renewal that fails is the error, not the 401 that asked for it.
                        Some(Err(error)) => {
                            record(span, &result, attempt, started);
                            return Err(SendError::Auth(error));
                        }
                        None => {}
                    }
                }
                let (Decision::Retry(delay), Some(spare)) = (decision, spare) else {
                    record(span, &result, attempt, started);
                    // With what was sent, so that an error built from this answer can scrub
                    // it; beside the response, not in its extensions, which would allocate a
                    // map on every call.
                    return match result {
                        Ok(response) => Ok(Received { response, sent }),
                        Err(error) => Err(SendError::Transport(error)),
                    };
                };
                tracing::debug!(
                    parent: span,
                    attempt,
                    delay_ms = delay.as_millis() as u64,
                    outcome = %describe(&result),
                    "retrying",
                );
                Box::pin(tokio::time::sleep(delay)).await;
                attempt += 1;
                request = spare;
            }
        }
    }

    /// The request again with a renewed token in place of the one it carries, which the
    /// server just rejected; `None` when the provider cannot renew.
    async fn renewed(
        &self,
        mut request: reqwest::Request,
    ) -> Option<Result<reqwest::Request, crate::AuthError>> {
        let rejected = self.shared.auth.sent_token(request.headers());
        let renewed = self
            .shared
            .auth
            .refresh_after_rejection(&self.shared.http, rejected.as_ref())
            .await?;
        Some(renewed.map(|(name, value)| {
            request.headers_mut().insert(name, value);
            request
        }))
    }
}

/// The credential-bearing headers of a request, kept with its answer. On every call, so only
/// what marks them cheaply: the sensitive flag (set on the runtime's token headers and by
/// reqwest's basic auth) and the credential headers' names. No `Vec` for the usual one.
fn sent_secrets(headers: &reqwest::header::HeaderMap) -> Option<SentSecrets> {
    use reqwest::header::{AUTHORIZATION, PROXY_AUTHORIZATION};
    let mut values = headers
        .iter()
        .filter(|(name, value)| {
            value.is_sensitive()
                || *name == AUTHORIZATION
                || *name == PROXY_AUTHORIZATION
                || name.as_str() == "csp-auth-token"
        })
        .map(|(_, value)| value.clone());
    let mut sent = SentSecrets::one(values.next()?);
    values.for_each(|value| sent.push(value));
    Some(sent)
}

fn describe(result: &reqwest::Result<reqwest::Response>) -> String {
    match result {
        Ok(response) => format!("HTTP {}", response.status()),
        Err(error) => error.to_string(),
    }
}

fn record(
    span: &tracing::Span,
    result: &reqwest::Result<reqwest::Response>,
    attempt: u32,
    started: Instant,
) {
    if span.is_disabled() {
        return;
    }
    if let Ok(response) = result {
        span.record("status", response.status().as_u16());
    }
    span.record("attempt", attempt);
    span.record("latency_ms", started.elapsed().as_millis() as u64);
}

impl RuntimeBuilder {
    /// How requests are authenticated (default: not at all).
    pub fn auth(mut self, auth: Auth) -> RuntimeBuilder {
        self.auth = auth;
        self
    }

    /// The retry policy (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, retry: RetryPolicy) -> RuntimeBuilder {
        self.retry = retry;
        self
    }

    /// Time for a whole request, answer included (default one minute).
    pub fn timeout(mut self, timeout: Duration) -> RuntimeBuilder {
        self.timeout = timeout;
        self
    }

    /// Time to open a connection (default ten seconds).
    pub fn connect_timeout(mut self, timeout: Duration) -> RuntimeBuilder {
        self.connect_timeout = timeout;
        self
    }

    /// Sends through this HTTP client instead of building one; the timeouts set here are
    /// then the client's own.
    pub fn http_client(mut self, http: reqwest::Client) -> RuntimeBuilder {
        self.http = Some(http);
        self
    }

    /// Builds the runtime; fails only if the HTTP client cannot be built (TLS set-up).
    pub fn build(self) -> Result<Runtime, reqwest::Error> {
        let http = match self.http {
            Some(http) => http,
            None => http_client_builder()
                .timeout(self.timeout)
                .connect_timeout(self.connect_timeout)
                .build()?,
        };
        Ok(Runtime {
            shared: Arc::new(Shared {
                http,
                auth: self.auth,
                retry: self.retry,
                pause: SharedPause::new(),
            }),
        })
    }
}

/// A `reqwest` client builder with the SDK's user agent and TLS set up as this crate's
/// features say: with `rustls` (the default), ring is installed as the process's rustls
/// crypto provider first, unless one is installed already, because reqwest's rustls without
/// aws-lc-rs panics on building a client without one. Build your own clients from this one
/// (then [`RuntimeBuilder::http_client`]) to keep that guarantee.
pub fn http_client_builder() -> reqwest::ClientBuilder {
    #[cfg(feature = "rustls")]
    {
        // An error means a provider is installed already (by us or by the application),
        // which is all reqwest needs.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder().user_agent(concat!(
        "vmware-partner-sdk-rust/",
        env!("CARGO_PKG_VERSION")
    ))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    use super::{Operation, Runtime};
    use crate::{Error, Failure, RetryPolicy};

    const UPLOAD: Operation = Operation {
        id: "upload_attachment",
        method: "POST",
        path: "/orgs/{orgId}/support-requests/{supportRequestId}/upload",
        takes_token: true,
        accept: None,
        secrets: &[],
        spec: &crate::drift::Spec {
            name: "test",
            text: "",
        },
    };

    /// Every call's future is made and moved whole, so its size is per-call cost: `send` is
    /// one future, holding the request once and its spare copy, with the rare waits (token
    /// fetch, renewal, back-off) boxed. Nested `async fn`s had made it twice this size.
    #[tokio::test]
    async fn the_send_future_stays_small() {
        let runtime = Runtime::builder().build().unwrap();
        let request = runtime
            .http_client()
            .get("http://127.0.0.1:1/")
            .build()
            .unwrap();
        let request_size = std::mem::size_of_val(&request);
        let future = runtime.send(request, &UPLOAD);
        assert!(std::mem::size_of_val(&future) <= 5 * request_size);
    }

    #[test]
    fn url_fills_the_path_parameters_in_order_percent_encoded() {
        assert_eq!(
            UPLOAD.url("http://127.0.0.1:1/", &["org 1", "a/b"]),
            Ok("http://127.0.0.1:1/orgs/org%201/support-requests/a%2Fb/upload".to_owned())
        );
        let no_parameters = Operation {
            path: "/order",
            ..UPLOAD
        };
        assert_eq!(
            no_parameters.url("http://h/v1", &[]),
            Ok("http://h/v1/order".to_owned())
        );
    }

    #[test]
    fn url_names_the_operation_when_the_values_do_not_fit_the_path() {
        for values in [&["org"][..], &["org", "ticket", "extra"][..]] {
            let error = UPLOAD
                .url("http://h", values)
                .expect_err("a count mismatch");
            assert!(error.contains("`upload_attachment`"), "{error}");
        }
    }

    /// A server that takes every connection and never answers, counting them.
    async fn silent_server() -> (String, Arc<AtomicU32>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicU32::new(0));
        let counter = connections.clone();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                held.push(socket);
            }
        });
        (base, connections)
    }

    async fn timed_out(method: &'static str) -> u32 {
        let (base, connections) = silent_server().await;
        let runtime = Runtime::builder()
            .timeout(Duration::from_millis(200))
            .retry(
                RetryPolicy::default()
                    .initial_backoff(Duration::from_millis(10))
                    .max_elapsed(Duration::from_secs(10)),
            )
            .build()
            .unwrap();
        let request = runtime
            .http_client()
            .request(method.parse().unwrap(), format!("{base}/orgs/o/upload"))
            .build()
            .unwrap();
        let operation = Operation {
            method,
            takes_token: false,
            ..UPLOAD
        };
        let error: Error = runtime.send(request, &operation).await.unwrap_err().into();
        assert_eq!(error.failure(), Failure::TimedOut, "{error:?}");
        assert!(error.is_retryable());
        connections.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn a_timed_out_get_is_retried_and_a_timed_out_post_is_not() {
        assert_eq!(timed_out("GET").await, 3, "3 attempts by default");
        assert_eq!(timed_out("POST").await, 1, "a POST is never sent twice");
    }
}
