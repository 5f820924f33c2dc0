//! The SDK's streaming paths against what a user would write: a 200 MB usage report read as
//! typed rows (`csv`) against csv + serde, and a 50 MiB attachment streamed from disk
//! (`upload`) against the same file read into memory first. Peak memory is measured in a
//! process of its own for the SDK side.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use futures::{StreamExt, TryStreamExt};

use crate::{Outcome, alternate, peak_rss_kib, timed};

/// The report size of the issue: 558,806 rows (about 200 MB from the real service).
const REPORT_ROWS: u64 = 558_806;
const UPLOAD_SIZE: usize = 50 * 1024 * 1024;

/// A user's own row type for csv + serde: every column an optional string.
#[derive(serde::Deserialize)]
#[allow(dead_code)] // read only by serde: the work measured is filling it
struct UserRow {
    #[serde(rename = "Org Id")]
    org_id: Option<String>,
    #[serde(rename = "Org Name")]
    org_name: Option<String>,
    #[serde(rename = "Org Status")]
    org_status: Option<String>,
    #[serde(rename = "Tag")]
    tag: Option<String>,
    #[serde(rename = "Service Id")]
    service_id: Option<String>,
    #[serde(rename = "Service Name")]
    service_name: Option<String>,
    #[serde(rename = "Subscription Id")]
    subscription_id: Option<String>,
    #[serde(rename = "Sku Name")]
    sku_name: Option<String>,
    #[serde(rename = "Sku Description")]
    sku_description: Option<String>,
    #[serde(rename = "Datacenter")]
    datacenter: Option<String>,
    #[serde(rename = "Billable Usage Timestamp")]
    billable_usage_timestamp: Option<String>,
    #[serde(rename = "Price ()")]
    price: Option<String>,
    #[serde(rename = "Usage Qty")]
    usage_qty: Option<String>,
    #[serde(rename = "Commit Qty")]
    commit_qty: Option<String>,
    #[serde(rename = "Billable Qty")]
    billable_qty: Option<String>,
    #[serde(rename = "Product Family")]
    product_family: Option<String>,
    #[serde(rename = "Customer Segment")]
    customer_segment: Option<String>,
    #[serde(rename = "Cross Reference Sku")]
    cross_reference_sku: Option<String>,
}

fn rows_per_second(rows: u64, seconds: f64) -> String {
    format!("{:.0}k rows/s", rows as f64 / seconds / 1e3)
}

/// Downloads the mock's report of `REPORT_ROWS` rows into `path`, streamed.
fn download_report(path: &Path) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let config = vmware_cpn_mock::Config::default().usage_report_rows(REPORT_ROWS);
        let mock = vmware_cpn_mock::MockServer::start_with(config)
            .await
            .unwrap();
        let runtime = Runtime::builder()
            .auth(Auth::csp_refresh_token(
                mock.base_url(),
                mock.refresh_token(),
            ))
            .build()
            .unwrap();
        let client = cphub_billing::Client::with_runtime(mock.base_url(), runtime);
        let mut body = client
            .download_usage_report()
            .org_id(mock.provider_org())
            .send()
            .await
            .unwrap()
            .into_inner();
        let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        while let Some(chunk) = body.try_next().await.unwrap() {
            file.write_all(&chunk).unwrap();
        }
        file.flush().unwrap();
    });
}

use vmware_cpn_runtime::{Auth, Runtime};

/// The file's bytes as a stream of 256 KiB chunks, read as they are asked for.
fn file_chunks(
    path: &Path,
) -> impl futures::Stream<Item = std::io::Result<bytes::Bytes>> + Send + 'static {
    let mut file = std::fs::File::open(path).unwrap();
    futures::stream::iter(std::iter::from_fn(move || {
        let mut buffer = vec![0; 256 * 1024];
        match file.read(&mut buffer) {
            Ok(0) => None,
            Ok(read) => {
                buffer.truncate(read);
                Some(Ok(bytes::Bytes::from(buffer)))
            }
            Err(error) => Some(Err(error)),
        }
    }))
}

/// The SDK side: the file's rows through `UsageReport`, counted.
fn sdk_rows(path: &Path) -> u64 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut report = cphub_billing::UsageReport::from_stream(None, file_chunks(path));
        let mut rows = 0;
        while let Some(row) = report.next().await {
            row.expect("a good row");
            rows += 1;
        }
        rows
    })
}

/// The user's side: csv + serde reading the file.
fn csv_serde_rows(path: &Path) -> u64 {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut rows = 0;
    for row in reader.deserialize::<UserRow>() {
        row.expect("a good row");
        rows += 1;
    }
    rows
}

