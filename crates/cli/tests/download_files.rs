//! `cpn usage download --all-tenants --output-dir DIR` against the mock: DIR is created when
//! missing, a tenant's file appears under its own name only once complete (a download cut
//! off midway leaves nothing of it), and a rerun downloads only the files that are missing
//! unless `--force`.

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Output;
use std::sync::Arc;

use common::Env;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const DOWNLOADS: &str = "download_usage_report";

/// `cpn usage download --all-tenants --output-dir dir` with `extra` flags.
fn download(env: &Env, dir: &Path, extra: &[&str]) -> Output {
    env.cpn()
        .args(["usage", "download", "--all-tenants", "--concurrency", "2"])
        .arg("--output-dir")
        .arg(dir)
        .args(extra)
        .output()
        .expect("cpn runs")
}

fn tenant_ids(env: &Env) -> Vec<String> {
    let tenants = env.json(&["tenants", "list"]);
    let ids: Vec<String> = tenants
        .as_array()
        .expect("a list of tenants")
        .iter()
        .map(|t| t["id"].as_str().expect("a tenant id").to_owned())
        .collect();
    assert!(ids.len() >= 2, "the mock is seeded with tenants: {tenants}");
    ids
}

/// Every entry of `dir` (dot files too), by name, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(entry.path()).unwrap())
        })
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// One complete file per tenant, `<id>.csv` (the seeded ids need no escaping), and nothing
/// else; each a CSV report with its header line.
fn assert_complete(dir: &Path, ids: &[String]) -> BTreeMap<String, Vec<u8>> {
    let files = files(dir);
    let mut expected: Vec<String> = ids.iter().map(|id| format!("{id}.csv")).collect();
    expected.sort();
    assert_eq!(
        files.keys().cloned().collect::<Vec<_>>(),
        expected,
        "{}",
        dir.display()
    );
    for (name, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            text.starts_with('"') && text.ends_with('\n'),
            "{name} is not a whole CSV report: {text:?}"
        );
    }
    files
}

