//! `cargo xtask check` and `regen` on a copy of the workspace: an edited spec fails `check`
//! naming that spec, `regen` repairs it, and a second `regen` changes nothing; two copies
//! run by one binary each check their own specs.

use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::{copy_dir, text};

fn xtask(root: &Path, task: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args([task, "--root"])
        .arg(root)
        .output()
        .unwrap()
}

/// A copy of the workspace's `Cargo.toml`, `specs/`, `tests/snapshots/` and the client
/// crates' sources (whose hand-written methods the API surfaces list) in a temporary folder.
fn workspace_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = vmware_cpn_spec::workspace_root();
    std::fs::copy(source.join("Cargo.toml"), dir.path().join("Cargo.toml")).unwrap();
    let crates = vmware_cpn_spec::SURFACES
        .iter()
        .map(|surface| format!("crates/{}/src", surface.name));
    for folder in ["specs".to_owned(), "tests/snapshots".to_owned()]
        .into_iter()
        .chain(crates)
    {
        copy_dir(&source.join(&folder), &dir.path().join(&folder));
    }
    dir
}

#[test]
fn clean_copy_passes_check() {
    let dir = workspace_copy();
    let output = xtask(dir.path(), "check");
    assert!(output.status.success(), "{}", text(&output));
}

/// Appends the operation `brand_new` to `<root>/specs/<name>.yaml`.
fn append_operation(root: &Path, name: &str) {
    let spec = root.join(format!("specs/{name}.yaml"));
    let original = std::fs::read_to_string(&spec).unwrap();
    let at = original.find("\ncomponents:\n").unwrap() + 1;
    let edited = format!(
        "{}  /brand-new:\n    get:\n      operationId: brand_new\n      summary: New\n      description: Brand new.\n      \
         x-sources: [\"a test\"]\n      security: []\n      \
         responses:\n        \"204\":\n          description: done\n{}",
        &original[..at],
        &original[at..]
    );
    std::fs::write(&spec, edited).unwrap();
}

#[test]
fn appended_operation_fails_check_until_regen() {
    for surface in vmware_cpn_spec::SURFACES {
        let dir = workspace_copy();
        append_operation(dir.path(), surface.name);

        let output = xtask(dir.path(), "check");
        let out = text(&output);
        assert!(!output.status.success(), "{out}");
        assert!(
            out.contains(&format!("specs/{}.yaml: API surface drifted", surface.name)),
            "{out}"
        );
        assert!(out.contains("brand_new"), "{out}");
        assert!(
            out.contains(&format!(
                "specs/{}.yaml: generated code drifted",
                surface.name
            )),
            "{out}"
        );

        let output = xtask(dir.path(), "regen");
        assert!(output.status.success(), "{}", text(&output));
        assert!(
            text(&output).contains("2 snapshot(s) updated"),
            "{}",
            text(&output)
        );

        let output = xtask(dir.path(), "check");
        assert!(output.status.success(), "{}", text(&output));

        let output = xtask(dir.path(), "regen");
        assert!(
            text(&output).contains("0 snapshot(s) updated"),
            "{}",
            text(&output)
        );
    }
}

#[test]
fn yaml_error_is_reported_with_file_and_line() {
    let dir = workspace_copy();
    let spec = dir.path().join("specs/cphub-billing.yaml");
    let original = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(
        &spec,
        original.replacen("paths:\n", "paths:\n  bad: [\n", 1),
    )
    .unwrap();
    let output = xtask(dir.path(), "check");
    let out = text(&output);
    assert!(!output.status.success(), "{out}");
    assert!(out.contains("specs/cphub-billing.yaml:"), "{out}");
    let line = out
        .split("specs/cphub-billing.yaml:")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse::<usize>().ok());
    assert!(line.is_some(), "no line number in: {out}");
}

#[test]
fn spec_that_no_surface_generates_is_reported() {
    let dir = workspace_copy();
    std::fs::write(dir.path().join("specs/stray.yaml"), "openapi: 3.0.3\n").unwrap();
    let output = xtask(dir.path(), "check");
    let out = text(&output);
    assert!(!output.status.success());
    assert!(
        out.contains("specs/stray.yaml: no surface generates this spec"),
        "{out}"
    );
}

/// Two checkouts at different paths run one xtask binary, as they do when they share a target
/// directory (git worktrees, a global `CARGO_TARGET_DIR`: cargo reuses the build of one in the
/// other). Each checks its own specs: the workspace is found from the current directory, not
/// from where the binary was built.
#[test]
fn each_checkout_checks_its_own_specs() {
    let clean = workspace_copy();
    let edited = workspace_copy();
    append_operation(edited.path(), "cphub-billing");
    let check_in = |dir: &Path| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("check")
            .current_dir(dir)
            .output()
            .unwrap()
    };

    let output = check_in(&edited.path().join("specs"));
    let out = text(&output);
    assert!(!output.status.success(), "{out}");
    assert!(
        out.contains("specs/cphub-billing.yaml: API surface drifted"),
        "{out}"
    );
    assert!(out.contains("brand_new"), "{out}");
    assert!(!out.contains("specs/cphub-core.yaml"), "{out}");

    let output = check_in(&clean.path().join("crates"));
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("specs valid, their snapshots up to date"),
        "{}",
        text(&output)
    );
}

#[test]
fn check_writes_nothing_and_regen_replaces_a_missing_and_removes_a_stray_snapshot() {
    let dir = workspace_copy();
    append_operation(dir.path(), "vcpp");
    let snapshots = dir.path().join("tests/snapshots");
    std::fs::remove_file(snapshots.join("api_surface__cphub_core.snap")).unwrap();
    std::fs::write(
        snapshots.join("generated__gone.snap"),
        "---\nsource: x\n---\nold\n",
    )
    .unwrap();

    let output = xtask(dir.path(), "check");
    let out = text(&output);
    assert!(!output.status.success(), "{out}");
    assert!(
        out.contains("tests/snapshots/generated__gone.snap: no snapshot is asserted"),
        "{out}"
    );
    assert!(
        out.contains(
            "specs/cphub-core.yaml: API surface has no snapshot file \
             tests/snapshots/api_surface__cphub_core.snap"
        ),
        "{out}"
    );
    assert!(
        out.contains("specs/vcpp.yaml: API surface drifted"),
        "{out}"
    );
    let pending: Vec<_> = std::fs::read_dir(&snapshots)
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().into_string().ok())
        .filter(|name| name.ends_with(".snap.new"))
        .collect();
    assert!(pending.is_empty(), "check wrote {pending:?}");
    assert!(!snapshots.join("api_surface__cphub_core.snap").exists());

    let output = xtask(dir.path(), "regen");
    let out = text(&output);
    assert!(output.status.success(), "{out}");
    assert!(
        out.contains("removed tests/snapshots/generated__gone.snap"),
        "{out}"
    );
    assert!(!snapshots.join("generated__gone.snap").exists());
    assert!(snapshots.join("api_surface__cphub_core.snap").is_file());
    assert!(out.contains("3 snapshot(s) updated"), "{out}");
    let output = xtask(dir.path(), "check");
    assert!(output.status.success(), "{}", text(&output));
}
