//! Snapshots of what every spec generates: the Rust code a client crate compiles, and the
//! one-line-per-operation API surface. A spec change shows its effect here, in review.
//! Update with `cargo xtask regen` (or `cargo insta review`), never by hand.

fn assert_snapshots(name: &str) {
    let generated = vmware_cpn_codegen::generate(name).unwrap_or_else(|errors| panic!("{errors}"));
    for snap in vmware_cpn_codegen::snapshot::snapshots(name, &generated) {
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => false }, {
            insta::assert_snapshot!(snap.name.clone(), snap.contents, snap.expression);
        });
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
