//! The hand-written multipart upload against a real multipart parser (axum's) on 127.0.0.1:
//! the file arrives byte for byte, under its name, in the fields the spec names.

use std::sync::{Arc, Mutex};

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use cphub_support::{Attachment, Client};
use vmware_cpn_test_support::{ORG, TOKEN, anonymous_runtime, csp_runtime};

/// One form field as the server received it.
#[derive(Debug, Clone, PartialEq)]
struct ReceivedField {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

/// One upload as the server received it.
struct ReceivedUpload {
    org: String,
    ticket: String,
    csp_auth_token: Option<String>,
    fields: Vec<ReceivedField>,
}

#[derive(Default, Clone)]
struct Received {
    requests: Arc<Mutex<Vec<ReceivedUpload>>>,
}

async fn upload(
    State(received): State<Received>,
    Path((org, ticket)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    mut form: Multipart,
) -> StatusCode {
    let mut fields = Vec::new();
    while let Some(field) = form.next_field().await.unwrap() {
        fields.push(ReceivedField {
            name: field.name().unwrap_or_default().to_owned(),
            file_name: field.file_name().map(str::to_owned),
            content_type: field.content_type().map(str::to_owned),
            bytes: field.bytes().await.unwrap().to_vec(),
        });
    }
    let token = headers
        .get("csp-auth-token")
        .map(|value| value.to_str().unwrap().to_owned());
    received.requests.lock().unwrap().push(ReceivedUpload {
        org,
        ticket,
        csp_auth_token: token,
        fields,
    });
    StatusCode::OK
}

async fn serve(received: Received) -> String {
    let app = axum::Router::new()
        .route(
            "/cphub/api/support/v1/orgs/{org}/support-requests/{ticket}/upload",
            post(upload),
        )
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(received);
    vmware_cpn_test_support::serve(app).await
}

/// Bytes that are not all alike, so a shifted or truncated copy cannot pass.
fn sample_bytes(length: usize) -> Vec<u8> {
    (0..length).map(|i| (i * 31 % 251) as u8).collect()
}

#[tokio::test]
async fn a_file_from_disk_arrives_byte_identical_with_its_name() {
    let received = Received::default();
    let base_url = serve(received.clone()).await;
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("screenshot.png");
    let contents = sample_bytes(3 * 1024 * 1024 + 17);
    std::fs::write(&path, &contents).unwrap();

    let client = Client::with_runtime(&base_url, csp_runtime());
    let attachment = Attachment::from_path(&path).await.unwrap();
    let response = client
        .upload_attachment(ORG, "18625917011", attachment)
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let requests = received.requests.lock().unwrap();
    let ReceivedUpload {
        org,
        ticket,
        csp_auth_token,
        fields,
    } = &requests[0];
    assert_eq!((org.as_str(), ticket.as_str()), (ORG, "18625917011"));
    assert_eq!(csp_auth_token.as_deref(), Some(TOKEN));
    assert_eq!(fields.len(), 2);
    assert_eq!(fields[0].name, "fileDetail");
    assert_eq!(fields[0].bytes, b"screenshot.png");
    assert_eq!(fields[1].name, "uploadedInputStream");
    assert_eq!(fields[1].file_name.as_deref(), Some("screenshot.png"));
    assert_eq!(fields[1].content_type.as_deref(), Some("image/png"));
    assert!(fields[1].bytes == contents, "the file arrived altered");
}

#[tokio::test]
async fn a_byte_stream_of_unknown_length_arrives_byte_identical() {
    let received = Received::default();
    let base_url = serve(received.clone()).await;
    let contents = sample_bytes(200_000);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = contents
        .chunks(7_000)
        .map(|chunk| Ok(chunk.to_vec()))
        .collect();

    let attachment = Attachment::from_stream("log.txt", None, futures::stream::iter(chunks));
    assert_eq!(attachment.file_name(), "log.txt");
    Client::with_runtime(&base_url, csp_runtime())
        .upload_attachment(ORG, "1", attachment)
        .await
        .unwrap();

    let requests = received.requests.lock().unwrap();
    let file = &requests[0].fields[1];
    assert_eq!(file.file_name.as_deref(), Some("log.txt"));
    assert_eq!(file.content_type.as_deref(), Some("text/plain"));
    assert!(file.bytes == contents, "the stream arrived altered");
}

#[tokio::test]
async fn a_rejected_upload_is_a_typed_error_with_its_status() {
    let server = httpmock::MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(httpmock::Method::POST)
                .path_includes("/upload")
                .header_includes("content-type", "multipart/form-data; boundary=");
            then.status(413).json_body(serde_json::json!({
                "statusCode": 413,
                "message": "File too large"
            }));
        })
        .await;

    let error = Client::with_runtime(&server.base_url(), anonymous_runtime())
        .upload_attachment(ORG, "1", Attachment::from_bytes("a.txt", "hello"))
        .await
        .unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(413));
    match error {
        cphub_support::Error::Api(error) => {
            let body = error.typed().unwrap();
            assert_eq!(body.message.as_deref(), Some("File too large"));
        }
        other => panic!("expected the typed error body, got {other:?}"),
    }
}

#[tokio::test]
async fn an_invalid_media_type_is_a_request_error_not_a_panic() {
    let attachment = Attachment::from_bytes("a.txt", "hello").content_type("not a type");
    let error = Client::with_runtime("http://127.0.0.1:9", anonymous_runtime())
        .upload_attachment(ORG, "1", attachment)
        .await
        .unwrap_err();
    match error {
        cphub_support::Error::InvalidRequest(message) => {
            assert!(message.contains("not a type"), "{message}");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
}
