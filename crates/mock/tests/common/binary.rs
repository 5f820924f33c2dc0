//! The `vmware-cpn-mock` binary, started as a tool in another language would start it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The mock binary, stopped when dropped.
pub struct Served {
    child: Child,
    pub base_url: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary with `arguments` and waits for the line that says where it serves.
pub fn serve(arguments: &[&str]) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vmware-cpn-mock"))
        .args(arguments)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base_url = first
        .trim()
        .strip_prefix("mock serving on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
        .to_owned();
    Served { child, base_url }
}
