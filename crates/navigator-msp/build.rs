fn main() {
    codegen::build_script("navigator-msp");
}
