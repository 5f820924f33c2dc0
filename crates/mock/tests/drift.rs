//! Drift on demand: a drifting operation's answers depart from their spec in exactly the one
//! way asked, as the spec crate's answer checker sees them; the other operations stay clean,
//! and clearing the drift restores clean answers. Through the library, the control endpoint
//! and the binary's `--drift` flag.

mod common;

use std::collections::HashMap;
use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};
use vmware_cpn_mock::{FindingKind, MockServer};
use vmware_cpn_spec::LoadedSpec;
use vmware_cpn_spec::answer_check::{Answer, answer_findings};
use vmware_cpn_spec::schema_check::Finding;

/// Each kind on operations where it applies, with the path its one finding is at: the
/// answer checker's shape path (`*` for an array index), empty for the answer as a whole.
const CASES: &[(&str, FindingKind, &str)] = &[
    (
        "list_tenants",
        FindingKind::UndeclaredProperty,
        "/*/driftedProperty",
    ),
    (
        "list_commit_contracts",
        FindingKind::UndeclaredProperty,
        "/driftedProperty",
    ),
    ("list_tenants", FindingKind::UnknownEnumValue, "/*/orgType"),
    (
        "search_subscriptions",
        FindingKind::UnknownEnumValue,
        "/results/*/renewalPreference",
    ),
    ("get_organization", FindingKind::WrongType, "/companyName"),
    (
        "list_support_requests",
        FindingKind::WrongType,
        "/supportTickets/*/caseId",
    ),
    (
        "list_commit_contracts",
        FindingKind::WrongType,
        "/contractList/*/accountName",
    ),
    // A missing required property is found at the object that lacks it.
    ("get_access_token", FindingKind::MissingRequired, ""),
    ("get_token", FindingKind::MissingRequired, ""),
    ("get_organization", FindingKind::UndeclaredStatus, ""),
    ("search_subscriptions", FindingKind::UndeclaredStatus, ""),
    (
        "list_support_requests",
        FindingKind::UndeclaredContentType,
        "",
    ),
    (
        "list_commit_contracts",
        FindingKind::UndeclaredContentType,
        "",
    ),
];

/// A raw answer as received, so a drifted one is seen as sent, not as a client decodes it.
struct Received {
    status: u16,
    content_type: Option<String>,
    header_names: Vec<String>,
    body: Vec<u8>,
}

/// Calls operations of a mock over HTTP and checks their answers against the specs.
struct Probe {
    base_url: String,
    vcpp_base_url: String,
    org: String,
    csp_token: String,
    refresh_token: String,
    vcpp_token_url: String,
    vcpp_client: (String, String),
    vcpp_token: String,
    http: reqwest::Client,
    specs: HashMap<&'static str, LoadedSpec>,
}

impl Probe {
    async fn new(mock: &MockServer) -> Probe {
        let vcpp_token = common::Sdk::new(mock)
            .vcpp
            .get_token(mock.vcpp_client_id(), mock.vcpp_client_secret())
            .await
            .unwrap()
            .into_inner()
            .access_token
            .expose()
            .to_owned();
        Probe {
            base_url: mock.base_url().to_owned(),
            vcpp_base_url: mock.vcpp_base_url(),
            org: mock.provider_org().to_owned(),
            csp_token: mock.issue_access_token(),
            refresh_token: mock.refresh_token().to_owned(),
            vcpp_token_url: mock.vcpp_token_url(),
            vcpp_client: (
                mock.vcpp_client_id().to_owned(),
                mock.vcpp_client_secret().to_owned(),
            ),
            vcpp_token,
            http: vmware_cpn_runtime::http_client_builder().build().unwrap(),
            specs: specs(),
        }
    }

