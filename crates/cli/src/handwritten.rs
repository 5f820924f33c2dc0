//! What a command written by hand is: the operation it serves (or the command of its own it
//! is), the flags it takes and how it runs. Each one is a type implementing [`HandWritten`],
//! listed once in the registry (`registry.rs`), from which the command tree takes its flags and the
//! flags no generated parameter may take.

use clap::{Arg, ArgMatches, Command};
use futures::future::LocalBoxFuture;
use vmware_cpn_runtime::Operation;

use crate::error::CliError;
use crate::exec::Context;

/// Where a hand-written command is in the command tree.
#[derive(Debug, Clone, Copy)]
pub enum Serves {
    /// The operation the client crate serves by hand (the spec's `x-hand-written`): its
    /// command is the generated one, with the spec's parameters and help, plus this
    /// command's flags; it runs through the crate's hand-written method.
    Operation(Operation),
    /// A command of its own, `cpn <group> <name>`, in a surface's group or an alias group.
    Command {
        /// The group's subcommand, such as `auth`.
        group: &'static str,
        /// The command, such as `login`.
        name: &'static str,
    },
    /// A command of the root, `cpn <name>`, such as `cpn conformance`.
    Root {
        /// The command.
        name: &'static str,
    },
}

/// A command written by hand.
pub trait HandWritten: Sync {
    /// Where it is.
    fn serves(&self) -> Serves;

    /// Its flags (and, for a command of its own, its help) added to `cmd`: the operation's
    /// generated command, or a bare command of the name [`Serves::Command`] gives.
    fn command(&self, cmd: Command) -> Command;

    /// Runs it with its flags.
    fn run<'a>(
        &'a self,
        ctx: &'a Context,
        m: &'a ArgMatches,
    ) -> LocalBoxFuture<'a, Result<(), CliError>>;
}

/// `--org-id`, for a command of its own that works in the provider organization.
pub fn org_id_arg() -> Arg {
    Arg::new("org-id")
        .long("org-id")
        .value_name("ID")
        .help("The provider organization (default: the profile's)")
}

/// The organization `--org-id` names, else the profile's.
pub fn org_id(ctx: &Context, m: &ArgMatches) -> Option<String> {
    m.get_one::<String>("org-id")
        .cloned()
        .or_else(|| ctx.settings.org_id.clone())
}
