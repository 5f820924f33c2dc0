fn main() {
    codegen::build_script("cphub-core");
}
