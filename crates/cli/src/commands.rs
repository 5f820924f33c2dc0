//! The clap command tree, built from the generated model: one group per spec, one command per
//! operation, with its help from the spec's summary and description.

use std::sync::OnceLock;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command};

use crate::aliases::ALIASES;
use crate::model::{Kind, Location, ORG_PARAM, Op, SURFACES, SurfaceModel};
use crate::registry;
use crate::sdk::Target;

/// Flags of `cpn` itself and of its generated commands, which no spec parameter may take.
const RESERVED: &[&str] = &[
    "output",
    "field",
    "profile",
    "quiet",
    "base-url",
    "vcpp-base-url",
    "body",
    "all",
    "all-tenants",
    "concurrency",
    "output-file",
    "output-dir",
    "force",
    "help",
];

/// The flags no spec parameter may take: `cpn`'s own, and those the hand-written commands
/// add to their operations' commands (from the registry).
fn reserved() -> &'static [String] {
    static RESERVED_FLAGS: OnceLock<Vec<String>> = OnceLock::new();
    RESERVED_FLAGS.get_or_init(|| {
        let mut flags: Vec<String> = RESERVED.iter().map(|f| (*f).to_owned()).collect();
        for flag in registry::operation_flags() {
            if !flags.contains(&flag) {
                flags.push(flag);
            }
        }
        flags
    })
}

/// The exit codes, as `--help` documents them (see `crate::error`).
const EXIT_CODES: &str = "Exit codes: 0 success; 1 other failure (file, input); 2 usage error; \
3 authentication failure (missing or refused credentials, HTTP 401 or 403); 4 HTTP error \
(any other 4XX or 5XX answer); 5 connection failure or timeout.";

/// The whole `cpn` command.
pub fn command() -> Command {
    let mut root = Command::new("cpn")
        .version(env!("CARGO_PKG_VERSION"))
        .about("VMware Cloud Partner Navigator and VCPP from the shell")
        .long_about(format!(
            "VMware Cloud Partner Navigator and VCPP from the shell: every operation of the six \
             API specs, one command each, generated from the same specs as the Rust SDK.\n\n\
             Credentials come from flags, then the environment (CPN_BASE_URL, CPN_ORG_ID; \
             one Navigator credential, the first set of: CPN_CLIENT_ID and CPN_CLIENT_SECRET \
             of an OAuth app, CPN_REFRESH_TOKEN, CSP_API_TOKEN with CSP_BASE_URL, \
             CPN_TOKEN_COMMAND; VCPP_BASE_URL, VCPP_CLIENT_ID, VCPP_CLIENT_SECRET), then the \
             profile (`cpn auth \
             login --kind …`; CPN_PROFILE or --profile, default `default`) in the config file \
             (CPN_CONFIG, or cpn/config.json under the user's config directory). `cpn auth \
             status` names the kind in use.\n\n{EXIT_CODES}"
        ))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            Arg::new("output")
                .long("output")
                .short('o')
                .global(true)
                .help_heading("Global options")
                .value_parser(["json", "table", "csv"])
                .help("Output format [default: table for lists on a terminal, else json]"),
        )
        .arg(
            Arg::new("field")
                .long("field")
                .global(true)
                .help_heading("Global options")
                .value_name("PATH")
                .help("Print only this field (dotted path, such as `id` or `items.0.id`) of the answer, or of each item of a list, one per line"),
        )
        .arg(
            Arg::new("profile")
                .long("profile")
                .global(true)
                .help_heading("Global options")
                .value_name("NAME")
                .help("The profile of the config file to use [env: CPN_PROFILE; default: default]"),
        )
        .arg(
            Arg::new("base-url")
                .long("base-url")
                .global(true)
                .help_heading("Global options")
                .value_name("URL")
                .help("Cloud Partner Navigator base URL [env: CPN_BASE_URL]"),
        )
        .arg(
            Arg::new("vcpp-base-url")
                .long("vcpp-base-url")
                .global(true)
                .help_heading("Global options")
                .value_name("URL")
                .help("VCPP API root [env: VCPP_BASE_URL]"),
        )
        .arg(
            Arg::new("wide")
                .long("wide")
                .global(true)
                .help_heading("Global options")
                .action(ArgAction::SetTrue)
                .conflicts_with("columns")
                .help("Tables: every column, not only the default few"),
        )
        .arg(
            Arg::new("columns")
                .long("columns")
                .global(true)
                .help_heading("Global options")
                .value_name("A,B,C")
                .value_delimiter(',')
                .help("Tables and CSV: these columns (dotted paths allowed), in this order [default: a table shows a few, CSV all]"),
        )
        .arg(
            Arg::new("verbose")
                .long("verbose")
                .short('v')
                .global(true)
                .help_heading("Global options")
                .action(ArgAction::SetTrue)
                .help("On an API error, print its whole answer (secrets redacted) too"),
        )
        .arg(
            Arg::new("quiet")
                .long("quiet")
                .short('q')
                .global(true)
                .help_heading("Global options")
                .action(ArgAction::SetTrue)
                .help("No progress bars or notes on stderr"),
        );
    for surface in SURFACES {
        root = root.subcommand(surface_command(surface));
    }
    for group in ALIASES {
        let mut cmd = Command::new(group.name)
            .about(group.about)
            .subcommand_required(true);
        // Commands of their own in an alias group, such as `cpn usage export`.
        cmd = cmd.subcommands(registry::commands_in(group.name));
        for alias in group.commands {
            let target = alias.target();
            let op = target.op;
            cmd = cmd.subcommand(
                op_command(target.surface, op)
                    .name(alias.name)
                    .about(format!(
                        "{} (`cpn {} {}`)",
                        op.summary,
                        target.surface.command,
                        op.command()
                    )),
            );
        }
        root = root.subcommand(cmd);
    }
    root = root.subcommands(registry::root_commands());
    root.subcommand(
        Command::new("completions")
            .about("Print a shell completion script")
            .long_about(
                "Print a shell completion script, such as \
                 `cpn completions bash > ~/.local/share/bash-completion/completions/cpn`.",
            )
            .arg(
                Arg::new("shell")
                    .required(true)
                    .value_parser(clap::value_parser!(clap_complete::Shell)),
            ),
    )
}

