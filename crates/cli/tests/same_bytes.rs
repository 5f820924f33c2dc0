//! The same calls sent through the generated clients and through `cpn`, against a loopback
//! server that records every request as it arrives: the request line, every header and the
//! body must be the same bytes, with path and query values holding reserved characters
//! (`: @ + = , / ? # % &`, space) and non-ASCII ones. The token exchanges are recorded and
//! compared too: each side starts with no token.

use std::future::Future;
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use vmware_cpn_runtime::{Auth, Runtime};

/// A path or query value with every character that needs care.
const ODD: &str = "a:b@c+d=e,f/g?h#i%j&k l ü 東京";
/// Another, so that values do not stand in for each other unnoticed.
const ODD_TOO: &str = "東京 ü/x?y#z%25&q=1+2,3:4@5";
const REFRESH_TOKEN: &str = "refresh-token-for-the-byte-test";
const VCPP_ROOT: &str = "/v1/m3/api/vcpp";
const VCPP_CLIENT_ID: &str = "vcpp-client";
const VCPP_CLIENT_SECRET: &str = "vcpp-secret";

/// One request as it arrived.
#[derive(Clone, PartialEq, Eq)]
struct Recorded {
    /// The request line and headers, up to the blank line.
    head: Vec<u8>,
    body: Vec<u8>,
}

impl std::fmt::Debug for Recorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}{}",
            String::from_utf8_lossy(&self.head),
            String::from_utf8_lossy(&self.body)
        )
    }
}

/// A loopback HTTP/1.1 server that records each request and answers `200` with JSON: an
/// access token to the token exchanges, `[]` to everything else.
struct Recorder {
    base: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    runtime: tokio::runtime::Runtime,
}

impl Recorder {
    fn start() -> Recorder {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("its address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = requests.clone();
        runtime.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, recorded.clone()));
            }
        });
        Recorder {
            base,
            requests,
            runtime,
        }
    }

    /// The requests recorded since the last call.
    fn take(&self) -> Vec<Recorded> {
        std::mem::take(&mut *self.requests.lock().expect("the record"))
    }

    fn vcpp_base(&self) -> String {
        format!("{}{VCPP_ROOT}", self.base)
    }

    /// A runtime with the refresh token, as `cpn` makes one.
    fn navigator(&self) -> Runtime {
        Runtime::builder()
            .auth(Auth::csp_refresh_token(&self.base, REFRESH_TOKEN))
            .build()
            .expect("a runtime")
    }

    /// A runtime with the VCPP client credentials, as `cpn` makes one.
    fn vcpp(&self) -> Runtime {
        let token_url = vcpp::token_url(&self.vcpp_base()).expect("a VCPP root");
        Runtime::builder()
            .auth(Auth::vcpp_client_credentials(
                &token_url,
                VCPP_CLIENT_ID,
                VCPP_CLIENT_SECRET,
            ))
            .build()
            .expect("a runtime")
    }

    /// What a call through a client sends; its answer is not looked at.
    fn through_sdk<F: Future<Output = ()>>(&self, call: F) -> Vec<Recorded> {
        self.take();
        self.runtime.block_on(call);
        self.take()
    }

    /// What `cpn args…` sends; whether it succeeds is not looked at.
    fn through_cpn(&self, args: &[&str]) -> Vec<Recorded> {
        self.through_cpn_with(&[("CPN_REFRESH_TOKEN", REFRESH_TOKEN)], args)
    }

    /// What `cpn args…` sends with the Navigator credential of `navigator` (environment
    /// variables) instead of the refresh token.
    fn through_cpn_with(&self, navigator: &[(&str, &str)], args: &[&str]) -> Vec<Recorded> {
        self.take();
        let dir = tempfile::tempdir().expect("temp dir");
        assert_cmd::Command::cargo_bin("cpn")
            .expect("cpn is built")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("CPN_CONFIG", dir.path().join("config.json"))
            .env("CPN_BASE_URL", &self.base)
            .envs(navigator.iter().copied())
            .env("VCPP_BASE_URL", self.vcpp_base())
            .env("VCPP_CLIENT_ID", VCPP_CLIENT_ID)
            .env("VCPP_CLIENT_SECRET", VCPP_CLIENT_SECRET)
            .args(args)
            .output()
            .expect("cpn runs");
        self.take()
    }

    /// The two sides sent the same requests, byte for byte, and at least one beside the
    /// token exchange.
    fn assert_same(&self, what: &str, sdk: Vec<Recorded>, cpn: Vec<Recorded>) {
        assert!(
            sdk.len() >= 2,
            "{what}: the client sent no call after the token exchange: {sdk:#?}"
        );
        assert_eq!(sdk, cpn, "{what}: the client's requests, then cpn's");
    }
}

