//! Generates this client from its spec, `specs/vcpp.yaml` (see `vmware_cpn_codegen::build_script`).

fn main() {
    vmware_cpn_codegen::build_script("vcpp");
}
