//! The typed httpmock helpers each client crate offers behind its `mock` feature: a stub
//! written with them is matched by the client's real request, and answers a typed value.

use httpmock::MockServer;
use serde_json::json;
use vmware_cpn_test_support::{ORG, Spec, bearer_runtime, csp_runtime, typed};

/// httpmock's typed helpers are synchronous; the client runs on its own runtime.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn cphub_core_create_tenant_stub_matches_the_typed_body() {
    use cphub_core::mock::MockServerExt;
    let server = MockServer::start();
    let spec = Spec::load("cphub-core");
    let body: cphub_core::types::TenantCreate = typed(spec.request_example("create_tenant"));
    let created: cphub_core::types::Organization =
        typed(spec.response_example("create_tenant", "200"));
    let stub = server.create_tenant(|when, then| {
        when.org_id(ORG).body(&body);
        then.ok(&created);
    });

    let client = cphub_core::Client::with_runtime(&server.base_url(), csp_runtime());
    let answer = block_on(client.create_tenant().org_id(ORG).body(body.clone()).send()).unwrap();

    stub.assert();
    assert_eq!(answer.id, created.id);
}

#[test]
fn cphub_auth_error_stub_answers_the_typed_error() {
    use cphub_auth::mock::MockServerExt;
    let server = MockServer::start();
    let refused: cphub_auth::types::ErrorResponse =
        typed(json!({"statusCode": 403, "message": "not a provider administrator"}));
    let stub = server.list_users(|when, then| {
        when.org_id(ORG);
        then.client_error(403, &refused);
    });

    let client = cphub_auth::Client::with_runtime(&server.base_url(), csp_runtime());
    let error = block_on(client.list_users().org_id(ORG).send()).unwrap_err();

    stub.assert();
    let Some(body) = error.typed() else {
        panic!("expected the typed error, got {error:?}");
    };
    assert_eq!(
        body.message.as_deref(),
        Some("not a provider administrator")
    );
}

#[test]
fn cphub_billing_stub_matches_query_parameters() {
    use cphub_billing::mock::MockServerExt;
    let server = MockServer::start();
    let spec = Spec::load("cphub-billing");
    let usage: Vec<cphub_billing::types::OrgUsage> =
        typed(spec.response_example("get_usage_report", "200"));
    let stub = server.get_usage_report(|when, then| {
        when.org_id(ORG)
            .tenant_id(Some("tenant-1"))
            .start_time(Some(1_700_000_000_000));
        then.ok(&usage);
    });

    let client = cphub_billing::Client::with_runtime(&server.base_url(), csp_runtime());
    let answer = block_on(
        client
            .get_usage_report()
            .org_id(ORG)
            .tenant_id("tenant-1")
            .start_time(1_700_000_000_000_i64)
            .send(),
    )
    .unwrap();

    stub.assert();
    assert_eq!(answer.len(), usage.len());
}

#[test]
fn cphub_support_stub_matches_path_parameters() {
    use cphub_support::mock::MockServerExt;
    let server = MockServer::start();
    let spec = Spec::load("cphub-support");
    let ticket: cphub_support::types::SupportRequest =
        typed(spec.response_example("get_support_request", "200"));
    let stub = server.get_support_request(|when, then| {
        when.org_id(ORG).support_request_id("18625917011");
        then.ok(&ticket);
    });

    let client = cphub_support::Client::with_runtime(&server.base_url(), csp_runtime());
    let answer = block_on(
        client
            .get_support_request()
            .org_id(ORG)
            .support_request_id("18625917011")
            .send(),
    )
    .unwrap();

    stub.assert();
    assert_eq!(answer.case_id, ticket.case_id);
}

#[test]
fn navigator_msp_stub_answers_a_typed_subscription() {
    use navigator_msp::mock::MockServerExt;
    let server = MockServer::start();
    let spec = Spec::load("navigator-msp");
    let subscription: navigator_msp::types::MspSubscriptionDetails =
        typed(spec.response_example("get_subscription", "200"));
    let stub = server.get_subscription(|when, then| {
        when.org_id(ORG).subscription_id("33628-4637-267384");
        then.ok(&subscription);
    });

    let client = navigator_msp::Client::with_runtime(&server.base_url(), csp_runtime());
    let answer = block_on(
        client
            .get_subscription()
            .org_id(ORG)
            .subscription_id("33628-4637-267384")
            .send(),
    )
    .unwrap();

    stub.assert();
    assert_eq!(answer.billing_frequency, subscription.billing_frequency);
}

