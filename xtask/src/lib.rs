//! Workspace tasks, as a library so their tests can call them directly; `main.rs` is the
//! command line.

pub mod build_cost;
pub mod diff;
pub mod snapshot;
