//! `cpn`: VMware Cloud Partner Navigator and VCPP from the shell.
//!
//! Every operation of the six specs is a command (`cpn <surface> <operation>`), built at run
//! time from a model that `build.rs` generates from `specs/*.yaml` ([`model`]), and sent as
//! its client crate's generated operation ([`sdk`]) through the SDK runtime, so paths,
//! queries, auth, retries and tracing are the SDK's. The operations the client crates serve
//! by hand are commands of the same shape, run through those crates' methods
//! ([`client_methods`]); they and `cpn auth login`/`status` are [`handwritten`] commands
//! listed once in [`registry`]. Everyday jobs have friendly aliases ([`aliases`]). Exit codes
//! are in [`error`].
//!
//! The modules form no import cycle (`tests/module_graph.rs` checks): each uses only modules
//! listed before it in `model`, `dates`, `error`, `config`, `output`, `sdk`, `aliases`, `exec`,
//! `handwritten`, `client_methods`, `login`, `registry`, `run`, `commands`.

pub mod aliases;
pub mod client_methods;
pub mod commands;
pub mod config;
pub mod conformance;
pub mod dates;
pub mod error;
pub mod exec;
pub mod export;
pub mod handwritten;
pub mod login;
pub mod model;
pub mod output;
pub mod registry;
pub mod run;
pub mod sdk;
pub mod tenants;

use std::ffi::OsString;

use clap::ArgMatches;

pub use commands::{command, help_tree};
use error::CliError;
use exec::Context;
use output::{Format, Printer};

/// Runs `cpn` with these arguments; returns the exit code.
pub fn main_with<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = match command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            // Help and version print to stdout and succeed; the rest are usage errors (2).
            let _ = e.print();
            return if e.use_stderr() {
                error::EXIT_USAGE
            } else {
                error::EXIT_OK
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cpn: {e}");
            return error::EXIT_OTHER;
        }
    };
    match runtime.block_on(dispatch(&matches)) {
        Ok(()) => error::EXIT_OK,
        Err(e) => {
            eprintln!("cpn: {e}");
            e.exit_code()
        }
    }
}

async fn dispatch(matches: &ArgMatches) -> Result<(), CliError> {
    let Some((group, sub)) = matches.subcommand() else {
        return Err(CliError::Usage("no command".into()));
    };
    if group == "completions" {
        let shell = sub
            .get_one::<clap_complete::Shell>("shell")
            .copied()
            .ok_or_else(|| CliError::Usage("no shell".into()))?;
        clap_complete::generate(shell, &mut command(), "cpn", &mut std::io::stdout());
        return Ok(());
    }
    if let Some(command) = registry::root_command(group) {
        let ctx = context(sub)?;
        return command.run(&ctx, sub).await;
    }
    let Some((name, m)) = sub.subcommand() else {
        return Err(CliError::Usage(format!("`cpn {group}` needs a command")));
    };
    let mut ctx = context(m)?;
    if let Some(command) = registry::command(group, name) {
        return command.run(&ctx, m).await;
    }
    let target = match model::surface(group) {
        Some(surface) => model::operation(surface, &name.replace('-', "_"))
            .and_then(|op| sdk::Target::of(surface, op)),
        None => aliases::find(group, name),
    };
    let target =
        target.ok_or_else(|| CliError::Usage(format!("unknown command `{group} {name}`")))?;
    ctx.printer.default_columns = target.op.columns;
    run::run_op(&ctx, &target, m).await
}

/// The settings and printer of a run, from the global flags (clap hands them to every
/// subcommand's matches).
fn context(m: &ArgMatches) -> Result<Context, CliError> {
    let settings = config::Settings::resolve(
        config::profile_name(m.get_one::<String>("profile")),
        m.get_one::<String>("base-url"),
        m.get_one::<String>("vcpp-base-url"),
    )?;
    let format = m.get_one::<String>("output").map(|f| match f.as_str() {
        "table" => Format::Table,
        "csv" => Format::Csv,
        _ => Format::Json,
    });
    let secrets = model::SURFACES
        .iter()
        .flat_map(|s| s.secrets.iter().copied())
        .collect();
    let times = model::SURFACES
        .iter()
        .flat_map(|s| s.times.iter().copied())
        .collect();
    let printer = Printer {
        format,
        field: m.get_one::<String>("field").cloned(),
        secrets,
        times,
        wide: m.get_flag("wide"),
        columns: m.get_many::<String>("columns").map(|c| {
            c.map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect()
        }),
        default_columns: &[],
    };
    let mut ctx = Context::new(settings, printer, m.get_flag("quiet"));
    ctx.verbose = m.get_flag("verbose");
    Ok(ctx)
}
