//! `cargo xtask diff` end to end, in a temporary git repository: commit a spec, change it,
//! and compare with the commit, with the merge-base of a branch, and with a ref that does not
//! exist.

use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::{git, text};

fn diff(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("diff")
        .args(args)
        .arg("--root")
        .arg(dir)
        .output()
        .unwrap()
}

/// A repository on `main` holding the real cphub-core spec, committed.
fn repository() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let spec = std::fs::read_to_string(vmware_cpn_spec::spec_path("cphub-core")).unwrap();
    std::fs::create_dir_all(dir.path().join("specs")).unwrap();
    std::fs::write(dir.path().join("specs/cphub-core.yaml"), &spec).unwrap();
    git(dir.path(), &["init", "--quiet", "--initial-branch=main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "--quiet", "-m", "spec"]);
    (dir, spec)
}

fn edit(dir: &Path, spec: &str) {
    // A breaking change (an enum value removed) and an additive one (an optional property).
    let edited = spec
        .replacen(
            "enum: [DEFAULT, INTERNAL, INTENRAL]",
            "enum: [DEFAULT, INTENRAL]",
            1,
        )
        .replacen(
            "        tag:\n          type: string\n",
            "        notes:\n          type: string\n        tag:\n          type: string\n",
            1,
        );
    assert_ne!(edited, spec, "the edit applies");
    std::fs::write(dir.join("specs/cphub-core.yaml"), edited).unwrap();
}

#[test]
fn the_working_tree_is_compared_with_the_named_commit() {
    let (dir, spec) = repository();
    edit(dir.path(), &spec);

    let output = diff(dir.path(), &["HEAD"]);
    let out = text(&output);
    assert!(output.status.success(), "{out}");
    assert!(out.contains("## API changes since `HEAD`"), "{out}");
    assert!(out.contains("| `cphub-core` |"), "{out}");
    assert!(out.contains("breaking → 0.2.0"), "{out}");
    assert!(out.contains("enum value \"INTERNAL\" removed"), "{out}");
    assert!(
        out.contains("`create_tenant (POST /cphub/api/core/v1/mgmt/orgs/{orgId}/tenants)`"),
        "{out}"
    );
    assert!(out.contains("optional property notes added"), "{out}");

    let json = diff(dir.path(), &["HEAD", "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["breaking"], true);
    assert_eq!(value["specs"][0]["bump"], "major");
    assert!(
        value["specs"][0]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == "enum-value-removed" && c["breaking"] == true)
    );

    let failing = diff(dir.path(), &["HEAD", "--fail-on-breaking"]);
    assert_eq!(failing.status.code(), Some(1), "{}", text(&failing));
}

#[test]
fn without_a_ref_the_branch_is_compared_with_its_merge_base() {
    let (dir, spec) = repository();
    git(dir.path(), &["checkout", "--quiet", "-b", "feature"]);
    edit(dir.path(), &spec);
    git(dir.path(), &["commit", "--quiet", "-am", "edit"]);

    let output = diff(dir.path(), &[]);
    let out = text(&output);
    assert!(output.status.success(), "{out}");
    assert!(out.contains("enum value \"INTERNAL\" removed"), "{out}");
}

#[test]
fn no_change_says_so_and_passes_fail_on_breaking() {
    let (dir, _) = repository();
    let output = diff(dir.path(), &["HEAD", "--fail-on-breaking"]);
    let out = text(&output);
    assert!(output.status.success(), "{out}");
    assert!(
        out.contains("No spec changes the API of any crate."),
        "{out}"
    );
}

#[test]
fn a_missing_ref_and_an_unparsable_spec_are_clear_errors() {
    let (dir, spec) = repository();
    let output = diff(dir.path(), &["no-such-branch"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output).contains("the base ref \"no-such-branch\" does not exist"),
        "{}",
        text(&output)
    );

    std::fs::write(
        dir.path().join("specs/cphub-core.yaml"),
        spec.replacen("paths:", "paths: [", 1),
    )
    .unwrap();
    let output = diff(dir.path(), &["HEAD"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output).contains("specs/cphub-core.yaml (working tree)"),
        "{}",
        text(&output)
    );
}
