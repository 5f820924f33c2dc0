fn main() {
    vmware_cpn_codegen::build_script("cphub-core");
}