    /// The surface of `operation` and a request that answers it with a success.
    fn request(&self, operation: &str) -> (&'static str, reqwest::RequestBuilder) {
        let (base, org) = (&self.base_url, &self.org);
        let core = format!("{base}/cphub/api/core/v1/mgmt/orgs/{org}");
        let (surface, request) = match operation {
            "list_tenants" => ("cphub-core", self.http.get(format!("{core}/tenants"))),
            "get_organization" => ("cphub-core", self.http.get(core)),
            "list_org_services" => ("cphub-core", self.http.get(format!("{core}/services"))),
            "list_support_requests" => (
                "cphub-support",
                self.http.get(format!(
                    "{base}/cphub/api/support/v1/orgs/{org}/support-requests"
                )),
            ),
            "search_subscriptions" => (
                "navigator-msp",
                self.http
                    .post(format!(
                        "{base}/cphub/api/msp/v1/orgs/{org}/subscriptions/search"
                    ))
                    .json(&json!({})),
            ),
            "get_access_token" => {
                let url = format!("{base}/cphub/api/auth/v1/authn/accesstoken");
                let body = json!({"refreshToken": self.refresh_token});
                return ("cphub-auth", self.http.post(url).json(&body));
            }
            "get_token" => {
                let request = self.http.post(&self.vcpp_token_url);
                let request = request.basic_auth(&self.vcpp_client.0, Some(&self.vcpp_client.1));
                return ("vcpp", request);
            }
            "list_commit_contracts" => {
                let url = format!("{}/commit-contracts", self.vcpp_base_url);
                let request = self.http.get(url).bearer_auth(&self.vcpp_token);
                return ("vcpp", request);
            }
            other => panic!("no request for {other} in this test"),
        };
        (surface, request.header("csp-auth-token", &self.csp_token))
    }

    async fn receive(&self, operation: &str) -> Received {
        let (_, request) = self.request(operation);
        let response = request.send().await.unwrap();
        let headers = response.headers();
        Received {
            status: response.status().as_u16(),
            content_type: headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            header_names: headers
                .keys()
                .map(|name| name.as_str().to_owned())
                .collect(),
            body: response.bytes().await.unwrap().to_vec(),
        }
    }

    /// How the answer of `operation` departs from its spec, by the spec crate's checker.
    async fn findings(&self, operation: &str) -> Vec<Finding> {
        let received = self.receive(operation).await;
        assert!(
            (200..300).contains(&received.status),
            "{operation}: {} {}",
            received.status,
            String::from_utf8_lossy(&received.body)
        );
        self.check(operation, &received)
    }

    fn check(&self, operation: &str, received: &Received) -> Vec<Finding> {
        let (surface, _) = self.request(operation);
        let spec = &self.specs[surface];
        let declared = spec.operation(operation).unwrap().operation;
        let header_names: Vec<&str> = received.header_names.iter().map(String::as_str).collect();
        answer_findings(
            &spec.spec,
            declared,
            &Answer {
                status: received.status,
                content_type: received.content_type.as_deref(),
                header_names: &header_names,
                body: &received.body,
            },
        )
    }
}

fn specs() -> HashMap<&'static str, LoadedSpec> {
    vmware_cpn_spec::SURFACES
        .iter()
        .map(|surface| {
            let root = vmware_cpn_spec::workspace_root();
            (
                surface.name,
                vmware_cpn_spec::load_in(&root, surface.name).unwrap(),
            )
        })
        .collect()
}

/// The one finding `findings` must be: of `kind`, at `path`.
fn assert_one(operation: &str, findings: &[Finding], kind: FindingKind, path: &str) {
    let seen: Vec<(&str, FindingKind)> =
        findings.iter().map(|f| (f.path.as_str(), f.kind)).collect();
    assert_eq!(
        seen,
        vec![(path, kind)],
        "{operation} drifting in {kind}: {findings:?}"
    );
}

#[tokio::test]
async fn each_kind_departs_from_the_spec_in_exactly_that_one_way_until_cleared() {
    let mock = MockServer::start().await.unwrap();
    let probe = Probe::new(&mock).await;
    for &(operation, kind, path) in CASES {
        assert_eq!(
            probe.findings(operation).await,
            vec![],
            "{operation} before drift"
        );
        mock.drift(operation, kind).unwrap();
        // Every answer drifts, not only the next one.
        for _ in 0..2 {
            let findings = probe.findings(operation).await;
            assert_one(operation, &findings, kind, path);
        }
        let undrifted = if operation == "list_tenants" {
            "get_organization"
        } else {
            "list_tenants"
        };
        assert_eq!(
            probe.findings(undrifted).await,
            vec![],
            "{undrifted} beside {operation}"
        );
        mock.clear_drift();
        assert_eq!(
            probe.findings(operation).await,
            vec![],
            "{operation} after clearing"
        );
    }
}

