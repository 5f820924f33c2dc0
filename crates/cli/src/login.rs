//! `cpn auth login` stores a profile (secrets read from stdin or a hidden prompt, never from
//! the command line) and `cpn auth status` checks the credentials in use and names their
//! kind: two [`HandWritten`] commands of their own in the `auth` group, listed in the
//! registry (`registry.rs`).
//!
//! A login takes one credential of one kind (`--kind`): a Navigator API token (the default),
//! a CSP API token, a Navigator OAuth app, a token command, or VCPP client credentials. The
//! first four are the profile's Navigator credential, which a new login of any of them
//! replaces; VCPP's are kept beside it.

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, ArgMatches, Command};
use cphub_core::operations::GET_ORGANIZATION;
use futures::future::LocalBoxFuture;
use serde_json::{Value, json};

use crate::config::{self, NavigatorKind, Settings, csp_exchange_url, read_secret};
use crate::error::CliError;
use crate::exec::{Call, Context, json_answer, send};
use crate::handwritten::{HandWritten, Serves};
use crate::model::ORG_PARAM;
use crate::sdk::Target;

/// The group both commands are in: the cphub-auth surface's.
const GROUP: &str = "auth";

/// `--kind`'s value for VCPP client credentials.
const VCPP: &str = "vcpp";

/// Flags that would take a secret: refused, whatever value they are given, which is never
/// printed back.
const SECRET_FLAGS: &[&str] = &[
    "token",
    "api-token",
    "refresh-token",
    "csp-api-token",
    "secret",
    "client-secret",
    "vcpp-client-secret",
    "password",
];

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
        let mut kinds: Vec<&str> = NavigatorKind::ALL.iter().map(|k| k.name()).collect();
        kinds.push(VCPP);
        let mut cmd = cmd
            .about("Store credentials in a profile of the config file (0600)")
            .long_about(
                "Store credentials in a profile of the config file, written owner-only (0600). \
                 --kind chooses the credential: navigator-token (the default: a Navigator API \
                 token), csp-api-token (a CSP API token, exchanged at the CSP gateway), \
                 oauth-app (a Navigator OAuth app's client id and secret, for tokens in the \
                 organization --org-id), token-command (a command that prints an access \
                 token, run whenever one is needed), or vcpp (VCPP client credentials). The \
                 first four are the profile's Navigator credential: a login with one replaces \
                 the other; VCPP's are kept beside it.\n\n\
                 The secret (the API token, or the client secret) is read from stdin when it \
                 is not a terminal, else from a hidden prompt; it is never taken on the \
                 command line, and a flag that would carry one is refused. Client ids and URLs \
                 come from the flags, else the environment. The credentials are checked with \
                 one token exchange before they are stored, unless --no-verify.",
            )
            .arg(
                Arg::new("kind")
                    .long("kind")
                    .value_name("KIND")
                    .value_parser(PossibleValuesParser::new(kinds))
                    .help(
                        "The kind of credential [default: navigator-token; vcpp with --vcpp, \
                         token-command with --token-command]",
                    ),
            )
            .arg(
                Arg::new("org-id")
                    .long("org-id")
                    .help("The provider organization to use by default (for an OAuth app, the organization its tokens are for) [env: CPN_ORG_ID]"),
            )
            .arg(
                Arg::new("client-id")
                    .long("client-id")
                    .visible_alias("vcpp-client-id")
                    .value_name("ID")
                    .help(
                        "The client id: the OAuth app's (--kind oauth-app) [env: CPN_CLIENT_ID], \
                         or the VCPP client's (--kind vcpp) [env: VCPP_CLIENT_ID]",
                    ),
            )
            .arg(
                Arg::new("csp-base-url")
                    .long("csp-base-url")
                    .value_name("URL")
                    .help(
                        "The CSP gateway that exchanges the CSP API token (--kind csp-api-token) \
                         [env: CSP_BASE_URL; default: https://console.cloud.vmware.com]",
                    ),
            )
            .arg(
                Arg::new("token-command")
                    .long("token-command")
                    .value_name("COMMAND")
                    .help(
                        "A shell command that prints a Navigator access token on stdout, run \
                         whenever one is needed (--kind token-command) [env: CPN_TOKEN_COMMAND]",
                    ),
            )
            .arg(
                Arg::new("vcpp")
                    .long("vcpp")
                    .action(ArgAction::SetTrue)
                    .conflicts_with("kind")
                    .help("Store VCPP client credentials (the same as --kind vcpp)"),
            )
            .arg(
                Arg::new("no-verify")
                    .long("no-verify")
                    .action(ArgAction::SetTrue)
                    .help("Store without checking the credentials first"),
            );
        for flag in SECRET_FLAGS {
            cmd = cmd.arg(
                Arg::new(*flag)
                    .long(*flag)
                    .hide(true)
                    .num_args(0..=1)
                    .allow_hyphen_values(true)
                    .action(ArgAction::Append),
            );
        }
        cmd
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
        cmd.about("Check the credentials in use: their kind, URLs, token exchanges")
            .long_about(
                "Check the credentials in use (flags, environment, profile): exchange the \
                 Navigator credential and the VCPP client credentials that are set, and read \
                 the configured organization. Names the kind of each credential \
                 (navigator.kind: navigator-token, csp-api-token, oauth-app or \
                 token-command; vcpp.kind: vcpp) and never prints a secret. When the \
                 environment holds a Navigator secret it wins over the profile: the first of \
                 CPN_CLIENT_SECRET (an OAuth app, with CPN_CLIENT_ID), CPN_REFRESH_TOKEN, \
                 CSP_API_TOKEN, CPN_TOKEN_COMMAND. \
                 Exits 3 when a credential is missing or refused.",
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

/// What a login stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LoginKind {
    Navigator(NavigatorKind),
    Vcpp,
}