fn surface_command(surface: &'static SurfaceModel) -> Command {
    let mut cmd = Command::new(surface.command)
        .about(surface.title)
        .long_about(format!("{}\n\n{}", surface.title, surface.description))
        .subcommand_required(true);
    cmd = cmd.subcommands(registry::commands_in(surface.command));
    for op in surface.operations {
        cmd = cmd.subcommand(op_command(surface, op));
    }
    cmd
}

/// The command of the operation `op` of `surface`.
pub fn op_command(surface: &'static SurfaceModel, op: &'static Op) -> Command {
    let mut long = format!("{}\n\n{}", op.summary, op.description);
    long.push_str(&format!("\n\nAPI: {} {} ({})", op.method, op.path, op.id));
    if op.hand_written {
        long.push_str(", served by the client crate's hand-written code");
    }
    let mut cmd = Command::new(op.command())
        .about(op.summary)
        .long_about(long);
    let mut taken: Vec<&str> = reserved().iter().map(String::as_str).collect();
    // An API parameter named like cpn's fan-out flag is the API's (see `Op::tenant_param`).
    taken.retain(|flag| *flag != "all-tenants" || op.tenant_param().is_some());
    for param in op.params {
        if taken.contains(&param.flag) {
            // Two parameters with one flag (the order feed's date in the query and the
            // header) take one value, sent as both.
            continue;
        }
        taken.push(param.flag);
        let defaulted = param.name == ORG_PARAM;
        let mut help = param.description.to_owned();
        if defaulted {
            help.push_str(" [default: the configured organization, CPN_ORG_ID]");
        }
        let required = (param.required || param.location == Location::Path) && !defaulted;
        cmd = cmd.arg(value_arg(param.flag, param.kind, param.values, help).required(required));
    }
    if op.paging.is_some() {
        cmd = cmd.arg(
            Arg::new("all")
                .long("all")
                .action(ArgAction::SetTrue)
                .help("Follow every page and print all items as one list"),
        );
    }
    if op.tenant_param().is_some() {
        cmd = cmd
            .arg(
                Arg::new("all-tenants")
                    .long("all-tenants")
                    .action(ArgAction::SetTrue)
                    .help(
                        "Run once per tenant of the organization; failures are reported at the end",
                    ),
            )
            .arg(
                Arg::new("concurrency")
                    .long("concurrency")
                    .value_parser(clap::value_parser!(u16).range(1..=64))
                    .default_value("4")
                    .help("Tenants worked on at once, with --all-tenants"),
            );
    }
    if op.raw_answer() {
        cmd = cmd
            .arg(
                Arg::new("output-file")
                    .long("output-file")
                    .value_name("FILE")
                    .help("Write the answer to FILE instead of stdout, with a progress bar"),
            )
            .arg(
                Arg::new("output-dir")
                    .long("output-dir")
                    .value_name("DIR")
                    .help(
                        "With --all-tenants: write one file per tenant into DIR (created when \
                         missing); a tenant whose file is there already is skipped",
                    ),
            )
            .arg(
                Arg::new("force")
                    .long("force")
                    .action(ArgAction::SetTrue)
                    .requires("output-dir")
                    .help("With --output-dir: download again the files that are there already"),
            );
    }
    if op.hand_written {
        let hand = Target::of(surface, op).and_then(|t| registry::serving(t.operation));
        return match hand {
            Some(hand) => hand.command(cmd),
            None => cmd,
        };
    }
    if let Some(body) = &op.body {
        cmd = cmd.arg(
            Arg::new("body")
                .long("body")
                .value_name("FILE")
                .help(format!(
                    "The request body ({}) from FILE, `-` for stdin; the flags below set or \
                     override its top-level fields",
                    body.media_type
                )),
        );
        for field in body.fields {
            if field.secret || taken.contains(&field.flag) {
                continue;
            }
            taken.push(field.flag);
            let mut help = field.description.to_owned();
            if field.required {
                help.push_str(" [required in the body]");
            }
            cmd = cmd.arg(value_arg(field.flag, field.kind, field.values, help));
        }
    }
    cmd
}

