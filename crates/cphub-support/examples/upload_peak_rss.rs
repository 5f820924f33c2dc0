//! Measures the peak memory (RSS) of a 50 MiB attachment upload to a loopback server.
//!
//! `cargo run --release -p cphub-support --example upload_peak_rss` streams the file from disk;
//! add `-- --in-memory` to read it whole first, for comparison. The server, in the same process,
//! counts the bytes it receives without keeping them. Linux only (reads `/proc/self/status`).

use std::io::Write;

use axum::body::Body;
use axum::routing::post;
use cphub_support::{Attachment, Client};
use futures::TryStreamExt;

const FILE_SIZE: usize = 50 * 1024 * 1024;

/// `VmHWM` (peak resident set) and `VmRSS` of this process, in KiB.
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches(" kB").parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

async fn count_bytes(body: Body) -> String {
    let received = body
        .into_data_stream()
        .try_fold(
            0usize,
            |total, chunk| async move { Ok(total + chunk.len()) },
        )
        .await
        .unwrap_or(0);
    received.to_string()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let in_memory = std::env::args().any(|arg| arg == "--in-memory");

    let directory = tempfile::tempdir()?;
    let path = directory.path().join("capture.log");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
    let chunk: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
    for _ in 0..FILE_SIZE / chunk.len() {
        file.write_all(&chunk)?;
    }
    file.flush()?;
    drop(file);

    let app = axum::Router::new()
        .route(
            "/cphub/api/support/v1/orgs/{org}/support-requests/{ticket}/upload",
            post(count_bytes),
        )
        .layer(axum::extract::DefaultBodyLimit::disable());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base_url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });

    let (peak_before, _) = memory_kib();
    let attachment = if in_memory {
        Attachment::from_bytes("capture.log", tokio::fs::read(&path).await?)
    } else {
        Attachment::from_path(&path).await?
    };
    let response = Client::with_runtime(&base_url, vmware_cpn_runtime::Runtime::builder().build()?)
        .upload_attachment("org", "ticket", attachment)
        .await?;
    let (peak_after, _) = memory_kib();

    println!(
        "{} upload of {} MiB: HTTP {}; peak RSS {:.1} MiB before, {:.1} MiB after (+{:.1} MiB)",
        if in_memory { "in-memory" } else { "streamed" },
        FILE_SIZE / (1024 * 1024),
        response.status(),
        peak_before as f64 / 1024.0,
        peak_after as f64 / 1024.0,
        (peak_after - peak_before) as f64 / 1024.0,
    );
    Ok(())
}
