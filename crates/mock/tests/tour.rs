//! The tour's real-server path, pointed at a mock through its settings as it would be at
//! the real services: everything runs when allowed, and nothing is written when not.

#[path = "../examples/tour.rs"]
#[allow(dead_code)] // the example's `main`
mod tour;

use std::collections::HashMap;

use vmware_cpn_mock::MockServer;

fn settings(mock: &MockServer, extra: &[(&str, &str)]) -> HashMap<String, String> {
    let mut settings: HashMap<String, String> = [
        ("CPN_BASE_URL", mock.base_url().to_owned()),
        ("CPN_REFRESH_TOKEN", mock.refresh_token().to_owned()),
        ("CPN_ORG_ID", mock.provider_org().to_owned()),
        ("CPN_MSP_SUBSCRIPTION_ID", "33628-4637-267384".to_owned()),
        ("VCPP_BASE_URL", mock.vcpp_base_url()),
        ("VCPP_CLIENT_ID", mock.vcpp_client_id().to_owned()),
        ("VCPP_CLIENT_SECRET", mock.vcpp_client_secret().to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    settings.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    settings
}

const WRITES: [&str; 5] = [
    "create_tenant",
    "add_users",
    "create_support_request",
    "upload_attachment",
    "place_order",
];

#[tokio::test]
async fn with_writes_allowed_the_tour_calls_every_step_of_the_day() {
    let mock = MockServer::start().await.unwrap();
    let settings = settings(&mock, &[("TOUR_WRITE", "1"), ("TOUR_PLACE_ORDER", "1")]);

    tour::tour(&|name| settings.get(name).cloned())
        .await
        .unwrap();

    for operation in WRITES.into_iter().chain([
        "update_user_org_roles",
        "download_usage_report",
        "update_support_request",
        "get_subscription",
        "search_subscriptions",
        "get_subscription_history",
        "list_commit_contracts",
        "get_order_feed",
    ]) {
        assert!(mock.calls(operation) >= 1, "{operation} was not called");
    }
}

#[tokio::test]
async fn against_a_server_nothing_is_written_unless_asked() {
    let mock = MockServer::start().await.unwrap();
    let settings = settings(&mock, &[]);

    tour::tour(&|name| settings.get(name).cloned())
        .await
        .unwrap();

    for operation in WRITES {
        assert_eq!(mock.calls(operation), 0, "{operation} was called");
    }
    assert_eq!(mock.calls("download_usage_report"), 1, "reads still run");
}

#[tokio::test]
async fn without_a_subscription_named_the_first_one_found_is_shown() {
    let mock = MockServer::start().await.unwrap();
    let mut settings = settings(&mock, &[]);
    settings.remove("CPN_MSP_SUBSCRIPTION_ID");

    tour::tour(&|name| settings.get(name).cloned())
        .await
        .unwrap();

    assert_eq!(mock.calls("search_subscriptions"), 1);
    assert_eq!(mock.calls("get_subscription_history"), 1);
}

#[tokio::test]
async fn a_missing_setting_is_named() {
    let mock = MockServer::start().await.unwrap();
    let mut settings = settings(&mock, &[]);
    settings.remove("CPN_ORG_ID");

    let error = tour::tour(&|name| settings.get(name).cloned())
        .await
        .unwrap_err();

    assert!(error.to_string().contains("CPN_ORG_ID"), "{error}");
}

#[tokio::test]
async fn a_failing_step_stops_the_tour_naming_it() {
    let mock = MockServer::start().await.unwrap();
    let settings = settings(&mock, &[]);
    mock.inject(
        "list_commit_contracts",
        vmware_cpn_mock::Fault::status(403),
        5,
    );

    let error = tour::tour(&|name| settings.get(name).cloned())
        .await
        .unwrap_err();

    assert!(
        error.to_string().contains("list commit contracts"),
        "{error}"
    );
    assert_eq!(
        mock.calls("get_order_feed"),
        0,
        "no step runs after a failure"
    );
}

/// An OAuth app of the provider organization, created through the API: its client id and
/// secret.
async fn oauth_app(mock: &MockServer) -> (String, String) {
    let runtime = vmware_cpn_runtime::Runtime::builder()
        .auth(vmware_cpn_runtime::Auth::csp_refresh_token(
            mock.base_url(),
            mock.refresh_token(),
        ))
        .build()
        .unwrap();
    let app: cphub_auth::types::OrgOauthAppRequest =
        serde_json::from_value(serde_json::json!({ "displayName": "tour test" })).unwrap();
    let created = cphub_auth::Client::with_runtime(mock.base_url(), runtime)
        .create_oauth_app()
        .org_id(mock.provider_org())
        .body(app)
        .send()
        .await
        .unwrap();
    (
        created.client_id.clone().unwrap(),
        created.client_secret.as_ref().unwrap().expose().to_owned(),
    )
}

#[tokio::test]
async fn with_an_oauth_app_configured_the_tour_logs_in_with_it() {
    let mock = MockServer::start().await.unwrap();
    let (client_id, secret) = oauth_app(&mock).await;
    let exchanges = mock.calls("get_access_token");
    // The API token is set too: the OAuth app wins.
    let settings = settings(
        &mock,
        &[
            ("CPN_CLIENT_ID", &client_id),
            ("CPN_CLIENT_SECRET", &secret),
        ],
    );

    tour::tour(&|name| settings.get(name).cloned())
        .await
        .unwrap();

    assert_eq!(mock.calls("authorize_oauth_app"), 1, "one exchange");
    assert_eq!(
        mock.calls("get_access_token"),
        exchanges,
        "the API token is not used"
    );
    assert!(mock.calls("list_commit_contracts") >= 1, "every step ran");
}

#[tokio::test]
async fn a_refused_oauth_app_stops_the_tour_at_the_login() {
    let mock = MockServer::start().await.unwrap();
    let (client_id, _) = oauth_app(&mock).await;
    let settings = settings(
        &mock,
        &[
            ("CPN_CLIENT_ID", &client_id),
            ("CPN_CLIENT_SECRET", "Wr0ng-Secret!"),
        ],
    );

    let error = tour::tour(&|name| settings.get(name).cloned())
        .await
        .unwrap_err()
        .to_string();

    assert!(error.contains("step 1 (log in)"), "{error}");
    assert!(error.contains("Navigator OAuth app"), "{error}");
    assert!(!error.contains("Wr0ng-Secret!"), "{error}");
    assert_eq!(
        mock.calls("list_tenants"),
        0,
        "no step runs after a failure"
    );
}

#[tokio::test]
async fn without_a_credential_both_kinds_are_named() {
    let mock = MockServer::start().await.unwrap();
    let mut settings = settings(&mock, &[]);
    settings.remove("CPN_REFRESH_TOKEN");

    let error = tour::tour(&|name| settings.get(name).cloned())
        .await
        .unwrap_err()
        .to_string();

    assert!(
        error.contains("CPN_REFRESH_TOKEN") && error.contains("CPN_CLIENT_ID"),
        "{error}"
    );
}

#[tokio::test]
async fn against_the_embedded_mock_the_tour_logs_in_with_an_oauth_app_it_creates() {
    tour::tour(&|_| None).await.unwrap();
}
