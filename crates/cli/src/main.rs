//! The `cpn` binary: see the crate's library for how commands are made.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(cpn::main_with(std::env::args_os()))
}
