//! Writes the handler traits of all six specs to `OUT_DIR/handlers.rs` (see
//! `vmware_cpn_codegen::mock_handlers`), from the copies this crate carries in `specs/`
//! (symlinks into the workspace's `specs/`, which `cargo package` copies as files).

fn main() {
    vmware_cpn_codegen::build_script_over_all_specs(
        "handlers.rs",
        vmware_cpn_codegen::mock_handlers::source_in,
    );
}
