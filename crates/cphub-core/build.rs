//! Generates this client from its spec, `specs/cphub-core.yaml` (see `vmware_cpn_codegen::build_script`).

fn main() {
    vmware_cpn_codegen::build_script("cphub-core");
}
