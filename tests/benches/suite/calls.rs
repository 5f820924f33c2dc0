//! The cost of the SDK on calls: one at a time (`overhead`), and 5,000 or 50,000 with 64 in
//! flight against the mock in a process of its own (`fan-out`, `fan-out-50k`), each against
//! the same requests written by hand with reqwest and serde; wall time, CPU time and
//! allocations per call of both sides.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use futures::StreamExt;
use vmware_cpn_runtime::{Auth, Runtime};
use vmware_cpn_test_support::ORG;

use crate::{Alternated, Clock, Outcome, Sample, alternate_sampled, sampled};

const TOKEN: &str = "bench-access-token";
/// The same request on both sides: the generated client sends the spec's `api-version`.
const API_VERSION: &str = "1.0";

fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1e3)
}

/// A side's median wall and CPU time.
fn times(sample: &Sample) -> String {
    format!("{} (CPU {})", millis(sample.wall), millis(sample.cpu))
}

/// Allocations and CPU time per call of both sides, for the notes.
fn per_call(run: &Alternated, calls: usize) -> String {
    let calls = calls as f64;
    let allocations = |s: &Sample| s.allocations as f64 / calls;
    let micros = |s: &Sample| s.cpu.as_secs_f64() * 1e6 / calls;
    format!(
        "allocations/call: reqwest {:.1}, SDK {:.1}; CPU/call: reqwest {:.2} µs, SDK {:.2} µs",
        allocations(&run.baseline),
        allocations(&run.sdk),
        micros(&run.baseline),
        micros(&run.sdk)
    )
}

/// Serves the guide's organization on 127.0.0.1 from its own thread, so the server's work
/// is not measured with the client's.
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
                "createTimestamp": 1557857413135i64, "updateTimestamp": 1563265359178i64,
                "id": "9fb942e0-3e93-49ce-8617-0eed023d9d25", "name": "jy99ayz7",
                "displayName": "Lorem", "companyName": "Lorem Ipsum", "country": "US",
                "state": "Atlanta", "city": "Georgia", "zip": "30313", "domain": "lorem.com",
                "tag": "hightouchVMC", "status": "ACTIVE", "orgType": "TENANT",
                "parentOrgId": ORG, "childOrgIds": [], "tenantType": "DEFAULT",
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

/// One `get_organization` at a time, 1,000 per side and repetition, on one client thread.
pub(crate) fn overhead() -> Outcome {
    const CALLS: usize = 1_000;
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
    // The client runs on this thread alone (a current-thread runtime): its CPU clock is the
    // client's, the server thread's excluded. Allocations are the whole process's, the
    // server's included (the same requests on both sides).
    let by_hand = || {
        sampled(Clock::Thread, || {
            client_runtime.block_on(async {
                for _ in 0..CALLS {
                    let response = http
                        .get(&url)
                        .header("csp-auth-token", TOKEN)
                        .header("accept", "application/json")
                        .header("api-version", API_VERSION)
                        .send()
                        .await
                        .unwrap();
                    let bytes = response.bytes().await.unwrap();
                    let _: cphub_core::types::Organization =
                        serde_json::from_slice(&bytes).unwrap();
                }
            })
        })
    };
    let through_sdk = || {
        sampled(Clock::Thread, || {
            client_runtime.block_on(async {
                for _ in 0..CALLS {
                    generated
                        .get_organization()
                        .org_id(ORG)
                        .send()
                        .await
                        .unwrap();
                }
            })
        })
    };
    // Copied whole each time it is made or moved: what the SDK's layers cost in memory
    // traffic on every call.
    let future_size = std::mem::size_of_val(&generated.get_organization().org_id(ORG).send());
    let run = alternate_sampled(41, by_hand, through_sdk);
    Outcome {
        name: "overhead: 1,000 get_organization, one at a time".into(),
        baseline: format!("reqwest + serde {}", times(&run.baseline)),
        sdk: format!("generated client {}", times(&run.sdk)),
        notes: format!(
            "loopback axum server on its own thread (its allocations counted on both sides); {}; the SDK's call future {future_size} bytes",
            per_call(&run, CALLS)
        ),
        ratios: run.ratios,
        cpu_ratios: run.cpu_ratios,
        target: 1.05,
        at_most: true,
    }
}