fn value_arg(flag: &'static str, kind: Kind, values: &'static [&'static str], help: String) -> Arg {
    let mut arg = Arg::new(flag)
        .long(flag)
        .value_name(flag.to_uppercase().replace('-', "_"))
        .help(help);
    arg = match kind {
        Kind::Integer => arg.value_parser(clap::value_parser!(i64)),
        Kind::Number => arg.value_parser(clap::value_parser!(f64)),
        Kind::Boolean => arg.value_parser(clap::value_parser!(bool)),
        Kind::StringList | Kind::IntegerList => arg.action(ArgAction::Append),
        Kind::Json => arg.value_name("JSON"),
        Kind::String => arg,
        Kind::Time(unit) => {
            let help = format!(
                "{}{}",
                arg.get_help().map(ToString::to_string).unwrap_or_default(),
                crate::dates::help(unit)
            );
            arg.value_name("DATE")
                .help(help)
                .value_parser(move |text: &str| crate::dates::to_wire(text, unit))
        }
    };
    if !values.is_empty() {
        arg = arg.value_parser(PossibleValuesParser::new(values.iter().copied()));
    }
    if kind == Kind::IntegerList {
        arg = arg.value_parser(clap::value_parser!(i64));
    }
    arg
}

/// Every command's `--help`, depth first: the snapshot reviewers read next to spec changes.
pub fn help_tree() -> String {
    let mut out = String::new();
    let mut root = command().term_width(100);
    root.build();
    walk(&mut root, "cpn", &mut out);
    out
}

fn walk(cmd: &mut Command, path: &str, out: &mut String) {
    out.push_str(&format!("===== {path} --help\n"));
    out.push_str(&cmd.render_long_help().to_string());
    out.push('\n');
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .filter(|n| n != "help")
        .collect();
    for name in names {
        if let Some(sub) = cmd.find_subcommand_mut(&name) {
            walk(sub, &format!("{path} {name}"), out);
        }
    }
}
