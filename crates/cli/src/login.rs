//! `cpn auth login` stores a profile (the secret read from stdin or a hidden prompt, never
//! from the command line) and `cpn auth status` checks the credentials in use: two
//! [`HandWritten`] commands of their own in the `auth` group, listed in the registry
//! (`registry.rs`).

use std::io::IsTerminal;

use clap::{Arg, ArgAction, ArgMatches, Command};
use cphub_core::operations::GET_ORGANIZATION;
use futures::future::LocalBoxFuture;
use serde_json::{Value, json};

use crate::config::{self, Settings};
use crate::error::CliError;
use crate::exec::{Call, Context, json_answer, send};
use crate::handwritten::{HandWritten, Serves};
use crate::model::ORG_PARAM;
use crate::sdk::Target;

/// The group both commands are in: the cphub-auth surface's.
const GROUP: &str = "auth";

/// `cpn auth login`.
pub struct Login;

impl HandWritten for Login {
    fn serves(&self) -> Serves {
        Serves::Command {
            group: GROUP,
            name: "login",
        }
    }

    fn command(&self, cmd: Command) -> Command {
        cmd.about("Store credentials in a profile of the config file (0600)")
            .long_about(
                "Store credentials in a profile of the config file, written owner-only (0600). \
                 The secret (the API token, or with --vcpp the VCPP client secret) is read \
                 from stdin when it is not a terminal, else from a hidden prompt; it is never \
                 taken on the command line. The credentials are checked with one token \
                 exchange before they are stored, unless --no-verify.",
            )
            .arg(
                Arg::new("org-id")
                    .long("org-id")
                    .help("The provider organization to use by default"),
            )
            .arg(
                Arg::new("vcpp")
                    .long("vcpp")
                    .action(ArgAction::SetTrue)
                    .requires("vcpp-client-id")
                    .help("Store VCPP client credentials instead of a Navigator API token"),
            )
            .arg(
                Arg::new("vcpp-client-id")
                    .long("vcpp-client-id")
                    .help("The VCPP client id (with --vcpp)"),
            )
            .arg(
                Arg::new("no-verify")
                    .long("no-verify")
                    .action(ArgAction::SetTrue)
                    .help("Store without checking the credentials first"),
            )
    }

    fn run<'a>(
        &'a self,
        ctx: &'a Context,
        m: &'a ArgMatches,
    ) -> LocalBoxFuture<'a, Result<(), CliError>> {
        Box::pin(login(ctx, m))
    }
}

/// `cpn auth status`.
pub struct Status;

impl HandWritten for Status {
    fn serves(&self) -> Serves {
        Serves::Command {
            group: GROUP,
            name: "status",
        }
    }

    fn command(&self, cmd: Command) -> Command {
        cmd.about("Check the credentials in use: profile, URLs, token exchanges")
            .long_about(
                "Check the credentials in use (flags, environment, profile): exchange the \
                 Navigator API token and the VCPP client credentials that are set, and read \
                 the configured organization. Never prints a secret. Exits 3 when a \
                 credential is missing or refused.",
            )
    }

    fn run<'a>(
        &'a self,
        ctx: &'a Context,
        _m: &'a ArgMatches,
    ) -> LocalBoxFuture<'a, Result<(), CliError>> {
        Box::pin(status(ctx))
    }
}

/// Reads one secret: a line of stdin, or a hidden prompt on a terminal.
fn read_secret(prompt: &str) -> Result<String, CliError> {
    let secret = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt)?
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line
    };
    let secret = secret.trim().to_owned();
    if secret.is_empty() {
        return Err(CliError::Usage("no secret given on stdin".into()));
    }
    Ok(secret)
}

