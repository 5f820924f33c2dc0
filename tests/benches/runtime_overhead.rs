//! The cost of the SDK on a call: a generated `get_organization` through the runtime (token
//! header, retry bookkeeping, tracing span, typed answer) against the same request written by
//! hand with reqwest and serde, both to one loopback server. Target: at most 1.05× per call.
//!
//! `cargo bench -p workspace-tests --bench runtime_overhead`

use criterion::{Criterion, criterion_group, criterion_main};
use sdk_runtime::{Auth, Runtime};

const ORG: &str = "9d9648a7-115a-4a06-a613-a0c4077469f7";
const TOKEN: &str = "bench-access-token";

/// Serves the guide's organization on 127.0.0.1 from its own thread, so the server's work is
/// not measured with the client's.
fn start_server() -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let organization = serde_json::json!({
                "createTimestamp": 1557857413135i64,
                "updateTimestamp": 1563265359178i64,
                "id": "9fb942e0-3e93-49ce-8617-0eed023d9d25",
                "name": "jy99ayz7",
                "displayName": "Lorem",
                "companyName": "Lorem Ipsum",
                "country": "US",
                "state": "Atlanta",
                "city": "Georgia",
                "zip": "30313",
                "domain": "lorem.com",
                "tag": "hightouchVMC",
                "status": "ACTIVE",
                "orgType": "TENANT",
                "parentOrgId": ORG,
                "childOrgIds": [],
                "tenantType": "DEFAULT",
                "isFederated": false
            });
            let app = axum::Router::new().route(
                "/cphub/api/core/v1/mgmt/orgs/{org}",
                axum::routing::get(move || {
                    let organization = organization.clone();
                    async move { axum::Json(organization) }
                }),
            );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender
                .send(format!("http://{}", listener.local_addr().unwrap()))
                .unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    receiver.recv().unwrap()
}

fn overhead(c: &mut Criterion) {
    let base = start_server();
    let client_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let sdk = Runtime::builder()
        .auth(Auth::csp_access_token(TOKEN))
        .build()
        .unwrap();
    let generated = cphub_core::Client::with_runtime(&base, sdk.clone());
    // The same connection pool settings: the runtime's own HTTP client.
    let http = sdk.http_client().clone();
    let url = format!("{base}/cphub/api/core/v1/mgmt/orgs/{ORG}");

    let mut group = c.benchmark_group("get_organization");
    group.bench_function("hand-written reqwest", |b| {
        b.to_async(&client_runtime).iter(|| async {
            let response = http
                .get(&url)
                .header("csp-auth-token", TOKEN)
                .header("accept", "application/json")
                .send()
                .await
                .unwrap();
            let organization: cphub_core::types::Organization = response.json().await.unwrap();
            organization
        })
    });
    group.bench_function("generated client through the runtime", |b| {
        b.to_async(&client_runtime).iter(|| async {
            generated
                .get_organization()
                .org_id(ORG)
                .send()
                .await
                .unwrap()
                .into_inner()
        })
    });
    group.finish();
}

criterion_group!(benches, overhead);
criterion_main!(benches);