#[tokio::test]
async fn the_drifted_answers_are_what_the_docs_say() {
    let mock = MockServer::start().await.unwrap();
    let probe = Probe::new(&mock).await;

    let clean = probe.receive("get_organization").await;
    mock.drift("get_organization", FindingKind::UndeclaredStatus)
        .unwrap();
    let drifted = probe.receive("get_organization").await;
    assert_eq!((clean.status, drifted.status), (200, 203));
    assert_eq!(
        clean.body, drifted.body,
        "the same body under another status"
    );

    mock.drift("list_tenants", FindingKind::UndeclaredProperty)
        .unwrap();
    let tenants: Value = serde_json::from_slice(&probe.receive("list_tenants").await.body).unwrap();
    assert_eq!(
        tenants[0]["driftedProperty"],
        "a value of the drifted property"
    );
    assert!(
        tenants[1].get("driftedProperty").is_none(),
        "only the first object"
    );

    // A new kind for the same operation replaces the former one.
    mock.drift("list_tenants", FindingKind::UnknownEnumValue)
        .unwrap();
    let tenants = probe.receive("list_tenants").await;
    let text = String::from_utf8(tenants.body.clone()).unwrap();
    assert!(
        text.contains("\"DRIFTED_VALUE\"") && !text.contains("driftedProperty"),
        "{text}"
    );

    let clean = probe.receive("list_support_requests").await;
    mock.drift("list_support_requests", FindingKind::UndeclaredContentType)
        .unwrap();
    let drifted = probe.receive("list_support_requests").await;
    assert_eq!(
        drifted.content_type.as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(
        (clean.status, &clean.body),
        (drifted.status, &drifted.body),
        "the same status and body under another media type"
    );
}

#[tokio::test]
async fn drift_the_mock_cannot_show_is_refused() {
    let mock = MockServer::start().await.unwrap();
    for (operation, kind, says) in [
        (
            "no_such_thing",
            FindingKind::WrongType,
            "no spec has an operation no_such_thing",
        ),
        (
            "list_tenants",
            FindingKind::UnexpectedNull,
            "makes no drift of kind unexpected-null",
        ),
        (
            "list_tenants",
            FindingKind::MissingRequired,
            "cannot show missing-required",
        ),
        (
            "get_support_metadata",
            FindingKind::WrongType,
            "cannot show wrong-type",
        ),
        (
            "download_usage_report",
            FindingKind::WrongType,
            "no JSON success answer",
        ),
    ] {
        let error = mock.drift(operation, kind).unwrap_err();
        assert!(error.contains(says), "{operation} {kind}: {error}");
    }
}

#[tokio::test]
async fn every_operation_and_kind_is_accepted_or_refused_with_a_reason() {
    let mock = MockServer::start().await.unwrap();
    let (mut accepted, mut refused) = (0, 0);
    for spec in specs().values() {
        for operation in vmware_cpn_spec::load::operations(&spec.spec) {
            for &kind in MockServer::DRIFT_KINDS {
                match mock.drift(operation.id(), kind) {
                    Ok(()) => accepted += 1,
                    Err(reason) => {
                        assert!(reason.contains(operation.id()), "{reason}");
                        refused += 1;
                    }
                }
            }
        }
    }
    assert!(
        accepted > 100 && refused > 10,
        "{accepted} accepted, {refused} refused"
    );
    assert_eq!(MockServer::DRIFT_KINDS.len(), 6);
}

/// `/_mock/drift` as a tool in another language drives it.
#[tokio::test]
async fn the_control_endpoint_sets_lists_replaces_and_clears_drift() {
    let mock = MockServer::start().await.unwrap();
    let probe = Probe::new(&mock).await;
    let url = format!("{}/_mock/drift", mock.base_url());
    let http = &probe.http;
    let post = |body: Value| http.post(&url).json(&body).send();

    for (operation, kind) in [
        ("list_tenants", "undeclared-property"),
        ("get_organization", "undeclared-status"),
        ("list_tenants", "unknown-enum-value"),
    ] {
        let set = post(json!({"operation": operation, "kind": kind}))
            .await
            .unwrap();
        assert_eq!(set.status(), StatusCode::NO_CONTENT, "{operation} {kind}");
    }
    let listed: Value = http.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        listed,
        json!({"get_organization": "undeclared-status", "list_tenants": "unknown-enum-value"})
    );
    let findings = probe.findings("list_tenants").await;
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].kind, FindingKind::UnknownEnumValue);
    let organization = probe.receive("get_organization").await;
    assert_one(
        "get_organization",
        &probe.check("get_organization", &organization),
        FindingKind::UndeclaredStatus,
        "",
    );
    assert_eq!(probe.findings("list_support_requests").await, vec![]);

    for bad in [
        json!({"operation": "no_such_thing", "kind": "wrong-type"}),
        json!({"operation": "list_tenants", "kind": "sideways"}),
        json!({"operation": "list_tenants", "kind": "not-json"}),
        json!({"operation": "list_tenants", "kind": "missing-required"}),
        json!({"operation": "list_tenants"}),
        json!({"operation": "list_tenants", "kind": "wrong-type", "times": 2}),
    ] {
        let refused = post(bad.clone()).await.unwrap();
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{bad}");
        let error: cphub_core::types::ErrorResponse = refused.json().await.unwrap();
        assert!(error.message.is_some_and(|m| !m.is_empty()), "{bad}");
    }
    let listed: Value = http.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        listed.as_object().unwrap().len(),
        2,
        "a refused drift changes nothing"
    );

    let cleared = http.delete(&url).send().await.unwrap();
    assert_eq!(cleared.status(), StatusCode::NO_CONTENT);
    let listed: Value = http.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed, json!({}));
    assert_eq!(probe.findings("list_tenants").await, vec![]);
    assert_eq!(probe.findings("get_organization").await, vec![]);
}

