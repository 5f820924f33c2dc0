//! `vmware-cpn-mock --port N` from the command line, driven through its control endpoints as a
//! tool in another language would.

mod common;

use std::process::Command;

use common::binary::serve;
use reqwest::StatusCode;
use serde_json::{Value, json};
use vmware_cpn_runtime::{Auth, RetryPolicy, Runtime};

#[tokio::test]
async fn the_command_line_mock_serves_and_obeys_its_control_endpoints() {
    let served = serve(&["--port", "0", "--refresh-token", "cli-token"]);
    let base = served.base_url.as_str();
    let http = vmware_cpn_runtime::http_client_builder().build().unwrap();
    // The binary's provider organization by default: the guide's own.
    let org = vmware_cpn_test_support::ORG;
    let runtime = Runtime::builder()
        .auth(Auth::csp_refresh_token(base, "cli-token"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let core = cphub_core::Client::with_runtime(base, runtime);

    let fault = json!({"operation": "list_tenants", "fault": {"status": 503, "retryAfter": 0}});
    let added = http
        .post(format!("{base}/_mock/faults"))
        .json(&fault)
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::NO_CONTENT);
    let error = core.list_tenants().org_id(org).send().await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    core.list_tenants().org_id(org).send().await.unwrap();

    let calls: Value = http
        .get(format!("{base}/_mock/calls"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(calls["list_tenants"], 2);
    assert_eq!(calls["get_access_token"], 1);

    let expired = http
        .post(format!("{base}/_mock/expire-tokens"))
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), StatusCode::NO_CONTENT);
    core.list_tenants().org_id(org).send().await.unwrap();
    let calls: Value = http
        .get(format!("{base}/_mock/calls"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        calls["get_access_token"], 2,
        "the expired token was replaced"
    );

    for (bad, says) in [
        (
            json!({"operation": "no_such_thing", "fault": {"status": 503}}),
            "no_such_thing",
        ),
        (
            json!({"operation": "list_tenants", "fault": {"status": 200}}),
            "not an error status",
        ),
        (
            json!({"operation": "list_tenants", "fault": {"teapot": true}}),
            "not a fault",
        ),
    ] {
        let refused = http
            .post(format!("{base}/_mock/faults"))
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        let error: cphub_core::types::ErrorResponse = refused.json().await.unwrap();
        assert!(
            error.message.as_deref().unwrap().contains(says),
            "{error:?}"
        );
    }
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_vmware-cpn-mock"))
        .args(["--port", &port])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("could not bind 127.0.0.1:{port}")),
        "{stderr}"
    );
}
