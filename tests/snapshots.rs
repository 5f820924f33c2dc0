//! Snapshots of what every spec generates: the Rust code a client crate compiles, and the
//! one-line-per-operation API surface. A spec change shows its effect here, in review.
//! Update with `cargo xtask regen`, never by hand. The comparison is `cargo xtask check`'s
//! own (`xtask::snapshot::drift`), so the two never disagree.

fn assert_snapshots(name: &str) {
    let generated = vmware_cpn_codegen::generate(name).unwrap_or_else(|errors| panic!("{errors}"));
    let root = vmware_cpn_spec::workspace_root();
    let dir = root.join("tests/snapshots");
    let surface = vmware_cpn_spec::surface(name).unwrap_or_else(|errors| panic!("{errors}"));
    let snapshots = xtask::snapshot::snapshots(surface, &generated, &root);
    for snap in snapshots.unwrap_or_else(|error| panic!("{error}")) {
        if let Some(drift) = xtask::snapshot::drift_from_file(&dir, &snap) {
            panic!(
                "{} of specs/{name}.yaml drifted from {}; run `cargo xtask regen`:\n{drift}",
                snap.kind,
                snap.file_name()
            );
        }
    }
}

#[test]
fn cphub_core() {
    assert_snapshots("cphub-core");
}

#[test]
fn cphub_auth() {
    assert_snapshots("cphub-auth");
}

#[test]
fn cphub_billing() {
    assert_snapshots("cphub-billing");
}

#[test]
fn cphub_support() {
    assert_snapshots("cphub-support");
}

#[test]
fn navigator_msp() {
    assert_snapshots("navigator-msp");
}

#[test]
fn vcpp() {
    assert_snapshots("vcpp");
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
