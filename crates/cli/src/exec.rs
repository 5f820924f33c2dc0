//! Runs a generated command: reads its flags by the model and sends the request as its
//! client's generated operation ([`crate::sdk`]) through the SDK runtime (auth, retries for
//! idempotent methods only, tracing), built as the generated client builds it, so `cpn` and
//! the SDK send the same bytes for the same call.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use clap::ArgMatches;
use progenitor_client::RequestBuilderExt;
use reqwest::header::{ACCEPT, HeaderMap, HeaderName, HeaderValue};
use serde_json::{Map, Value};
use vmware_cpn_runtime::{Auth, AuthError, Credential, Operation, Runtime, Scheme, Token};

use crate::config::{NavigatorKind, Settings, read_secret};
use crate::error::CliError;
use crate::model::{Kind, Location, ORG_PARAM, Op};
use crate::output::Printer;
use crate::sdk::{Service, Target};

/// Everything a command runs with.
pub struct Context {
    /// Resolved settings and credentials.
    pub settings: Settings,
    /// How answers print.
    pub printer: Printer,
    /// No progress bars or notes.
    pub quiet: bool,
    /// `--verbose`: an API error prints its whole (redacted) answer.
    pub verbose: bool,
    navigator: OnceLock<Runtime>,
    vcpp: OnceLock<Runtime>,
}

impl Context {
    /// A context for these settings.
    pub fn new(settings: Settings, printer: Printer, quiet: bool) -> Context {
        Context {
            settings,
            printer,
            quiet,
            verbose: false,
            navigator: OnceLock::new(),
            vcpp: OnceLock::new(),
        }
    }

    /// The runtime for Navigator calls: the configured credential, of its kind, exchanged as
    /// needed.
    pub fn navigator(&self) -> Result<Runtime, CliError> {
        if let Some(runtime) = self.navigator.get() {
            return Ok(runtime.clone());
        }
        let auth = navigator_auth(&self.settings)?;
        let runtime = Runtime::builder()
            .auth(auth)
            .build()
            .map_err(|e| CliError::Other(e.to_string()))?;
        Ok(self.navigator.get_or_init(|| runtime).clone())
    }

    /// The runtime for VCPP calls: the client credentials, exchanged as needed.
    pub fn vcpp(&self) -> Result<Runtime, CliError> {
        if let Some(runtime) = self.vcpp.get() {
            return Ok(runtime.clone());
        }
        let (Some(id), Some(secret)) = (
            self.settings.vcpp_client_id.clone(),
            self.settings.vcpp_client_secret.clone(),
        ) else {
            return Err(CliError::Auth(format!(
                "no VCPP client credentials: set VCPP_CLIENT_ID and VCPP_CLIENT_SECRET or run \
                 `cpn auth login --vcpp` (profile `{}`)",
                self.settings.profile
            )));
        };
        let token_url = self.vcpp_token_url()?;
        let runtime = Runtime::builder()
            .auth(Auth::vcpp_client_credentials(&token_url, id, secret))
            .build()
            .map_err(|e| CliError::Other(e.to_string()))?;
        Ok(self.vcpp.get_or_init(|| runtime).clone())
    }

    /// The VCPP token endpoint beside the configured API root.
    pub fn vcpp_token_url(&self) -> Result<String, CliError> {
        vcpp::token_url(&self.settings.vcpp_base_url).ok_or_else(|| {
            CliError::Usage(format!(
                "the VCPP base URL {} does not end in /v1/m3/api/vcpp",
                self.settings.vcpp_base_url
            ))
        })
    }

    /// The base URL and runtime of an operation.
    pub fn endpoint(&self, target: &Target) -> Result<(String, Runtime), CliError> {
        let vcpp = target.client.service == Service::Vcpp;
        let base = if vcpp {
            &self.settings.vcpp_base_url
        } else {
            &self.settings.base_url
        };
        let runtime = if !target.operation.takes_token {
            Runtime::builder()
                .build()
                .map_err(|e| CliError::Other(e.to_string()))?
        } else if vcpp {
            self.vcpp()?
        } else {
            self.navigator()?
        };
        Ok((base.trim_end_matches('/').to_owned(), runtime))
    }
}

