fn main() {
    for name in std::env::args().skip(1) {
        match codegen::generate(&name) {
            Ok(g) => { println!("{}", g.surface); std::fs::write(format!("/tmp/{name}.rs"), g.code).unwrap(); }
            Err(e) => eprintln!("{e}"),
        }
    }
}