impl LoginKind {
    fn name(self) -> &'static str {
        match self {
            LoginKind::Navigator(kind) => kind.name(),
            LoginKind::Vcpp => VCPP,
        }
    }
}

/// Refuses a flag that would carry a secret, without showing what it was given.
fn refuse_secret_flags(m: &ArgMatches) -> Result<(), CliError> {
    for flag in SECRET_FLAGS {
        if m.contains_id(flag) {
            return Err(CliError::Usage(format!(
                "--{flag}: secrets are never taken on the command line; give it on stdin or \
                 at the hidden prompt"
            )));
        }
    }
    Ok(())
}

/// The kind to log in with: `--kind`, else what `--vcpp` or `--token-command` imply, else a
/// Navigator API token. A flag of another kind is a usage error.
fn login_kind(m: &ArgMatches) -> Result<LoginKind, CliError> {
    let kind = match m.get_one::<String>("kind").map(String::as_str) {
        Some(VCPP) => LoginKind::Vcpp,
        Some(name) => NavigatorKind::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .map(LoginKind::Navigator)
            .ok_or_else(|| CliError::Usage(format!("--kind {name}: no such kind")))?,
        None if m.get_flag("vcpp") => LoginKind::Vcpp,
        None if m.contains_id("token-command") => LoginKind::Navigator(NavigatorKind::TokenCommand),
        None => LoginKind::Navigator(NavigatorKind::NavigatorToken),
    };
    let takes = |flag: &str| match flag {
        "client-id" => matches!(
            kind,
            LoginKind::Vcpp | LoginKind::Navigator(NavigatorKind::OauthApp)
        ),
        "csp-base-url" => kind == LoginKind::Navigator(NavigatorKind::CspApiToken),
        "token-command" => kind == LoginKind::Navigator(NavigatorKind::TokenCommand),
        _ => true,
    };
    for flag in ["client-id", "csp-base-url", "token-command"] {
        if m.contains_id(flag) && !takes(flag) {
            return Err(CliError::Usage(format!(
                "--{flag} is not for --kind {}",
                kind.name()
            )));
        }
    }
    Ok(kind)
}