/// The provider of the Navigator credential `settings` name, by its kind: one of the
/// runtime's token sources. An error names what is missing, never a value.
pub fn navigator_auth(settings: &Settings) -> Result<Auth, CliError> {
    let s = settings;
    let profile = &s.profile;
    let missing = |what: &str, how: &str| {
        CliError::Auth(format!(
            "no {what}: {how} or run `cpn auth login` (profile `{profile}`)"
        ))
    };
    let Some(kind) = s.kind else {
        return Err(missing(
            "Navigator credentials",
            "set CPN_REFRESH_TOKEN (or CSP_API_TOKEN, or CPN_CLIENT_ID and CPN_CLIENT_SECRET, \
             or CPN_TOKEN_COMMAND)",
        ));
    };
    Ok(match kind {
        NavigatorKind::NavigatorToken => {
            let token = s
                .refresh_token
                .clone()
                .ok_or_else(|| missing("API token", "set CPN_REFRESH_TOKEN"))?;
            Auth::csp_refresh_token(&s.base_url, token)
        }
        NavigatorKind::CspApiToken => {
            let token = s
                .csp_api_token
                .clone()
                .ok_or_else(|| missing("CSP API token", "set CSP_API_TOKEN"))?;
            Auth::csp_api_token(&s.csp_exchange_url, token)
        }
        NavigatorKind::OauthApp => {
            let (id, secret) = oauth_app(s)?;
            let org = s.org_id.clone().ok_or_else(|| {
                missing(
                    "organization for the OAuth app's token",
                    "set CPN_ORG_ID (an OAuth app's token is for one organization)",
                )
            })?;
            Auth::navigator_oauth_app(&s.base_url, org, id, secret)
        }
        NavigatorKind::TokenCommand => {
            let command = s
                .token_command
                .clone()
                .ok_or_else(|| missing("token command", "set CPN_TOKEN_COMMAND"))?;
            token_command(command)
        }
    })
}

/// The Navigator OAuth app's client id and secret, as configured.
fn oauth_app(s: &Settings) -> Result<(String, String), CliError> {
    match (s.client_id.clone(), s.client_secret.clone()) {
        (Some(id), Some(secret)) => Ok((id, secret)),
        _ => Err(CliError::Auth(format!(
            "no OAuth app client credentials: set CPN_CLIENT_ID and CPN_CLIENT_SECRET or run \
             `cpn auth login --kind oauth-app` (profile `{}`)",
            s.profile
        ))),
    }
}

/// What a token command spends, as errors and `cpn auth status` name it.
const TOKEN_COMMAND: Credential = Credential::Custom("token command");

/// How long a token command may take.
const TOKEN_COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// Tokens printed by `command`, run by the shell whenever the runtime needs one (first, ahead
/// of the token's end when it is a JWT, and after a `401`), sent as `csp-auth-token`. Its
/// stdout is the token; its stderr goes to cpn's.
fn token_command(command: String) -> Auth {
    let command = Arc::new(command);
    Auth::from_fn(TOKEN_COMMAND, Scheme::CspAuthToken, move |_request| {
        let command = command.clone();
        async move {
            let failed = |why: String| AuthError::new(TOKEN_COMMAND, why);
            let mut shell = if cfg!(windows) {
                let mut shell = tokio::process::Command::new("cmd");
                shell.arg("/C");
                shell
            } else {
                let mut shell = tokio::process::Command::new("sh");
                shell.arg("-c");
                shell
            };
            shell
                .arg(command.as_str())
                .stdin(std::process::Stdio::null())
                .stderr(std::process::Stdio::inherit())
                .kill_on_drop(true);
            let output = tokio::time::timeout(TOKEN_COMMAND_TIMEOUT, shell.output())
                .await
                .map_err(|_| failed(format!("it ran over {TOKEN_COMMAND_TIMEOUT:?}")))?
                .map_err(|e| failed("it cannot be run".into()).with_source(e))?;
            if !output.status.success() {
                return Err(failed(format!("it failed ({})", output.status)));
            }
            let token = String::from_utf8(output.stdout)
                .map_err(|_| failed("it printed no UTF-8 text".into()))?;
            let token = token.trim();
            if token.is_empty() {
                return Err(failed("it printed no token".into()));
            }
            Ok(Token::new(token))
        }
    })
}