/// The child process that serves the mock: its base URL on stdout, then until stdin closes.
pub(crate) fn serve_mock(tenants: usize) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let mock = vmware_cpn_mock::MockServer::start_with(
            vmware_cpn_mock::Config::default().tenants(tenants),
        )
        .await
        .unwrap();
        println!("{}\t{}", mock.base_url(), mock.refresh_token());
        // Serve until the parent closes our stdin (or dies).
        tokio::task::spawn_blocking(|| std::io::stdin().lines().count())
            .await
            .unwrap();
    });
}

/// `count` `get_organization` calls for as many tenants, 64 in flight, against the mock in
/// a process of its own: `vmware_cpn_runtime::fan_out` through one runtime (one token exchange
/// for the whole run) against reqwest + serde with `buffer_unordered` and one exchange.
/// CPU time and allocations are the client process's.
pub(crate) fn fan_out(count: usize, repetitions: usize) -> Outcome {
    const IN_FLIGHT: usize = 64;
    let mut mock = Command::new(std::env::current_exe().unwrap())
        .args(["--serve-mock", &count.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the mock starts");
    let line = BufReader::new(mock.stdout.take().unwrap())
        .lines()
        .next()
        .unwrap()
        .unwrap();
    let (base, refresh_token) = line.split_once('\t').unwrap();
    let base = base.to_owned();
    let tenants: Vec<String> = (0..count).map(vmware_cpn_mock::tenant_id).collect();
    let client_runtime = tokio::runtime::Runtime::new().unwrap();
    let runtime = Runtime::builder()
        .auth(Auth::csp_refresh_token(&base, refresh_token))
        .build()
        .unwrap();
    let client = cphub_core::Client::with_runtime(&base, runtime.clone());
    let http = runtime.http_client().clone();

    // By hand: one exchange, then the calls.
    let token: String = client_runtime.block_on(async {
        let answer: serde_json::Value = http
            .post(format!("{base}/cphub/api/auth/v1/authn/accesstoken"))
            .json(&serde_json::json!({ "refreshToken": refresh_token }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        answer["accessToken"].as_str().unwrap().to_owned()
    });
    let by_hand = || {
        sampled(Clock::Process, || {
            client_runtime.block_on(async {
                let calls = futures::stream::iter(&tenants).map(|tenant| {
                    let request = http
                        .get(format!("{base}/cphub/api/core/v1/mgmt/orgs/{tenant}"))
                        .header("csp-auth-token", &token)
                        .header("accept", "application/json")
                        .header("api-version", API_VERSION);
                    async move {
                        let bytes = request.send().await?.error_for_status()?.bytes().await?;
                        Ok::<_, reqwest::Error>(
                            serde_json::from_slice::<cphub_core::types::Organization>(&bytes)
                                .is_ok(),
                        )
                    }
                });
                let ok = calls
                    .buffer_unordered(IN_FLIGHT)
                    .filter(|result| std::future::ready(matches!(result, Ok(true))))
                    .count()
                    .await;
                assert_eq!(ok, count);
            })
        })
    };
    let rss_before = crate::peak_rss_kib();
    let through_sdk = || {
        sampled(Clock::Process, || {
            client_runtime.block_on(async {
                let ok = vmware_cpn_runtime::fan_out(&tenants, IN_FLIGHT, |tenant| {
                    client.get_organization().org_id(*tenant).send()
                })
                .filter(|(_, result)| std::future::ready(result.is_ok()))
                .count()
                .await;
                assert_eq!(ok, count);
            })
        })
    };
    let run = alternate_sampled(repetitions, by_hand, through_sdk);
    let exchanges = client_runtime.block_on(async {
        let calls: serde_json::Value = http
            .get(format!("{base}/_mock/calls"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        calls["get_access_token"].as_u64().unwrap_or(0)
    });
    let rss_after = crate::peak_rss_kib();
    drop(mock.stdin.take());
    let _ = mock.wait();
    Outcome {
        name: format!("fan-out: {count} get_organization, {IN_FLIGHT} in flight"),
        baseline: format!("reqwest + serde {}", times(&run.baseline)),
        sdk: format!("vmware_cpn_runtime::fan_out {}", times(&run.sdk)),
        notes: format!(
            "vmware-cpn-mock in its own process; token exchanges: {exchanges} (one by hand, one by the runtime); client peak RSS {:.1} → {:.1} MiB over all runs; {}",
            rss_before as f64 / 1024.0,
            rss_after as f64 / 1024.0,
            per_call(&run, count)
        ),
        ratios: run.ratios,
        cpu_ratios: run.cpu_ratios,
        target: 1.05,
        at_most: true,
    }
}
