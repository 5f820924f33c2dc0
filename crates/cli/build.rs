//! Writes the command-line model of all six specs to `OUT_DIR/cli_model.rs`, from the copies
//! this crate carries in `specs/` (symlinks into the workspace's `specs/`, which `cargo
//! package` copies as files).

fn main() {
    vmware_cpn_codegen::build_script_over_all_specs(
        "cli_model.rs",
        vmware_cpn_codegen::cli_model::source_in,
    );
}