#[tokio::test]
async fn the_drift_flag_makes_the_binary_drift_from_the_start() {
    let served = common::binary::serve(&[
        "--port",
        "0",
        "--refresh-token",
        "cli-token",
        "--drift",
        "list_tenants=unknown-enum-value",
        "--drift",
        "get_organization=undeclared-status",
    ]);
    let base = served.base_url.as_str();
    let http = vmware_cpn_runtime::http_client_builder().build().unwrap();
    let listed: Value = http
        .get(format!("{base}/_mock/drift"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed,
        json!({"get_organization": "undeclared-status", "list_tenants": "unknown-enum-value"})
    );
    let tokens: Value = http
        .post(format!("{base}/cphub/api/auth/v1/authn/accesstoken"))
        .json(&json!({"refreshToken": "cli-token"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = tokens["accessToken"].as_str().unwrap();
    let org = vmware_cpn_test_support::ORG;
    let answer = http
        .get(format!("{base}/cphub/api/core/v1/mgmt/orgs/{org}"))
        .header("csp-auth-token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::NON_AUTHORITATIVE_INFORMATION);
}

#[test]
fn a_bad_drift_flag_is_a_usage_error() {
    for (flag, says) in [
        ("list_tenants", "OPERATION=KIND"),
        ("list_tenants=sideways", "no kind of drift \"sideways\""),
        ("list_tenants=not-json", "no kind of drift \"not-json\""),
        ("=wrong-type", "operation is missing"),
        (
            "no_such_thing=wrong-type",
            "no spec has an operation no_such_thing",
        ),
        (
            "list_tenants=missing-required",
            "cannot show missing-required",
        ),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_vmware-cpn-mock"))
            .args(["--port", "0", "--drift", flag])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "--drift {flag}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("--drift") && stderr.contains(says),
            "--drift {flag}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[tokio::test]
async fn a_required_property_only_inside_a_one_of_form_is_not_offered() {
    // `list_org_services` answers a `oneOf` whose envelope form requires `Service`; without
    // it, `{}` fits the bare-service form, so no finding could show: refused, not accepted
    // and silently sent unchanged.
    let mock = vmware_cpn_mock::MockServer::start().await.unwrap();
    let refused = mock
        .drift(
            "list_org_services",
            vmware_cpn_mock::FindingKind::MissingRequired,
        )
        .unwrap_err();
    assert!(
        refused.contains("cannot show missing-required"),
        "{refused}"
    );
    mock.drift(
        "get_access_token",
        vmware_cpn_mock::FindingKind::MissingRequired,
    )
    .unwrap();
}