/// `cpn auth login`.
async fn login(ctx: &Context, m: &ArgMatches) -> Result<(), CliError> {
    refuse_secret_flags(m)?;
    let kind = login_kind(m)?;
    let mut config = config::load()?;
    let name = ctx.settings.profile.clone();
    let mut profile = config.profiles.get(&name).cloned().unwrap_or_default();
    let mut settings = ctx.settings.clone();
    let flag = |id: &str| m.get_one::<String>(id).cloned();
    match kind {
        LoginKind::Vcpp => {
            let id = flag("client-id")
                .or_else(|| config::env("VCPP_CLIENT_ID"))
                .ok_or_else(|| {
                    CliError::Usage("--kind vcpp needs --client-id (or VCPP_CLIENT_ID)".into())
                })?;
            settings.vcpp_client_id = Some(id);
            settings.vcpp_client_secret = Some(read_secret("VCPP client secret: ")?);
            profile.vcpp_base_url = Some(settings.vcpp_base_url.clone());
            profile.vcpp_client_id = settings.vcpp_client_id.clone();
            profile.vcpp_client_secret = settings.vcpp_client_secret.clone();
        }
        LoginKind::Navigator(navigator) => {
            if let Some(org) = flag("org-id") {
                settings.org_id = Some(org);
            }
            settings.kind = Some(navigator);
            match navigator {
                NavigatorKind::NavigatorToken => {
                    settings.refresh_token = Some(read_secret("API token: ")?);
                }
                NavigatorKind::CspApiToken => {
                    if let Some(url) = flag("csp-base-url") {
                        settings.csp_exchange_url = csp_exchange_url(&url);
                    }
                    settings.csp_api_token = Some(read_secret("CSP API token: ")?);
                }
                NavigatorKind::OauthApp => {
                    let id = flag("client-id")
                        .or_else(|| config::env("CPN_CLIENT_ID"))
                        .ok_or_else(|| {
                            CliError::Usage(
                                "--kind oauth-app needs --client-id (or CPN_CLIENT_ID)".into(),
                            )
                        })?;
                    if settings.org_id.is_none() {
                        return Err(CliError::Usage(
                            "--kind oauth-app needs --org-id (or CPN_ORG_ID): an OAuth app's \
                             tokens are for one organization"
                                .into(),
                        ));
                    }
                    settings.client_id = Some(id);
                    settings.client_secret = Some(read_secret("OAuth app client secret: ")?);
                }
                NavigatorKind::TokenCommand => {
                    let command = flag("token-command")
                        .or_else(|| config::env("CPN_TOKEN_COMMAND"))
                        .ok_or_else(|| {
                            CliError::Usage(
                                "--kind token-command needs --token-command (or \
                                 CPN_TOKEN_COMMAND)"
                                    .into(),
                            )
                        })?;
                    settings.token_command = Some(command);
                }
            }
            profile.set_navigator(&settings);
        }
    }
    if !m.get_flag("no-verify") {
        let check = Context::new(settings, ctx.printer.clone(), true);
        match kind {
            LoginKind::Vcpp => exchange(&check.vcpp()?).await?,
            LoginKind::Navigator(_) => exchange(&check.navigator()?).await?,
        }
    }
    config.profiles.insert(name.clone(), profile);
    let path = config::save(&config)?;
    if !ctx.quiet {
        eprintln!(
            "stored profile `{name}` ({}) in {}",
            kind.name(),
            path.display()
        );
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
        Ok(runtime) => {
            let credential = runtime.auth().credential().map(|c| c.to_string());
            let check = match exchange(&runtime).await {
                Err(e) => {
                    let report = json!({"token": "refused", "error": e.to_string()});
                    failure.get_or_insert(e);
                    report
                }
                Ok(()) => json!({"token": "valid", "organization": organization(ctx).await}),
            };
            merge(json!({"credential": credential}), check)
        }
    };
    let mut about = json!({"baseUrl": s.base_url, "orgId": s.org_id});
    if let Some(kind) = s.kind {
        about = merge(about, json!({"kind": kind.name()}));
        match kind {
            NavigatorKind::CspApiToken => {
                about = merge(about, json!({"cspExchangeUrl": s.csp_exchange_url}));
            }
            NavigatorKind::OauthApp => about = merge(about, json!({"clientId": s.client_id})),
            NavigatorKind::NavigatorToken | NavigatorKind::TokenCommand => {}
        }
    }
    let vcpp = match ctx.vcpp() {
        Err(e) => json!({"credentials": "missing", "error": e.to_string()}),
        Ok(runtime) => {
            let credential = runtime.auth().credential().map(|c| c.to_string());
            let check = match exchange(&runtime).await {
                Err(e) => {
                    let report = json!({"credentials": "refused", "error": e.to_string()});
                    failure.get_or_insert(e);
                    report
                }
                Ok(()) => json!({"credentials": "valid", "clientId": s.vcpp_client_id}),
            };
            merge(json!({"kind": VCPP, "credential": credential}), check)
        }
    };
    let nothing = s.kind.is_none() && s.vcpp_client_secret.is_none();
    ctx.printer.print(json!({
        "profile": s.profile,
        "configFile": config::path().ok().map(|p| p.display().to_string()),
        "navigator": merge(about, navigator),
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
