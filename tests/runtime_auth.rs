//! The runtime's authentication, proven through generated clients against a loopback fake:
//! one exchange for many concurrent calls, refresh ahead of expiry, one refresh after a 401,
//! typed exchange failures, and no secret in any Debug or error text.

#[path = "fake_service.rs"]
mod fake_service;

use std::sync::atomic::Ordering;
use std::time::Duration;

use fake_service::{CLIENT_ID, CLIENT_SECRET, ORG, REFRESH_TOKEN, Scripted};
use vmware_cpn_runtime::Auth;
use vmware_cpn_test_support::runtime;

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
    let token_url = vcpp::token_url(&format!("{base}/v1/m3/api/vcpp")).unwrap();
    let runtime = runtime(Auth::vcpp_client_credentials(
        &token_url,
        CLIENT_ID,
        CLIENT_SECRET,
    ));
    let client = vcpp::Client::with_runtime(&format!("{base}/v1/m3/api/vcpp"), runtime);

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
    let token_url = format!("{base}/v1/m0/api/token/oauth");
    let runtime = runtime(Auth::vcpp_client_credentials(
        &token_url,
        CLIENT_ID,
        "not-the-secret",
    ));
    let client = vcpp::Client::with_runtime(&format!("{base}/v1/m3/api/vcpp"), runtime);

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