/// Serves one connection: requests one after another, each answered, until it closes.
async fn serve(mut stream: TcpStream, requests: Arc<Mutex<Vec<Recorded>>>) {
    let mut buffer = Vec::new();
    loop {
        let head_end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            let mut chunk = [0; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(read) => buffer.extend_from_slice(&chunk[..read]),
            }
        };
        let head = buffer[..head_end].to_vec();
        let text = String::from_utf8_lossy(&head).to_lowercase();
        let length = text
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|value| value.trim().parse::<usize>().ok())
            .unwrap_or(0);
        while buffer.len() < head_end + length {
            let mut chunk = [0; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(read) => buffer.extend_from_slice(&chunk[..read]),
            }
        }
        let body = buffer[head_end..head_end + length].to_vec();
        buffer.drain(..head_end + length);
        let line = text.lines().next().unwrap_or_default().to_owned();
        requests
            .lock()
            .expect("the record")
            .push(Recorded { head, body });
        let exchange = [
            "/authn/accesstoken ",
            "/token/oauth ",
            "/authn/authorize?",
            "/api-tokens/authorize ",
        ];
        let answer = if exchange.iter().any(|path| line.contains(path)) {
            r#"{"access_token":"access-token-for-the-byte-test","expires_in":3600}"#
        } else {
            "[]"
        };
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
             content-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        if stream.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

#[test]
fn a_path_value_is_encoded_as_the_sdk_encodes_it() {
    let server = Recorder::start();
    let base = server.base.clone();
    let runtime = server.navigator();
    let sdk = server.through_sdk(async move {
        let client = cphub_core::Client::with_runtime(&base, runtime);
        let _ = client.get_organization().org_id(ODD).send().await;
    });
    let cpn = server.through_cpn(&["core", "get-organization", "--org-id", ODD]);
    server.assert_same("get_organization", sdk, cpn);
}

#[test]
fn three_path_values_fill_the_path_in_its_order() {
    let server = Recorder::start();
    let base = server.base.clone();
    let runtime = server.navigator();
    let sdk = server.through_sdk(async move {
        let client = cphub_auth::Client::with_runtime(&base, runtime);
        let _ = client
            .get_org_bindings_for_role()
            .user_id(ODD)
            .org_id(ODD_TOO)
            .role_id("msp:provider_account_admin")
            .send()
            .await;
    });
    let cpn = server.through_cpn(&[
        "auth",
        "get-org-bindings-for-role",
        "--role-id",
        "msp:provider_account_admin",
        "--org-id",
        ODD_TOO,
        "--user-id",
        ODD,
    ]);
    server.assert_same("get_org_bindings_for_role", sdk, cpn);
}

#[test]
fn query_values_of_every_kind_go_in_the_sdks_order_and_encoding() {
    let server = Recorder::start();
    let base = server.base.clone();
    let runtime = server.navigator();
    let sdk = server.through_sdk(async move {
        let client = cphub_billing::Client::with_runtime(&base, runtime);
        let _ = client
            .get_usage_report()
            .org_id(ODD)
            .tenant_id(ODD_TOO)
            .service_ids(ODD)
            // The JSON report takes epoch seconds (cpn's time rule: the guides' example); cpn
            // reads the month below and sends it so.
            .start_time(1_714_521_600_i64)
            .detail_view(true)
            .provider_report(false)
            .send()
            .await;
    });
    let cpn = server.through_cpn(&[
        "billing",
        "get-usage-report",
        "--provider-report",
        "false",
        "--detail-view",
        "true",
        "--start-time",
        "2024-05",
        "--service-ids",
        ODD,
        "--tenant-id",
        ODD_TOO,
        "--org-id",
        ODD,
    ]);
    server.assert_same("get_usage_report", sdk, cpn);

    let base = server.base.clone();
    let runtime = server.navigator();
    let sdk = server.through_sdk(async move {
        let client = cphub_support::Client::with_runtime(&base, runtime);
        let _ = client
            .list_support_requests()
            .org_id(ODD_TOO)
            .subject(ODD)
            .org_name(ODD_TOO)
            .page_start(1)
            .page_limit(5)
            .user_tickets_only(true)
            .send()
            .await;
    });
    let cpn = server.through_cpn(&[
        "support",
        "list-support-requests",
        "--org-id",
        ODD_TOO,
        "--user-tickets-only",
        "true",
        "--page-limit",
        "5",
        "--page-start",
        "1",
        "--org-name",
        ODD_TOO,
        "--subject",
        ODD,
    ]);
    server.assert_same("list_support_requests", sdk, cpn);
}

