//! The runtime's authentication, proven through generated clients against a loopback fake:
//! one exchange for many concurrent calls, refresh ahead of expiry, one refresh after a 401,
//! typed exchange failures, and no secret in any Debug or error text.

use std::sync::atomic::Ordering;
use std::time::Duration;

use vmware_cpn_runtime::Auth;
use vmware_cpn_test_support::fake_service::{
    self, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, Scripted,
};
use vmware_cpn_test_support::paths::{VCPP_ROOT, VCPP_TOKEN};
use vmware_cpn_test_support::{ORG, runtime};

#[tokio::test]
async fn a_hundred_concurrent_calls_on_a_cold_cache_make_one_exchange() {
    let (base, fake) = fake_service::start().await;
    fake.exchange_delay_ms.store(100, Ordering::SeqCst);
    let runtime = runtime(Auth::csp_refresh_token(&base, REFRESH_TOKEN));
    let client = cphub_core::Client::with_runtime(&base, runtime.clone());

    let calls = (0..100).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.list_tenants().org_id(ORG).send().await })
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().unwrap();
    }

    assert_eq!(fake.exchanges.load(Ordering::SeqCst), 1);
    assert_eq!(runtime.auth().exchange_count(), 1);
    assert_eq!(fake.hits.load(Ordering::SeqCst), 100);
    assert!(
        fake.tokens_seen
            .lock()
            .unwrap()
            .iter()
            .all(|t| t == "access-1")
    );
}

