fn main() {
    vmware_cpn_codegen::build_script("navigator-msp");
}