pub(crate) fn csv() -> Outcome {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("usage-report.csv");
    download_report(&path);
    let size = std::fs::metadata(&path).unwrap().len();
    let (ratios, a, b) = alternate(
        7,
        || timed(|| assert_eq!(csv_serde_rows(&path), REPORT_ROWS)),
        || timed(|| assert_eq!(sdk_rows(&path), REPORT_ROWS)),
    );
    let rss = helper_output("csv-rss", &[path.to_str().unwrap()]);
    Outcome {
        name: format!(
            "csv: {REPORT_ROWS} rows, {:.0} MB, from a local file",
            size as f64 / 1e6
        ),
        baseline: format!(
            "csv + serde {}",
            rows_per_second(REPORT_ROWS, a.as_secs_f64())
        ),
        sdk: format!(
            "UsageReport {}",
            rows_per_second(REPORT_ROWS, b.as_secs_f64())
        ),
        // Speed, not time: baseline time over SDK time.
        ratios: ratios.iter().map(|r| 1.0 / r).collect(),
        cpu_ratios: Vec::new(),
        target: 0.8,
        at_most: false,
        notes: format!("SDK side alone, peak RSS of the process: {rss} (target ≤ 16 MiB)"),
    }
}

/// Counts the bytes of each upload, keeping none, on 127.0.0.1 from its own thread.
fn start_upload_server() -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let app = axum::Router::new()
                .route(
                    "/cphub/api/support/v1/orgs/{org}/support-requests/{ticket}/upload",
                    axum::routing::post(|body: axum::body::Body| async move {
                        let mut received = 0;
                        let mut chunks = body.into_data_stream();
                        while let Some(Ok(chunk)) = chunks.next().await {
                            received += chunk.len();
                        }
                        received.to_string()
                    }),
                )
                .layer(axum::extract::DefaultBodyLimit::disable());
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender
                .send(format!("http://{}", listener.local_addr().unwrap()))
                .unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    receiver.recv().unwrap()
}

fn write_upload_file(directory: &Path) -> PathBuf {
    let path = directory.join("capture.log");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let chunk: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
    for _ in 0..UPLOAD_SIZE / chunk.len() {
        file.write_all(&chunk).unwrap();
    }
    file.flush().unwrap();
    path
}

async fn send_upload(base: &str, attachment: cphub_support::Attachment) {
    let client = cphub_support::Client::with_runtime(base, Runtime::builder().build().unwrap());
    client
        .upload_attachment("org", "ticket", attachment)
        .await
        .unwrap();
}

pub(crate) fn upload() -> Outcome {
    let directory = tempfile::tempdir().unwrap();
    let path = write_upload_file(directory.path());
    let base = start_upload_server();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let in_memory = || {
        timed(|| {
            runtime.block_on(async {
                let bytes = tokio::fs::read(&path).await.unwrap();
                send_upload(
                    &base,
                    cphub_support::Attachment::from_bytes("capture.log", bytes),
                )
                .await
            })
        })
    };
    let streamed = || {
        timed(|| {
            runtime.block_on(async {
                let attachment = cphub_support::Attachment::from_path(&path).await.unwrap();
                send_upload(&base, attachment).await
            })
        })
    };
    let (ratios, a, b) = alternate(11, in_memory, streamed);
    let rss = helper_output("upload-rss", &[path.to_str().unwrap()]);
    Outcome {
        name: "upload: 50 MiB attachment".into(),
        baseline: format!("read whole, then sent {:.1} ms", a.as_secs_f64() * 1e3),
        sdk: format!("streamed from disk {:.1} ms", b.as_secs_f64() * 1e3),
        ratios,
        cpu_ratios: Vec::new(),
        target: 1.2,
        at_most: true,
        notes: format!("streamed alone, peak RSS increase: {rss} (target ≤ 16 MiB)"),
    }
}

/// Runs a measuring helper in a child process and returns what it prints.
fn helper_output(name: &str, args: &[&str]) -> String {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--child", name])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// The helpers' side of [`helper_output`]: the SDK side once, and its memory.
pub(crate) fn run_helper(name: &str, args: &[&str]) {
    let path = Path::new(args[0]);
    match name {
        "csv-rss" => {
            assert_eq!(sdk_rows(path), REPORT_ROWS);
            println!("{:.1} MiB", peak_rss_kib() as f64 / 1024.0);
        }
        "upload-rss" => {
            let base = start_upload_server();
            let runtime = tokio::runtime::Runtime::new().unwrap();
            let before = peak_rss_kib();
            runtime.block_on(async {
                let attachment = cphub_support::Attachment::from_path(path).await.unwrap();
                send_upload(&base, attachment).await
            });
            let after = peak_rss_kib();
            println!(
                "+{:.1} MiB ({:.1} → {:.1} MiB)",
                (after - before) as f64 / 1024.0,
                before as f64 / 1024.0,
                after as f64 / 1024.0
            );
        }
        other => panic!("no helper {other}"),
    }
}
