fn main() {
    codegen::build_script("vcpp");
}