/// `cpn auth login`.
async fn login(ctx: &Context, m: &ArgMatches) -> Result<(), CliError> {
    let mut config = config::load()?;
    let name = ctx.settings.profile.clone();
    let mut profile = config.profiles.get(&name).cloned().unwrap_or_default();
    let mut settings = ctx.settings.clone();
    let vcpp = m.get_flag("vcpp");
    if vcpp {
        let secret = read_secret("VCPP client secret: ")?;
        settings.vcpp_client_id = m.get_one::<String>("vcpp-client-id").cloned();
        settings.vcpp_client_secret = Some(secret);
        profile.vcpp_base_url = Some(settings.vcpp_base_url.clone());
        profile.vcpp_client_id = settings.vcpp_client_id.clone();
        profile.vcpp_client_secret = settings.vcpp_client_secret.clone();
    } else {
        let token = read_secret("API token: ")?;
        settings.refresh_token = Some(token);
        if let Some(org) = m.get_one::<String>("org-id") {
            settings.org_id = Some(org.clone());
        }
        profile.base_url = Some(settings.base_url.clone());
        profile.org_id = settings.org_id.clone();
        profile.refresh_token = settings.refresh_token.clone();
    }
    if !m.get_flag("no-verify") {
        let check = Context::new(settings, ctx.printer.clone(), true);
        if vcpp {
            exchange(&check.vcpp()?).await?;
        } else {
            exchange(&check.navigator()?).await?;
        }
    }
    config.profiles.insert(name.clone(), profile);
    let path = config::save(&config)?;
    if !ctx.quiet {
        eprintln!("stored profile `{name}` in {}", path.display());
    }
    Ok(())
}

/// One token exchange through the runtime, as any call would make it.
async fn exchange(runtime: &vmware_cpn_runtime::Runtime) -> Result<(), CliError> {
    runtime
        .authenticate()
        .await
        .map_err(|e| CliError::Auth(e.to_string()))
}

/// `cpn auth status`.
async fn status(ctx: &Context) -> Result<(), CliError> {
    let s: &Settings = &ctx.settings;
    let mut failure = None;
    let navigator = match ctx.navigator() {
        Err(e) => json!({"token": "missing", "error": e.to_string()}),
        Ok(runtime) => match exchange(&runtime).await {
            Err(e) => {
                let report = json!({"token": "refused", "error": e.to_string()});
                failure.get_or_insert(e);
                report
            }
            Ok(()) => json!({"token": "valid", "organization": organization(ctx).await}),
        },
    };
    let vcpp = match ctx.vcpp() {
        Err(e) => json!({"credentials": "missing", "error": e.to_string()}),
        Ok(runtime) => match exchange(&runtime).await {
            Err(e) => {
                let report = json!({"credentials": "refused", "error": e.to_string()});
                failure.get_or_insert(e);
                report
            }
            Ok(()) => json!({"credentials": "valid", "clientId": s.vcpp_client_id}),
        },
    };
    let nothing = s.refresh_token.is_none() && s.vcpp_client_secret.is_none();
    ctx.printer.print(json!({
        "profile": s.profile,
        "configFile": config::path().ok().map(|p| p.display().to_string()),
        "navigator": merge(json!({"baseUrl": s.base_url, "orgId": s.org_id}), navigator),
        "vcpp": merge(json!({"baseUrl": s.vcpp_base_url}), vcpp),
    }))?;
    match failure {
        Some(error) => Err(error),
        None if nothing => Err(CliError::Auth(
            "no credentials: run `cpn auth login` or set CPN_REFRESH_TOKEN".into(),
        )),
        None => Ok(()),
    }
}

/// The configured organization's display name, or why it cannot be read.
async fn organization(ctx: &Context) -> Value {
    let Some(org) = ctx.settings.org_id.clone() else {
        return Value::Null;
    };
    let Some(target) = Target::from_operation(&GET_ORGANIZATION) else {
        return Value::Null;
    };
    let mut call = Call::default();
    call.path.insert(ORG_PARAM, org);
    match send(ctx, &target, &call).await {
        Ok(response) => match json_answer(response).await {
            Ok(Some(answer)) => answer.get("displayName").cloned().unwrap_or(Value::Null),
            Ok(None) => Value::Null,
            Err(e) => json!({"error": e.to_string()}),
        },
        Err(e) => json!({"error": e.to_string()}),
    }
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}
