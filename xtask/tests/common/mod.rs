//! What xtask's tests share: the fixture corpus (`tests/fixtures/`: base.yaml and the case
//! files that edit it), and running git and reading a command's output.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// One case of a corpus: edits to base.yaml (exact find → replace) make its "after" side,
/// `before_edits` its "before" side, and `expect` says what must be reported.
#[derive(serde::Deserialize)]
pub struct Case {
    pub name: String,
    #[serde(default)]
    pub before_edits: Vec<(String, String)>,
    pub edits: Vec<(String, String)>,
    #[serde(default)]
    pub expect: Vec<String>,
}

/// A file of `tests/fixtures/`.
pub fn fixture(file: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The cases of a corpus file.
pub fn cases(file: &str) -> Vec<Case> {
    serde_norway::from_str(&fixture(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// `base` with `edits` applied; an edit that finds nothing fails the test, naming the case.
pub fn edited(base: &str, edits: &[(String, String)], case: &str) -> String {
    edits.iter().fold(base.to_owned(), |text, (find, replace)| {
        assert!(
            text.contains(find.as_str()),
            "{case}: the base has no {find:?}"
        );
        text.replacen(find.as_str(), replace, 1)
    })
}

/// Runs git in `dir` as a test user; a failure fails the test.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A command's stdout and stderr, as one text.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Copies the folder `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

/// The manifest of a client crate `name` outside the workspace, built against this workspace's
/// runtime with the client crates' dependencies, followed by `tail` (more tables, and the
/// `[workspace]` that keeps it out of ours).
pub fn client_manifest(name: &str, tail: &str) -> String {
    let runtime = vmware_cpn_spec::workspace_root().join("crates/runtime");
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
vmware-cpn-runtime = {{ path = {runtime:?}, default-features = false }}
progenitor-client = "0.15.1"
reqwest = {{ version = "0.13", default-features = false, features = ["json", "query", "stream"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
chrono = {{ version = "0.4", default-features = false, features = ["serde", "std", "clock"] }}

{tail}"#
    )
}