#[test]
fn vcpp_stub_is_matched_under_the_api_root() {
    use vcpp::mock::MockServerExt;
    let server = MockServer::start();
    let spec = Spec::load("vcpp");
    let contracts: vcpp::types::CommitContractList =
        typed(spec.response_example("list_commit_contracts", "200"));
    // The helpers match the spec's paths, so the client's root is the server's.
    let stub = server.list_commit_contracts(|_, then| {
        then.ok(&contracts);
    });

    let client = vcpp::Client::with_runtime(&server.base_url(), bearer_runtime());
    let answer = block_on(client.list_commit_contracts().send()).unwrap();

    stub.assert();
    assert_eq!(answer.contract_list.len(), contracts.contract_list.len());
}

#[test]
fn vcpp_hand_written_stubs_cover_token_order_and_feed() {
    use vcpp::mock::{OrdersMockServerExt, TokenMockServerExt};
    let server = MockServer::start();
    let spec = Spec::load("vcpp");
    let token: vcpp::types::TokenResponse = typed(spec.response_example("get_token", "200"));
    let order: vcpp::types::OrderRequestEnvelope = typed(spec.request_example("place_order"));
    let placed: vcpp::types::OrderResponse = typed(spec.response_example("place_order", "200"));
    let atom = spec.response_media_example("get_order_feed", "200", "application/atom+xml");
    let since = chrono::DateTime::parse_from_rfc3339("2026-11-01T08:00:00Z")
        .unwrap()
        .to_utc();
    let token_stub = server.get_token(|when, then| {
        when.credentials("client-id", "client-secret");
        then.ok(&token);
    });
    let order_stub = server.place_order(|when, then| {
        when.body(&order);
        then.ok(&placed);
    });
    let feed_stub = server.get_order_feed(|when, then| {
        when.atom().request_id("29013");
        then.atom(atom.as_str().unwrap());
    });
    let unchanged_stub = server.get_order_feed(|when, then| {
        when.if_modified_since(since).request_id(None);
        then.not_modified();
    });

    let client = vcpp::Client::with_runtime(&server.base_url(), bearer_runtime());
    block_on(async {
        let issued = client
            .get_token_at(&server.url("/token/oauth"), "client-id", "client-secret")
            .await
            .unwrap();
        assert_eq!(issued.expires_in, token.expires_in);
        let answer = client.place_order(&order).await.unwrap();
        assert_eq!(answer.request_id, placed.request_id);
        let query = vcpp::OrderFeedQuery::default().request_id("29013");
        let feed = client.get_order_feed(&query).await.unwrap().into_inner();
        assert_eq!(feed.unwrap().entries.len(), 1);
        let query = vcpp::OrderFeedQuery::default().if_modified_since(since);
        assert!(
            client
                .get_order_feed(&query)
                .await
                .unwrap()
                .into_inner()
                .is_none()
        );
    });

    token_stub.assert();
    order_stub.assert();
    feed_stub.assert();
    unchanged_stub.assert();
}

#[test]
fn cphub_support_upload_stub_matches_the_file_part() {
    use cphub_support::mock::AttachmentMockServerExt;
    let server = MockServer::start();
    let stub = server.upload_attachment(|when, then| {
        when.org_id(ORG)
            .support_request_id("18625917011")
            .file_name("notes.txt")
            .file_includes("the router reboots at noon");
        then.ok();
    });

    let client = cphub_support::Client::with_runtime(&server.base_url(), csp_runtime());
    let attachment =
        cphub_support::Attachment::from_bytes("notes.txt", "the router reboots at noon\n");
    block_on(client.upload_attachment(ORG, "18625917011", attachment)).unwrap();

    stub.assert();
}