/// The operations that take an OAuth app's client id and secret as HTTP Basic (the spec's
/// `oauthClientBasic`) instead of a token: `cpn` sends the configured app's (or, with a client
/// id but no secret, one read from stdin or a hidden prompt), with the form
/// `Auth::navigator_oauth_app` sends when `--body` gives none.
const OAUTH_APP_BASIC: &[Operation] = &[cphub_auth::operations::AUTHORIZE_OAUTH_APP];

/// The configured OAuth app's client id and secret, for an operation of
/// [`OAUTH_APP_BASIC`]: with a client id but no secret, the secret is read from stdin or a
/// hidden prompt.
fn oauth_app_for_basic(ctx: &Context) -> Result<(String, String), CliError> {
    let s = &ctx.settings;
    match (s.client_id.clone(), s.client_secret.clone()) {
        (Some(id), None) => Ok((id, read_secret("OAuth app client secret: ")?)),
        _ => oauth_app(s),
    }
}

/// One request, as the flags describe it; copied and changed for paging and fan-out.
#[derive(Debug, Clone, Default)]
pub struct Call {
    /// Path parameter values by name.
    pub path: BTreeMap<&'static str, String>,
    /// Query pairs.
    pub query: Vec<(&'static str, String)>,
    /// Headers.
    pub headers: Vec<(&'static str, String)>,
    /// The JSON body.
    pub body: Option<Value>,
}

impl Call {
    /// Sets a query parameter, replacing any value it had.
    pub fn set_query(&mut self, name: &'static str, value: String) {
        self.query.retain(|(n, _)| *n != name);
        self.query.push((name, value));
    }

    /// A query parameter's value.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The values of a flag, as text, however clap parsed it.
fn values(m: &ArgMatches, flag: &str, kind: Kind) -> Vec<String> {
    let text = |v: Option<clap::parser::ValuesRef<'_, String>>| -> Vec<String> {
        v.map(|v| v.cloned().collect()).unwrap_or_default()
    };
    match m.try_contains_id(flag) {
        Ok(true) => {}
        _ => return Vec::new(),
    }
    match kind {
        Kind::Integer | Kind::IntegerList => m
            .get_many::<i64>(flag)
            .map(|v| v.map(ToString::to_string).collect())
            .unwrap_or_default(),
        Kind::Number => m
            .get_many::<f64>(flag)
            .map(|v| v.map(ToString::to_string).collect())
            .unwrap_or_default(),
        Kind::Boolean => m
            .get_many::<bool>(flag)
            .map(|v| v.map(ToString::to_string).collect())
            .unwrap_or_default(),
        _ => text(m.get_many::<String>(flag)),
    }
}

/// Reads the flags of `op` into a request.
pub fn call_from(ctx: &Context, op: &Op, m: &ArgMatches) -> Result<Call, CliError> {
    let mut call = Call::default();
    for param in op.params {
        let mut given = values(m, param.flag, param.kind);
        if given.is_empty() && param.name == ORG_PARAM {
            given.extend(ctx.settings.org_id.clone());
        }
        match (param.location, given.is_empty()) {
            (Location::Path, true) => {
                return Err(CliError::Usage(format!(
                    "--{} is required{}",
                    param.flag,
                    if param.name == ORG_PARAM {
                        " (or set CPN_ORG_ID, or `cpn auth login --org-id`)"
                    } else {
                        ""
                    }
                )));
            }
            (Location::Path, false) => {
                call.path.insert(param.name, given.remove(0));
            }
            (Location::Query, _) => call
                .query
                .extend(given.into_iter().map(|v| (param.name, v))),
            (Location::Header, _) => call
                .headers
                .extend(given.into_iter().map(|v| (param.name, v))),
        }
    }
    if let Some(body) = &op.body {
        let mut object = match m.try_get_one::<String>("body").ok().flatten() {
            Some(source) => Some(read_json(source)?),
            None => None,
        };
        for field in body.fields {
            let mut given = values(m, field.flag, field.kind);
            let value = match (field.kind, given.is_empty()) {
                (_, true) if field.secret && field.name.to_lowercase().contains("refresh") => {
                    match &ctx.settings.refresh_token {
                        Some(token) if object_lacks(&object, field.name) => {
                            Value::String(token.clone())
                        }
                        _ => continue,
                    }
                }
                (_, true) => continue,
                (Kind::StringList, _) => given.into_iter().map(Value::String).collect(),
                (Kind::IntegerList, _) => given
                    .iter()
                    .filter_map(|v| v.parse::<i64>().ok())
                    .map(Value::from)
                    .collect(),
                (Kind::String, _) => Value::String(given.remove(0)),
                (Kind::Time(unit), _) if unit.is_text() => Value::String(given.remove(0)),
                (_, _) => serde_json::from_str(&given[0])
                    .map_err(|e| CliError::Usage(format!("--{}: not JSON: {e}", field.flag)))?,
            };
            let map = object.get_or_insert_with(|| Value::Object(Map::new()));
            match map.as_object_mut() {
                Some(map) => {
                    map.insert(field.name.to_owned(), value);
                }
                None => return Err(CliError::Usage("--body is not a JSON object".into())),
            }
        }
        if object.is_none() && body.required {
            object = Some(Value::Object(Map::new()));
        }
        if let Some(Value::Object(map)) = &object {
            let missing: Vec<String> = body
                .fields
                .iter()
                .filter(|f| f.required && !map.contains_key(f.name))
                .map(|f| format!("--{}", f.flag))
                .collect();
            if !missing.is_empty() {
                return Err(CliError::Usage(format!(
                    "the body needs {} (flags or --body)",
                    missing.join(", ")
                )));
            }
        }
        call.body = object;
    }
    Ok(call)
}

fn object_lacks(object: &Option<Value>, name: &str) -> bool {
    object.as_ref().and_then(|o| o.get(name)).is_none()
}

/// JSON from a file, or from stdin for `-`.
pub fn read_json(source: &str) -> Result<Value, CliError> {
    let text = if source == "-" {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| CliError::Other(format!("cannot read {source}: {e}")))?
    };
    serde_json::from_str(&text).map_err(|e| CliError::Usage(format!("{source}: not JSON: {e}")))
}

/// A form body's media type, sent as the generated clients send it.
const FORM: &str = "application/x-www-form-urlencoded";

/// The values of the path's `{parameters}`, in the order the path names them.
fn path_values<'a>(target: &Target, call: &'a Call) -> Result<Vec<&'a str>, CliError> {
    let mut values = Vec::new();
    let mut rest = target.operation.path;
    while let Some(open) = rest.find('{') {
        let close = open
            + rest[open..]
                .find('}')
                .ok_or_else(|| CliError::Other(format!("{}: a bad path", target.op.id)))?;
        let name = &rest[open + 1..close];
        let value = call
            .path
            .get(name)
            .ok_or_else(|| CliError::Usage(format!("no value for the path's {{{name}}}")))?;
        values.push(value.as_str());
        rest = &rest[close + 1..];
    }
    Ok(values)
}

