//! The CSP gateway's error body, once: every Navigator client decodes it, in each form a
//! server has been seen sending, into its typed `ErrorResponse` (issue 23, item 2).
//!
//! Each client calls one operation on a loopback server that answers 400 with a CSP error
//! body: as the CSP IAM reference's `CspErrorResponse` shows it (every published field,
//! `moduleCode` an integer, as on the live 400 quoted in vmware/terraform-provider-nsxt#581),
//! and as VMware's image-builder fixture writes it (`moduleCode` a string, plus `traceId` and
//! `metadata`). The sources are in the schema's description (`ErrorResponse` in each spec).

use httpmock::Method::GET;
use httpmock::MockServer;
use serde_json::{Value, json};
use vmware_cpn_test_support::{ORG, csp_runtime};

const SUBSCRIPTION: &str = "a1b2c3d4-0000-4000-8000-000000000001";

/// `moduleCode`, whichever crate's type it came from.
#[derive(Debug, PartialEq)]
enum ModuleCode {
    Integer(i32),
    Text(String),
}

/// The typed error body, read field by field, so the five crates' types compare alike.
#[derive(Debug, PartialEq)]
struct Decoded {
    status_code: Option<i32>,
    message: Option<String>,
    csp_error_code: Option<String>,
    error_code: Option<String>,
    request_id: Option<String>,
    module_code: Option<ModuleCode>,
    trace_id: Option<String>,
    metadata: Option<Value>,
    extra: serde_json::Map<String, Value>,
}

impl Decoded {
    /// What a body should decode into: each declared property in its field, the rest in `extra`.
    fn expected(body: &Value) -> Decoded {
        let mut extra = body.as_object().unwrap().clone();
        let mut text = |name: &str| extra.remove(name).map(|v| v.as_str().unwrap().to_owned());
        let csp_error_code = text("cspErrorCode");
        let error_code = text("errorCode");
        let message = text("message");
        let request_id = text("requestId");
        let trace_id = text("traceId");
        Decoded {
            status_code: extra
                .remove("statusCode")
                .map(|v| i32::try_from(v.as_i64().unwrap()).unwrap()),
            module_code: extra.remove("moduleCode").map(|v| match v {
                Value::String(s) => ModuleCode::Text(s),
                v => ModuleCode::Integer(i32::try_from(v.as_i64().unwrap()).unwrap()),
            }),
            metadata: extra.remove("metadata"),
            csp_error_code,
            error_code,
            message,
            request_id,
            trace_id,
            extra,
        }
    }
}

/// Reads a crate's typed `ErrorResponse` into a [`Decoded`].
macro_rules! decoded {
    ($krate:ident, $typed:expr) => {{
        let typed: &$krate::types::ErrorResponse = $typed;
        Decoded {
            status_code: typed.status_code,
            message: typed.message.clone(),
            csp_error_code: typed.csp_error_code.clone(),
            error_code: typed.error_code.clone(),
            request_id: typed.request_id.clone(),
            module_code: typed.module_code.as_ref().map(|code| match code {
                $krate::types::ErrorResponseModuleCode::Int32(n) => ModuleCode::Integer(*n),
                $krate::types::ErrorResponseModuleCode::String(s) => ModuleCode::Text(s.clone()),
            }),
            trace_id: typed.trace_id.clone(),
            metadata: typed.metadata.clone(),
            extra: typed.extra.clone(),
        }
    }};
}

/// The bodies every client must decode, by name.
fn bodies() -> Vec<(&'static str, Value)> {
    vec![
        (
            // Every field `CspErrorResponse` publishes, with its published type; the message
            // and `moduleCode` 340 as on the live 400 of terraform-provider-nsxt#581.
            "published, moduleCode an integer",
            json!({
                "cspErrorCode": "540.120-340.800",
                "errorCode": "invalid_grant",
                "message": "invalid_grant: Invalid refresh token: xxxx...tN3NK",
                "moduleCode": 340,
                "requestId": "0105e0f320064337",
                "statusCode": 400
            }),
        ),
        (
            // vmware-image-builder-action's fixture (`__tests__/client/csp.test.ts`), whose
            // status is 404; here the answer is 400, and so is `statusCode`.
            "fixture, moduleCode a string",
            json!({
                "metadata": "knull",
                "traceId": "abc71b186e364bc4",
                "statusCode": 400,
                "message": "invalid_grant: Invalid refresh token: xxxx...tN3NK",
                "requestId": "0105e0f320064337",
                "moduleCode": "540",
                "cspErrorCode": "540.120-340.800"
            }),
        ),
        (
            // A property no source names for CSP's body is kept, not an error.
            "an undeclared property",
            json!({
                "statusCode": 400,
                "message": "bad request",
                "moduleCode": "540",
                "documentKind": "com:vmware:csp:error"
            }),
        ),
    ]
}

