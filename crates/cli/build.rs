//! Writes the command-line model of all six specs to `OUT_DIR/cli_model.rs`, from the copies
//! this crate carries in `specs/` (symlinks into the workspace's `specs/`, which `cargo
//! package` copies as files).

fn main() {
    let root = std::path::PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"),
    );
    for surface in vmware_cpn_spec::SURFACES {
        println!(
            "cargo:rerun-if-changed={}",
            vmware_cpn_spec::spec_path_in(&root, surface.name).display()
        );
    }
    match vmware_cpn_codegen::cli_model::source_in(&root) {
        Ok(source) => {
            let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
            if let Err(e) = std::fs::write(out.join("cli_model.rs"), source) {
                eprintln!("error: cannot write the CLI model: {e}");
                std::process::exit(1);
            }
        }
        Err(errors) => {
            for error in &errors.0 {
                eprintln!("error: {error}");
            }
            std::process::exit(1);
        }
    }
}
