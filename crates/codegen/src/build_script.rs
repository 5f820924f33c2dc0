//! The body of every client crate's `build.rs`.

use std::path::{Path, PathBuf};

use vmware_cpn_spec::SpecErrors;

/// Generates `OUT_DIR/<crate_name>.rs` (the client) and `OUT_DIR/<crate_name>_examples.rs`
/// (round-trip tests of the spec's examples) and, with the crate's `mock` feature,
/// `OUT_DIR/<crate_name>_httpmock.rs` (typed httpmock helpers) from `specs/<name>.yaml` in the calling
/// crate's own directory: each client crate carries its spec (a symlink into the workspace's
/// `specs/`, which `cargo package` copies as a file), so a packaged crate builds anywhere.
///
/// On a bad spec it prints each problem as `specs/<name>.yaml:LINE:COLUMN: message` and exits
/// with status 1: the build fails with the place to fix, not a panic backtrace.
pub fn build_script(name: &str) {
    let Some(crate_dir) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        eprintln!("error: CARGO_MANIFEST_DIR is not set: build_script runs only from a build.rs");
        std::process::exit(1);
    };
    let crate_dir = PathBuf::from(crate_dir);
    let spec = vmware_cpn_spec::spec_path_in(&crate_dir, name);
    println!("cargo:rerun-if-changed={}", spec.display());
    // The helpers are only compiled with the crate's `mock` feature (cargo reruns this script
    // when features change).
    let httpmock = match std::env::var_os("CARGO_FEATURE_MOCK") {
        Some(_) => crate::Httpmock::Generate,
        None => crate::Httpmock::Skip,
    };
    // Unformatted: rustc reads it, people read the snapshots (`cargo xtask regen`).
    let generated = match crate::generate_for_build(&crate_dir, name, httpmock) {
        Ok(generated) => generated,
        Err(errors) => {
            for error in &errors.0 {
                eprintln!("error: {error}");
            }
            std::process::exit(1);
        }
    };
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        eprintln!("error: OUT_DIR is not set: build_script runs only from a build.rs");
        std::process::exit(1);
    };
    let stem = name.replace('-', "_");
    let out_dir = PathBuf::from(out_dir);
    let mut files = vec![
        (format!("{stem}.rs"), &generated.code),
        (format!("{stem}_examples.rs"), &generated.example_tests),
    ];
    if httpmock == crate::Httpmock::Generate {
        files.push((format!("{stem}_httpmock.rs"), &generated.httpmock));
    }
    for (file, contents) in files {
        let out = out_dir.join(file);
        if let Err(e) = std::fs::write(&out, contents) {
            eprintln!("error: cannot write {}: {e}", out.display());
            std::process::exit(1);
        }
    }
}

/// The body of a `build.rs` that writes `OUT_DIR/<out_file>` from all six specs (the copies
/// the calling crate carries in `specs/`): `cpn`'s command model
/// ([`cli_model::source_in`](crate::cli_model::source_in)) and the mock's handler traits
/// ([`mock_handlers::source_in`](crate::mock_handlers::source_in)). On a bad spec it prints
/// each problem with its file and line and exits with status 1.
pub fn build_script_over_all_specs(
    out_file: &str,
    source: fn(&Path) -> Result<String, SpecErrors>,
) {
    let Some(root) = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from) else {
        eprintln!("error: CARGO_MANIFEST_DIR is not set: this runs only from a build.rs");
        std::process::exit(1);
    };
    for surface in vmware_cpn_spec::SURFACES {
        println!(
            "cargo:rerun-if-changed={}",
            vmware_cpn_spec::spec_path_in(&root, surface.name).display()
        );
    }
    let written =
        source(&root).map_err(|errors| errors.0.iter().map(|e| e.to_string()).collect::<Vec<_>>());
    let written = written.and_then(|text| {
        let out = std::env::var_os("OUT_DIR")
            .map(PathBuf::from)
            .ok_or_else(|| vec!["OUT_DIR is not set: this runs only from a build.rs".to_owned()])?;
        std::fs::write(out.join(out_file), text)
            .map_err(|e| vec![format!("cannot write {out_file}: {e}")])
    });
    if let Err(errors) = written {
        for error in errors {
            eprintln!("error: {error}");
        }
        std::process::exit(1);
    }
}
