//! `cargo xtask diff --verify` end to end, in a temporary git repository holding a real
//! client crate (cphub-core's sources and spec, built against this workspace's generator and
//! runtime): cargo-semver-checks' verdict on the generated crate appears beside ours, and the
//! two agree. (The corpus in `semver_corpus.rs` covers each kind of change; this covers the
//! command: the base ref's worktree, the real crate, the report and the exit code.)
//!
//! Ignored by `cargo test`: cargo-semver-checks is built from source on first use, which was
//! most of a newcomer's first test run. CI installs it (`cargo xtask semver-tool`) and runs
//! this with `--ignored`, so it never stops running unnoticed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

use common::{copy_dir, git, text};

/// A repository on `main` with `specs/cphub-core.yaml` and `crates/cphub-core`, committed.
fn repository() -> (tempfile::TempDir, String) {
    let workspace = vmware_cpn_spec::workspace_root();
    let dir = tempfile::tempdir().unwrap();
    let spec = std::fs::read_to_string(vmware_cpn_spec::spec_path("cphub-core")).unwrap();
    std::fs::create_dir_all(dir.path().join("specs")).unwrap();
    std::fs::write(dir.path().join("specs/cphub-core.yaml"), &spec).unwrap();
    let krate = dir.path().join("crates/cphub-core");
    copy_dir(&workspace.join("crates/cphub-core/src"), &krate.join("src"));
    std::fs::copy(
        workspace.join("crates/cphub-core/build.rs"),
        krate.join("build.rs"),
    )
    .unwrap();
    std::fs::create_dir_all(krate.join("specs")).unwrap();
    std::os::unix::fs::symlink(
        "../../../specs/cphub-core.yaml",
        krate.join("specs/cphub-core.yaml"),
    )
    .unwrap();
    let codegen = workspace.join("crates/codegen");
    std::fs::write(
        krate.join("Cargo.toml"),
        common::client_manifest(
            "cphub-core",
            &format!(
                "[build-dependencies]\nvmware-cpn-codegen = {{ path = {codegen:?} }}\n\n\
                 [features]\nmock = []\n\n[workspace]\n"
            ),
        ),
    )
    .unwrap();
    std::fs::copy(workspace.join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    git(dir.path(), &["init", "--quiet", "--initial-branch=main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "--quiet", "-m", "spec and crate"]);
    (dir, spec)
}

fn diff_verify(dir: &Path) -> Output {
    let shared: PathBuf = vmware_cpn_spec::workspace_root().join("target/semver");
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["diff", "HEAD", "--verify", "--fail-on-breaking", "--root"])
        .arg(dir)
        // Dependencies documented once for every run on this machine, and the tool this
        // workspace installed (the temporary repository has none of its own).
        .env("XTASK_SEMVER_TARGET_DIR", shared)
        .env(
            "CARGO_SEMVER_CHECKS",
            xtask::diff::semver::tool(&vmware_cpn_spec::workspace_root())
                .unwrap_or_else(|e| panic!("{e}")),
        )
        .output()
        .unwrap()
}

#[test]
#[ignore = "builds cargo-semver-checks from source (8 to 12 minutes on 2 cores) on first use; CI runs it: cargo xtask semver-tool && cargo test -p xtask --test diff_verify -- --ignored"]
fn cargo_semver_checks_agrees_on_a_removed_enum_value_beside_an_added_property() {
    let (dir, spec) = repository();
    // An additive change (an optional property) and a breaking one (an enum value removed).
    let edited = spec
        .replacen(
            "        tag:\n          type: string\n",
            "        notes:\n          type: string\n        tag:\n          type: string\n",
            1,
        )
        .replacen(
            "enum: [DEFAULT, INTERNAL, INTENRAL]",
            "enum: [DEFAULT, INTENRAL]",
            1,
        );
    assert_ne!(edited, spec, "the edits apply");
    std::fs::write(dir.path().join("specs/cphub-core.yaml"), &edited).unwrap();
    let output = diff_verify(dir.path());
    let out = text(&output);
    assert!(!output.status.success(), "--fail-on-breaking: {out}");
    assert!(
        out.contains("cargo-semver-checks 0.51.0: **breaking**"),
        "{out}"
    );
    assert!(out.contains("enum_variant_missing"), "{out}");
    assert!(
        out.contains("ours on the Rust API: breaking. They agree."),
        "{out}"
    );
}