#[tokio::test]
async fn clients_of_every_surface_share_one_login() {
    let (base, fake) = fake_service::start().await;
    let runtime = runtime(Auth::csp_refresh_token(&base, REFRESH_TOKEN));
    let core = cphub_core::Client::with_runtime(&base, runtime.clone());
    let auth = cphub_auth::Client::with_runtime(&base, runtime.clone());

    core.list_tenants().org_id(ORG).send().await.unwrap();
    auth.list_users().org_id(ORG).send().await.unwrap();

    assert_eq!(fake.exchanges.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_token_is_renewed_ahead_of_its_expiry() {
    let (base, fake) = fake_service::start().await;
    fake.lifetime_seconds.store(4, Ordering::SeqCst);
    let auth = Auth::csp_refresh_token(&base, REFRESH_TOKEN).refresh_margin(Duration::from_secs(2));
    let client = cphub_core::Client::with_runtime(&base, runtime(auth));

    client.list_tenants().org_id(ORG).send().await.unwrap();
    client.list_tenants().org_id(ORG).send().await.unwrap();
    assert_eq!(fake.exchanges.load(Ordering::SeqCst), 1, "fresh: reused");

    // Past lifetime minus margin (2 s of 4 s), but well before expiry.
    tokio::time::sleep(Duration::from_millis(2300)).await;
    client.list_tenants().org_id(ORG).send().await.unwrap();
    assert_eq!(fake.exchanges.load(Ordering::SeqCst), 2, "renewed ahead");
    assert_eq!(
        fake.tokens_seen.lock().unwrap().as_slice(),
        ["access-1", "access-1", "access-2"]
    );
}

#[tokio::test]
async fn a_401_renews_the_token_once_and_retries_once() {
    let (base, fake) = fake_service::start().await;
    // The first token the fake issues is already dead on its side.
    fake.first_valid_exchange.store(2, Ordering::SeqCst);
    let client = cphub_core::Client::with_runtime(
        &base,
        runtime(Auth::csp_refresh_token(&base, REFRESH_TOKEN)),
    );

    client.list_tenants().org_id(ORG).send().await.unwrap();

    assert_eq!(fake.exchanges.load(Ordering::SeqCst), 2);
    assert_eq!(
        fake.tokens_seen.lock().unwrap().as_slice(),
        ["access-1", "access-2"]
    );
}

#[tokio::test]
async fn a_second_401_is_the_answer_not_a_loop() {
    let (base, fake) = fake_service::start().await;
    fake.script([
        Scripted::Unauthorized,
        Scripted::Unauthorized,
        Scripted::Unauthorized,
    ]);
    let client = cphub_core::Client::with_runtime(
        &base,
        runtime(Auth::csp_refresh_token(&base, REFRESH_TOKEN)),
    );

    let error = client.list_tenants().org_id(ORG).send().await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(fake.hits.load(Ordering::SeqCst), 2, "one retry, no loop");
    assert_eq!(fake.exchanges.load(Ordering::SeqCst), 2, "one refresh");
}

#[tokio::test]
async fn a_fixed_token_is_not_refreshed_after_a_401() {
    let (base, fake) = fake_service::start().await;
    fake.script([Scripted::Unauthorized]);
    let client =
        cphub_core::Client::with_runtime(&base, runtime(Auth::csp_access_token("my-token")));

    let error = client.list_tenants().org_id(ORG).send().await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(fake.hits.load(Ordering::SeqCst), 1);
    assert_eq!(fake.tokens_seen.lock().unwrap().as_slice(), ["my-token"]);
}

#[tokio::test]
async fn a_refused_refresh_token_is_an_error_naming_it_without_its_value() {
    let (base, fake) = fake_service::start().await;
    let runtime = runtime(Auth::csp_refresh_token(&base, "wrong-refresh-secret"));
    let client = cphub_core::Client::with_runtime(&base, runtime);

    let error = client.list_tenants().org_id(ORG).send().await.unwrap_err();

    let text = format!("{error} | {error:?}");
    assert!(text.contains("CSP refresh token"), "{text}");
    assert!(text.contains("400"), "{text}");
    // The fake echoes the token it was given; the SDK must not repeat it.
    assert!(!text.contains("wrong-refresh-secret"), "{text}");
    assert!(text.contains("[REDACTED]"), "{text}");
    assert_eq!(
        fake.hits.load(Ordering::SeqCst),
        0,
        "no call without a token"
    );
}

#[tokio::test]
async fn vcpp_client_credentials_become_a_bearer_token() {
    let (base, fake) = fake_service::start().await;
    let token_url = vcpp::token_url(&format!("{base}{VCPP_ROOT}")).unwrap();
    let runtime = runtime(Auth::vcpp_client_credentials(
        &token_url,
        CLIENT_ID,
        CLIENT_SECRET,
    ));
    let client = vcpp::Client::with_runtime(&format!("{base}{VCPP_ROOT}"), runtime);

    client.list_commit_contracts().send().await.unwrap();
    client.list_commit_contracts().send().await.unwrap();

    assert_eq!(fake.exchanges.load(Ordering::SeqCst), 1);
    assert_eq!(
        fake.tokens_seen.lock().unwrap().as_slice(),
        ["bearer vcpp-1", "bearer vcpp-1"]
    );
}

#[tokio::test]
async fn refused_client_credentials_name_the_credential() {
    let (base, _fake) = fake_service::start().await;
    let token_url = format!("{base}{VCPP_TOKEN}");
    let runtime = runtime(Auth::vcpp_client_credentials(
        &token_url,
        CLIENT_ID,
        "not-the-secret",
    ));
    let client = vcpp::Client::with_runtime(&format!("{base}{VCPP_ROOT}"), runtime);

    let error = client.list_commit_contracts().send().await.unwrap_err();

    let text = format!("{error} | {error:?}");
    assert!(text.contains("VCPP client credentials"), "{text}");
    assert!(!text.contains("not-the-secret"), "{text}");
}

#[tokio::test]
async fn no_secret_reaches_debug_of_config_provider_runtime_or_client() {
    let (base, _fake) = fake_service::start().await;
    let csp = runtime(Auth::csp_refresh_token(&base, REFRESH_TOKEN));
    let client = cphub_core::Client::with_runtime(&base, csp.clone());
    // Warm the cache, so an access token is held too.
    client.list_tenants().org_id(ORG).send().await.unwrap();
    let vcpp_auth = Auth::vcpp_client_credentials(&base, CLIENT_ID, CLIENT_SECRET);
    let fixed = Auth::bearer_token("fixed-access-token");

    let text = format!(
        "{csp:?} {client:?} {:?} {vcpp_auth:?} {fixed:?} {:?}",
        csp.auth(),
        csp.with_auth(fixed.clone())
    );
    for secret in [
        REFRESH_TOKEN,
        CLIENT_SECRET,
        "access-1",
        "fixed-access-token",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert!(
        text.contains(CLIENT_ID),
        "non-secret identity stays visible: {text}"
    );
}

#[tokio::test]
async fn the_token_exchange_operation_itself_carries_no_token() {
    let (base, fake) = fake_service::start().await;
    let runtime = runtime(Auth::csp_refresh_token(&base, REFRESH_TOKEN));
    let client = cphub_auth::Client::with_runtime(&base, runtime.clone());

    let answer = client
        .get_access_token()
        .body(cphub_auth::types::AccessTokenRequest::builder().refresh_token(REFRESH_TOKEN))
        .send()
        .await
        .unwrap();

    assert_eq!(answer.access_token.expose(), "access-1");
    // `security: []` in the spec: the runtime made no exchange of its own for this call.
    assert_eq!(runtime.auth().exchange_count(), 0);
    assert_eq!(fake.exchanges.load(Ordering::SeqCst), 1);
}

// ---------------------------------------------------------------------------------------------
// Every token source, under the same cache: the four built-in exchanges, a closure of your own
// with no HTTP (a vault client) and a `TokenSource` of your own over HTTP (a sidecar), each
// against the loopback fake of `vmware_cpn_test_support::fake_exchanges`.
// ---------------------------------------------------------------------------------------------

mod every_source {
    use std::sync::atomic::Ordering;
    use std::time::Duration;

    use vmware_cpn_runtime::{FetchReason, Runtime};
    use vmware_cpn_test_support::fake_exchanges::{
        self as fake, OAUTH_CLIENT_ID, Odd, VCPP_CLIENT_ID,
    };
    use vmware_cpn_test_support::runtime as no_retries;
    use vmware_cpn_test_support::token_sources::{ALL, Source, assert_hidden};

    /// Runs `check` for every source at once (each on its own fake), so the slow ones
    /// (renewal waits seconds) overlap.
    async fn for_each_source<F, Fut>(check: F)
    where
        F: Fn(Source) -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let runs = ALL.map(|source| tokio::spawn(check(source)));
        for (source, run) in ALL.iter().zip(runs) {
            if let Err(panic) = run.await {
                panic!("{source:?}: {panic}");
            }
        }
    }

    #[tokio::test]
    async fn every_source_makes_one_exchange_for_a_hundred_concurrent_cold_calls() {
        for_each_source(|source| async move {
            let (base, fake) = fake::start().await;
            fake.exchange_delay_ms.store(100, Ordering::SeqCst);
            let (auth, reasons) = source.auth(&base, &fake, false);
            let runtime = no_retries(auth);

            let calls = (0..100).map(|_| {
                let (base, runtime) = (base.clone(), runtime.clone());
                tokio::spawn(async move { source.call(&base, &runtime).await })
            });
            for call in futures::future::join_all(calls).await {
                call.unwrap().unwrap();
            }

            assert_eq!(fake.exchanges(), 1, "{source:?}");
            assert_eq!(runtime.auth().exchange_count(), 1, "{source:?}");
            assert_eq!(fake.hits(), 100, "{source:?}");
            assert_eq!(fake.seen(), vec![1; 100], "{source:?}");
            assert_eq!(runtime.auth().credential(), Some(source.credential()));
            if source == Source::Vault {
                assert_eq!(*reasons.lock().unwrap(), [FetchReason::Cold]);
            }
        })
        .await;
    }

    #[tokio::test]
    async fn every_source_renews_its_token_ahead_of_expiry() {
        for_each_source(|source| async move {
            let (base, fake) = fake::start().await;
            // Navigator's exchanges answer no lifetime: their JWTs' `exp` claims say 4 s
            // (3 to 4 s, in whole seconds); the others answer `expires_in` 4.
            fake.lifetime_seconds.store(4, Ordering::SeqCst);
            let (auth, reasons) = source.auth(&base, &fake, false);
            let runtime = no_retries(auth.refresh_margin(Duration::from_secs(2)));

            source.call(&base, &runtime).await.unwrap();
            source.call(&base, &runtime).await.unwrap();
            assert_eq!(fake.exchanges(), 1, "{source:?}: fresh, reused");

            // Past lifetime minus margin (at most 2 s of 3 to 4 s), before expiry (3 s at
            // the earliest).
            tokio::time::sleep(Duration::from_millis(2300)).await;
            source.call(&base, &runtime).await.unwrap();

            assert_eq!(fake.exchanges(), 2, "{source:?}: renewed ahead");
            assert_eq!(fake.seen(), [1, 1, 2], "{source:?}: no token was refused");
            assert!(
                !fake.renewed_late.load(Ordering::SeqCst),
                "{source:?}: renewed after the old token expired"
            );
            if source == Source::Vault {
                assert_eq!(
                    *reasons.lock().unwrap(),
                    [FetchReason::Cold, FetchReason::Expiring]
                );
            }
        })
        .await;
    }

    #[tokio::test]
    async fn every_source_renews_exactly_once_after_a_401() {
        for_each_source(|source| async move {
            let (base, fake) = fake::start().await;
            // The first token is dead on the server's side.
            fake.first_valid_exchange.store(2, Ordering::SeqCst);
            let (auth, reasons) = source.auth(&base, &fake, false);
            let runtime = no_retries(auth);

            source.call(&base, &runtime).await.unwrap();
            source.call(&base, &runtime).await.unwrap();

            assert_eq!(fake.exchanges(), 2, "{source:?}: one renewal");
            assert_eq!(fake.seen(), [1, 2, 2], "{source:?}");
            if source == Source::Vault {
                assert_eq!(
                    *reasons.lock().unwrap(),
                    [FetchReason::Cold, FetchReason::Rejected]
                );
            }

            // A server that refuses every token: one renewal, one retry, then the 401.
            let (base, fake) = fake::start().await;
            fake.always_unauthorized.store(true, Ordering::SeqCst);
            let (auth, _) = source.auth(&base, &fake, false);
            let runtime = no_retries(auth);

            assert_eq!(source.call_status(&base, &runtime).await, Some(401));
            assert_eq!(fake.hits(), 2, "{source:?}: one retry, no loop");
            assert_eq!(fake.exchanges(), 2, "{source:?}: one renewal");
        })
        .await;
    }

    #[tokio::test]
    async fn no_source_shows_a_secret_in_debug_display_or_errors() {
        for_each_source(|source| async move {
            let (base, fake) = fake::start().await;

            // Debug of the provider, the runtime and a client holding a live token.
            let (auth, _) = source.auth(&base, &fake, false);
            let runtime = no_retries(auth.clone());
            source.call(&base, &runtime).await.unwrap();
            let client = cphub_core::Client::with_runtime(&base, runtime.clone());
            let text = format!("{auth:?} {runtime:?} {client:?}");
            assert_hidden(source, &text, &fake);
            assert!(
                text.contains("[REDACTED]") || matches!(source, Source::Vault | Source::Sidecar)
            );
            for id in [OAUTH_CLIENT_ID, VCPP_CLIENT_ID] {
                let shown = matches!(
                    (source, id),
                    (Source::NavigatorOAuthApp, OAUTH_CLIENT_ID)
                        | (Source::VcppClientCredentials, VCPP_CLIENT_ID)
                );
                assert_eq!(
                    text.contains(id),
                    shown,
                    "{source:?}: the client id stays visible: {text}"
                );
            }

            // A refused credential, which the exchange echoes (raw and base64-decoded).
            let (refused, _) = source.auth(&base, &fake, true);
            let error = source
                .call(&base, &no_retries(refused.clone()))
                .await
                .unwrap_err();
            assert_hidden(source, &error, &fake);
            assert!(error.contains(&source.credential().to_string()), "{error}");
            if !matches!(source, Source::Vault) {
                assert!(error.contains("[REDACTED]"), "{source:?}: {error}");
            }
            let auth_error = Runtime::builder()
                .auth(refused)
                .build()
                .unwrap()
                .authenticate()
                .await
                .unwrap_err();
            let text = format!(
                "{auth_error} | {auth_error:?} | {} | {}",
                String::from_utf8_lossy(auth_error.body()),
                auth_error.message()
            );
            assert_hidden(source, &text, &fake);
            assert_eq!(auth_error.credential(), source.credential());

            // Whatever the exchange answers: a 200 without a token and an HTML page, both
            // echoing the credential.
            if source != Source::Vault {
                fake.play([Odd::NoTokenEchoing, Odd::HtmlEchoing]);
                let (auth, _) = source.auth(&base, &fake, false);
                let runtime = no_retries(auth);
                for _ in 0..2 {
                    let error = source.call(&base, &runtime).await.unwrap_err();
                    assert_hidden(source, &error, &fake);
                    assert!(error.contains(&source.credential().to_string()), "{error}");
                }
                source.call(&base, &runtime).await.unwrap();
            }
        })
        .await;
    }
}