#[test]
fn a_missing_output_dir_is_created() {
    let env = Env::start();
    let ids = tenant_ids(&env);
    // The README's example names a directory that does not exist yet; here two levels.
    let dir = env.dir.path().join("reports").join("2024-06");
    let out = download(&env, &dir, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_complete(&dir, &ids);
    assert_eq!(env.mock.calls(DOWNLOADS), ids.len());
}

#[test]
fn a_tenant_cut_off_midway_leaves_no_file_and_a_rerun_fetches_only_it() {
    let env = Env::start();
    let ids = tenant_ids(&env);
    // What each file should hold, downloaded straight from the mock.
    // (Directories made first here: a missing one is the test above.)
    let reference = env.dir.path().join("reference");
    std::fs::create_dir_all(&reference).unwrap();
    let out = download(&env, &reference, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let whole = assert_complete(&reference, &ids);

    // The same through a proxy that cuts one tenant's answer off halfway through its body.
    let victim = &ids[0];
    let proxy = CuttingProxy::start(env.mock.base_url(), format!("tenantId={victim}"));
    let dir = env.dir.path().join("reports");
    std::fs::create_dir_all(&dir).unwrap();
    let out = env
        .cpn()
        .env("CPN_BASE_URL", proxy.base_url())
        .args(["usage", "download", "--all-tenants", "--concurrency", "2"])
        .arg("--output-dir")
        .arg(&dir)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(5), "a network failure: {err}");
    assert!(
        err.contains(&format!("tenant {victim}")) && err.contains(&format!("1 of {}", ids.len())),
        "{err}"
    );
    let written = files(&dir);
    assert!(
        written.keys().all(|name| !name.contains(victim.as_str())),
        "the cut-off tenant left a file: {:?}",
        written.keys()
    );
    for id in &ids[1..] {
        let name = format!("{id}.csv");
        assert_eq!(written.get(&name), whole.get(&name), "{name}");
    }
    assert_eq!(written.len(), ids.len() - 1, "{:?}", written.keys());

    // The rerun, straight to the mock, downloads the missing file only.
    let before = env.mock.calls(DOWNLOADS);
    let out = download(&env, &dir, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(env.mock.calls(DOWNLOADS), before + 1);
    assert_eq!(assert_complete(&dir, &ids), whole);
}

#[test]
fn a_rerun_skips_complete_files_unless_forced() {
    let env = Env::start();
    let ids = tenant_ids(&env);
    let dir = env.dir.path().join("reports");
    std::fs::create_dir_all(&dir).unwrap();
    let out = download(&env, &dir, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let whole = assert_complete(&dir, &ids);
    assert_eq!(env.mock.calls(DOWNLOADS), ids.len());

    // A file changed since is kept as it is: the rerun does not call for any tenant.
    let changed = dir.join(format!("{}.csv", ids[1]));
    std::fs::write(&changed, "kept\n").unwrap();
    let out = download(&env, &dir, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        env.mock.calls(DOWNLOADS),
        ids.len(),
        "nothing downloaded again"
    );
    assert_eq!(std::fs::read_to_string(&changed).unwrap(), "kept\n");
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let printed = printed.as_array().expect("one result per tenant");
    assert_eq!(printed.len(), ids.len());
    assert!(printed.iter().all(|t| t["skipped"] == true), "{printed:?}");
    assert!(
        stderr(&out).contains(&format!("skipped {} of {}", ids.len(), ids.len())),
        "{}",
        stderr(&out)
    );

    // A run killed midway leaves a `.part` file and no `<id>.csv`: the rerun writes over it.
    let missing = format!("{}.csv", ids[0]);
    std::fs::remove_file(dir.join(&missing)).unwrap();
    std::fs::write(dir.join(format!(".{missing}.part")), "half a rep").unwrap();
    let out = download(&env, &dir, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(env.mock.calls(DOWNLOADS), ids.len() + 1);
    let files = files(&dir);
    assert_eq!(files.get(&missing), whole.get(&missing));
    assert!(
        !files.keys().any(|name| name.ends_with(".part")),
        "{files:?}"
    );

    // `--force` downloads every file again.
    let out = download(&env, &dir, &["--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(env.mock.calls(DOWNLOADS), 2 * ids.len() + 1);
    assert_eq!(assert_complete(&dir, &ids), whole);
}

#[test]
fn force_needs_an_output_dir() {
    let env = Env::start();
    env.cpn()
        .args(["usage", "download", "--all-tenants", "--force"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--output-dir"));
}

/// A loopback proxy in front of the mock that passes every exchange through, except the
/// answer to a request whose request line holds `cut`: it stops halfway through its body and
/// the connection is closed, as a network failing mid-download would.
struct CuttingProxy {
    address: SocketAddr,
    _runtime: tokio::runtime::Runtime,
}

impl CuttingProxy {
    fn start(upstream: &str, cut: String) -> CuttingProxy {
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .split('/')
            .next()
            .and_then(|host| host.parse().ok())
            .unwrap_or_else(|| panic!("the mock listens on a loopback address: {upstream}"));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("a loopback port");
        let address = listener.local_addr().unwrap();
        let cut = Arc::new(cut);
        runtime.spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(pass(client, upstream, cut.clone()));
            }
        });
        CuttingProxy {
            address,
            _runtime: runtime,
        }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }
}

/// Serves one client connection: each request is sent to the mock on a connection of its own
/// (asked to close after its answer), and the whole answer passed back, or half its body.
async fn pass(mut client: TcpStream, upstream: SocketAddr, cut: Arc<String>) {
    let mut buffered = Vec::new();
    while let Some(request) = read_request(&mut client, &mut buffered).await {
        let line_end = find(&request, b"\r\n").expect("a request line");
        let cut_this = String::from_utf8_lossy(&request[..line_end]).contains(cut.as_str());
        let mut server = TcpStream::connect(upstream).await.expect("the mock is up");
        let mut sent = request[..line_end + 2].to_vec();
        sent.extend_from_slice(b"connection: close\r\n");
        sent.extend_from_slice(&request[line_end + 2..]);
        server.write_all(&sent).await.unwrap();
        let mut answer = Vec::new();
        server.read_to_end(&mut answer).await.unwrap();
        if cut_this {
            let head = find(&answer, b"\r\n\r\n").expect("an answer head") + 4;
            let body = answer.len() - head;
            assert!(body >= 2, "a body to cut");
            let _ = client.write_all(&answer[..head + body / 2]).await;
            let _ = client.shutdown().await;
            return;
        }
        if client.write_all(&answer).await.is_err() {
            return;
        }
    }
}

/// The next request on `client` (head and `Content-Length` body); `None` at its end.
async fn read_request(client: &mut TcpStream, buffered: &mut Vec<u8>) -> Option<Vec<u8>> {
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(head) = find(buffered, b"\r\n\r\n") {
            let head = head + 4;
            let length = String::from_utf8_lossy(&buffered[..head])
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if buffered.len() >= head + length {
                return Some(buffered.drain(..head + length).collect());
            }
        }
        match client.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buffered.extend_from_slice(&chunk[..n]),
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