#[test]
fn a_csv_download_asks_for_csv_as_the_sdk_does() {
    let server = Recorder::start();
    let base = server.base.clone();
    let runtime = server.navigator();
    let sdk = server.through_sdk(async move {
        let client = cphub_billing::Client::with_runtime(&base, runtime);
        let _ = client
            .download_usage_report()
            .org_id(ODD)
            .tenant_id(ODD_TOO)
            .send()
            .await;
    });
    let cpn = server.through_cpn(&[
        "billing",
        "download-usage-report",
        "--org-id",
        ODD,
        "--tenant-id",
        ODD_TOO,
    ]);
    server.assert_same("download_usage_report", sdk, cpn);
}

#[test]
fn a_json_body_and_the_first_page_of_all_are_the_sdks() {
    let server = Recorder::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let body = dir.path().join("search.json");
    std::fs::write(&body, format!(r#"{{"filters": {{"name": "{ODD}"}}}}"#)).expect("written");
    let base = server.base.clone();
    let runtime = server.navigator();
    let sdk = server.through_sdk(async move {
        let client = navigator_msp::Client::with_runtime(&base, runtime);
        let mut filters = serde_json::Map::new();
        filters.insert("name".into(), ODD.into());
        let search = navigator_msp::types::SubscriptionSearchRequest::builder().filters(filters);
        let mut pages = client
            .search_subscriptions()
            .org_id(ODD_TOO)
            .body(search)
            .stream();
        while pages.next().await.is_some() {}
    });
    let cpn = server.through_cpn(&[
        "msp",
        "search-subscriptions",
        "--org-id",
        ODD_TOO,
        "--body",
        body.to_str().expect("a UTF-8 path"),
        "--all",
    ]);
    server.assert_same("search_subscriptions --all", sdk, cpn);
}

#[test]
fn a_vcpp_call_with_client_credentials_is_the_sdks() {
    let server = Recorder::start();
    let base = server.vcpp_base();
    let runtime = server.vcpp();
    let sdk = server.through_sdk(async move {
        let client = vcpp::Client::with_runtime(&base, runtime);
        let _ = client
            .list_addon_products()
            .service_instance_id(ODD)
            .send()
            .await;
    });
    let cpn = server.through_cpn(&["vcpp", "list-addon-products", "--service-instance-id", ODD]);
    server.assert_same("list_addon_products", sdk, cpn);
}

#[test]
fn a_call_with_an_oauth_app_or_a_csp_api_token_is_the_sdks() {
    let server = Recorder::start();
    let org = "org-of-the-app";
    let logins = [
        (
            Auth::navigator_oauth_app(&server.base, org, "app-id", "app-secret"),
            vec![
                ("CPN_CLIENT_ID", "app-id"),
                ("CPN_CLIENT_SECRET", "app-secret"),
                ("CPN_ORG_ID", org),
            ],
        ),
        (
            Auth::csp_api_token(
                &cphub_auth::operations::EXCHANGE_CSP_API_TOKEN
                    .url(&server.base, &[])
                    .unwrap(),
                "csp-api-token",
            ),
            vec![
                ("CSP_API_TOKEN", "csp-api-token"),
                ("CSP_BASE_URL", server.base.as_str()),
                ("CPN_ORG_ID", org),
            ],
        ),
    ];
    for (auth, navigator) in logins {
        let base = server.base.clone();
        let runtime = Runtime::builder().auth(auth).build().expect("a runtime");
        let sdk = server.through_sdk(async move {
            let client = cphub_core::Client::with_runtime(&base, runtime);
            let _ = client.get_organization().org_id(ODD).send().await;
        });
        let cpn =
            server.through_cpn_with(&navigator, &["core", "get-organization", "--org-id", ODD]);
        server.assert_same("get_organization", sdk, cpn);
    }
}