/// The request of `call`, built as the generated client builds it: the path filled by
/// [`Operation::url`](vmware_cpn_runtime::Operation::url), then `Accept`, the JSON body, the
/// query parameters in name order, then `api-version` and the header parameters in name
/// order (progenitor's order), so the bytes sent are the SDK's.
pub fn request(
    http: &reqwest::Client,
    base: &str,
    target: &Target,
    call: &Call,
) -> Result<reqwest::Request, CliError> {
    let operation = target.operation;
    let url = operation
        .url(base, &path_values(target, call)?)
        .map_err(CliError::Other)?;
    let method = reqwest::Method::from_bytes(operation.method.as_bytes())
        .map_err(|e| CliError::Other(e.to_string()))?;
    let mut builder = http.request(method, url);
    if operation.accept.is_none() {
        // A media type of its own (the CSV download) is the runtime's to ask for.
        builder = builder.header(ACCEPT, HeaderValue::from_static("application/json"));
    }
    if let Some(body) = &call.body {
        builder = match target.op.body.as_ref().map(|b| b.media_type) {
            Some(FORM) => RequestBuilderExt::<()>::form_urlencoded(builder, body)
                .map_err(|_| CliError::Usage(format!("the body is not a {FORM} form")))?,
            _ => builder.json(body),
        };
    }
    let mut query = call.query.clone();
    query.sort_by_key(|(name, _)| *name);
    builder = builder.query(&query);
    let mut headers = HeaderMap::new();
    headers.append(
        HeaderName::from_static("api-version"),
        HeaderValue::from_static((target.client.api_version)()),
    );
    let mut given = call.headers.clone();
    given.sort_by_key(|(name, _)| *name);
    for (name, value) in given {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| CliError::Usage(format!("header {name}: {e}")))?;
        let value = HeaderValue::from_str(&value)
            .map_err(|e| CliError::Usage(format!("header {name}: {e}")))?;
        headers.append(name, value);
    }
    Ok(builder.headers(headers).build()?)
}

