//! Writes the command-line model of all six specs to `OUT_DIR/cli_model.rs`.

fn main() {
    let root = codegen::workspace_root();
    for surface in codegen::SURFACES {
        println!(
            "cargo:rerun-if-changed={}",
            codegen::spec_path_in(&root, surface.name).display()
        );
    }
    match codegen::cli_model::source_in(&root) {
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
