//! A token of a character or two is not searched for inside an error body (its letters would
//! match ordinary text and mangle it), so the typed error and its status survive; a long one
//! never shows. Against a loopback server answering what the reference's error body looks like.

use httpmock::prelude::*;
use vmware_cpn_runtime::{Auth, RetryPolicy, Runtime};
use vmware_cpn_test_support::ORG;

fn client(server: &MockServer, token: &str) -> cphub_core::Client {
    let runtime = Runtime::builder()
        .auth(Auth::csp_access_token(token))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    cphub_core::Client::with_runtime(&server.base_url(), runtime)
}

#[tokio::test]
async fn a_short_token_leaves_the_error_body_whole() {
    let server = MockServer::start_async().await;
    let body =
        r#"{"statusCode":400,"message":"bad request","cspErrorCode":"s.a","requestId":"r-1"}"#;
    server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(400)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;
    for token in ["s", "sa", "a", "t"] {
        let error = client(&server, token)
            .get_organization()
            .org_id(ORG)
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{token}");
        let typed = error
            .typed()
            .unwrap_or_else(|| panic!("{token}: {error:?}"));
        assert_eq!(typed.status_code, Some(400), "{token}");
        assert_eq!(typed.message.as_deref(), Some("bad request"), "{token}");
        assert_eq!(typed.csp_error_code.as_deref(), Some("s.a"), "{token}");
    }
}

#[tokio::test]
async fn a_long_token_echoed_in_an_error_never_shows() {
    let token = "eyJhbGciOiJSUzI1NiJ9.payload-of-the-token.signature";
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(401)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"statusCode":401,"message":"token {token} is not valid"}}"#
                ));
        })
        .await;
    let error = client(&server, token)
        .get_organization()
        .org_id(ORG)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let printed = format!("{error} {error:?}");
    assert!(!printed.contains(token), "{printed}");
    let typed = error.typed().unwrap();
    assert_eq!(typed.status_code, Some(401));
    assert!(!typed.message.as_deref().unwrap_or_default().contains(token));
}
