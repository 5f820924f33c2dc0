//! Snapshots of what every spec generates: the Rust code a client crate compiles, the
//! one-line-per-operation API surface, and the `cpn --help` tree. A spec change shows its
//! effect here, in review.
//!
//! Each is asserted with insta (`insta::assert_snapshot!`, in `xtask::snapshot::assert`, the
//! one call site `cargo xtask regen` and `check` use too) against `tests/snapshots/<name>.snap`.
//! A drift fails the test naming the snapshot and, outside CI, leaves
//! `tests/snapshots/<name>.snap.new` for `cargo insta review` (or `cargo insta accept`).
//! `cargo xtask regen` updates them all at once.

use std::path::PathBuf;

use xtask::snapshot::{self, Snapshot};

/// The snapshot folder of the workspace this test runs in (found at run time).
fn dir() -> PathBuf {
    vmware_cpn_spec::workspace_root().join(snapshot::DIR)
}

/// Asserts every one of `snapshots`, then fails listing the drifted ones: a drift in the code
/// does not hide one in the surface.
fn assert_snapshots(snapshots: &[Snapshot]) {
    let failures = snapshot::assert_all(&dir(), snapshots);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn assert_spec(name: &str) {
    let root = vmware_cpn_spec::workspace_root();
    let generated =
        vmware_cpn_codegen::generate_in(&root, name).unwrap_or_else(|errors| panic!("{errors}"));
    let surface = vmware_cpn_spec::surface(name).unwrap_or_else(|errors| panic!("{errors}"));
    let snapshots = snapshot::snapshots(surface, &generated, &root);
    assert_snapshots(&snapshots.unwrap_or_else(|error| panic!("{error}")));
}

#[test]
fn cphub_core() {
    assert_spec("cphub-core");
}

#[test]
fn cphub_auth() {
    assert_spec("cphub-auth");
}

#[test]
fn cphub_billing() {
    assert_spec("cphub-billing");
}

#[test]
fn cphub_support() {
    assert_spec("cphub-support");
}

#[test]
fn navigator_msp() {
    assert_spec("navigator-msp");
}

#[test]
fn vcpp() {
    assert_spec("vcpp");
}

/// The whole `cpn --help` tree, which the specs generate too.
#[test]
fn cli_help() {
    assert_snapshots(&[snapshot::cli_help()]);
}

/// Every surface has a test above, so a new spec cannot go unsnapshotted.
#[test]
fn every_surface_is_snapshotted() {
    let tested = [
        "cphub-core",
        "cphub-auth",
        "cphub-billing",
        "cphub-support",
        "navigator-msp",
        "vcpp",
    ];
    let surfaces: Vec<&str> = vmware_cpn_spec::SURFACES.iter().map(|s| s.name).collect();
    assert_eq!(surfaces, tested);
}

/// Every file under `tests/snapshots/` is asserted by a test above (what
/// `cargo insta test --unreferenced=reject` checks, without cargo-insta), and every snapshot
/// has its file.
#[test]
fn every_snapshot_file_is_asserted() {
    let dir = dir();
    assert_eq!(
        snapshot::unreferenced(&dir),
        Vec::<String>::new(),
        "no test asserts these; `cargo xtask regen` removes them"
    );
    for name in snapshot::names() {
        assert!(
            dir.join(format!("{name}.snap")).is_file(),
            "{name}.snap is missing; run `cargo xtask regen`"
        );
    }
}