/// Sends `call` as its client's operation; an answer that is not a success (nor `304`) is
/// an error.
pub async fn send(
    ctx: &Context,
    target: &Target,
    call: &Call,
) -> Result<reqwest::Response, CliError> {
    let (base, runtime) = ctx.endpoint(target)?;
    let http = runtime.http_client();
    let request = if OAUTH_APP_BASIC.contains(target.operation) {
        let (id, secret) = oauth_app_for_basic(ctx)?;
        let mut call = call.clone();
        if call.body.is_none() {
            call.body = Some(serde_json::json!({"grant_type": "client_credentials"}));
        }
        let request = request(http, &base, target, &call)?;
        reqwest::RequestBuilder::from_parts(http.clone(), request)
            .basic_auth(id, Some(secret))
            .build()?
    } else {
        request(http, &base, target, call)?
    };
    let response = runtime
        .send(request, target.operation)
        .await
        .map_err(|e| match e {
            vmware_cpn_runtime::SendError::Auth(auth) => CliError::Auth(auth.to_string()),
            vmware_cpn_runtime::SendError::Transport(error) => CliError::from(error),
        })?
        // cpn redacts what it prints by the specs' secrets and its printer's rules.
        .into_response();
    let status = response.status();
    if status.is_success() || status == reqwest::StatusCode::NOT_MODIFIED {
        return Ok(response);
    }
    let headers = response.headers().clone();
    let body = response.text().await.unwrap_or_default();
    let json = serde_json::from_str::<serde_json::Value>(&body).ok();
    let request_id = vmware_cpn_runtime::request_id(&headers, json.as_ref());
    Err(CliError::from_answer(
        target.op.id,
        status.as_u16(),
        &redacted_text(ctx, body),
        request_id,
        ctx.verbose,
    ))
}

/// An error body as printed: JSON redacted and compact, anything else as sent.
fn redacted_text(ctx: &Context, body: String) -> String {
    match serde_json::from_str::<Value>(&body) {
        Ok(mut value) => {
            ctx.printer.redact(&mut value);
            value.to_string()
        }
        Err(_) => body.trim().to_owned(),
    }
}

/// The JSON of a success answer; `None` for an empty body (`201`, `204`, `304`).
pub async fn json_answer(response: reqwest::Response) -> Result<Option<Value>, CliError> {
    let bytes = response.bytes().await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    Ok(Some(serde_json::from_slice(&bytes).unwrap_or_else(|_| {
        Value::String(String::from_utf8_lossy(&bytes).into_owned())
    })))
}