/// Starts a server that answers `method` requests whose path includes `path` with 400 and
/// `body`.
async fn answering_400(method: httpmock::Method, path: &str, body: &Value) -> MockServer {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(method).path_includes(path);
            then.status(400)
                .header("content-type", "application/json")
                .json_body(body.clone());
        })
        .await;
    server
}

/// The typed body of a failed call, checked against what `body` should decode into; the
/// call's status and request id too.
macro_rules! assert_decodes {
    ($krate:ident, $case:expr, $body:expr, $result:expr) => {{
        let (case, body): (&str, &Value) = ($case, $body);
        let error = match $result {
            Ok(_) => panic!("{}: {case}: a 400 answer succeeded", stringify!($krate)),
            Err(error) => error,
        };
        let error: $krate::Error<$krate::types::ErrorResponse> = error;
        assert_eq!(
            error.status().map(|s| s.as_u16()),
            Some(400),
            "{}: {case}: {error:?}",
            stringify!($krate)
        );
        let Some(typed) = error.typed() else {
            panic!(
                "{}: {case}: the body did not decode into ErrorResponse: {error:?}",
                stringify!($krate)
            );
        };
        assert_eq!(
            decoded!($krate, typed),
            Decoded::expected(body),
            "{}: {case}",
            stringify!($krate)
        );
        assert_eq!(
            error.request_id(),
            body["requestId"].as_str(),
            "{}: {case}",
            stringify!($krate)
        );
    }};
}

#[tokio::test]
async fn cphub_core_decodes_every_csp_error_body() {
    for (case, body) in bodies() {
        let server = answering_400(GET, "/tenants", &body).await;
        let client = cphub_core::Client::with_runtime(&server.base_url(), csp_runtime());
        let result = client.list_tenants().org_id(ORG).send().await;
        assert_decodes!(cphub_core, case, &body, result);
    }
}

#[tokio::test]
async fn cphub_auth_decodes_every_csp_error_body() {
    for (case, body) in bodies() {
        let server = answering_400(GET, "/loggedinuser", &body).await;
        let client = cphub_auth::Client::with_runtime(&server.base_url(), csp_runtime());
        let result = client.get_logged_in_user().send().await;
        assert_decodes!(cphub_auth, case, &body, result);
    }
}

#[tokio::test]
async fn cphub_billing_decodes_every_csp_error_body() {
    for (case, body) in bodies() {
        let server = answering_400(GET, "/subscriptions", &body).await;
        let client = cphub_billing::Client::with_runtime(&server.base_url(), csp_runtime());
        let result = client.list_subscriptions().org_id(ORG).send().await;
        assert_decodes!(cphub_billing, case, &body, result);
    }
}

#[tokio::test]
async fn cphub_support_decodes_every_csp_error_body() {
    for (case, body) in bodies() {
        let server = answering_400(GET, "/close-reasons", &body).await;
        let client = cphub_support::Client::with_runtime(&server.base_url(), csp_runtime());
        let result = client.list_close_reasons().org_id(ORG).send().await;
        assert_decodes!(cphub_support, case, &body, result);
    }
}

#[tokio::test]
async fn navigator_msp_decodes_every_csp_error_body() {
    for (case, body) in bodies() {
        let server = answering_400(GET, &format!("/subscriptions/{SUBSCRIPTION}"), &body).await;
        let client = navigator_msp::Client::with_runtime(&server.base_url(), csp_runtime());
        let result = client
            .get_subscription()
            .org_id(ORG)
            .subscription_id(SUBSCRIPTION)
            .send()
            .await;
        assert_decodes!(navigator_msp, case, &body, result);
    }
}
