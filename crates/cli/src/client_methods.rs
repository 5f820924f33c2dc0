//! The operations the client crates serve by hand (multipart upload, CSP API-token exchange,
//! VCPP token, JSON or XML order, Atom order feed), as commands of the same shape as the generated ones: their
//! parameters and help come from the spec, and they call the crates' hand-written functions.
//! Each is a [`HandWritten`] type, listed in the registry (`registry.rs`).

use bytes::Bytes;
use clap::{Arg, ArgAction, ArgMatches, Command};
use cphub_auth::operations::EXCHANGE_CSP_API_TOKEN;
use cphub_support::operations::UPLOAD_ATTACHMENT;
use futures::future::LocalBoxFuture;
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;
use vcpp::operations::{GET_ORDER_FEED, GET_TOKEN, PLACE_ORDER};
use vmware_cpn_runtime::{Operation, Runtime};

use crate::config::{csp_exchange_url, read_secret};
use crate::error::{CliError, from_client_error};
use crate::exec::{Context, call_from, read_json};
use crate::handwritten::{HandWritten, Serves};
use crate::model::ORG_PARAM;
use crate::sdk::Target;

/// The model's operation of `operation`, with its base URL and runtime.
fn endpoint(ctx: &Context, operation: &Operation) -> Result<(Target, String, Runtime), CliError> {
    let target = Target::from_operation(operation)
        .ok_or_else(|| CliError::Other(format!("cpn's model lacks {}", operation.id)))?;
    let (base, runtime) = ctx.endpoint(&target)?;
    Ok((target, base, runtime))
}

/// `cpn support upload-attachment`: a file streamed from disk as the multipart upload.
pub struct UploadAttachment;

impl HandWritten for UploadAttachment {
    fn serves(&self) -> Serves {
        Serves::Operation(UPLOAD_ATTACHMENT)
    }

    fn command(&self, cmd: Command) -> Command {
        cmd.arg(
            Arg::new("file")
                .long("file")
                .value_name("PATH")
                .required(true)
                .help("The file to attach, streamed from disk with a progress bar"),
        )
    }

    fn run<'a>(
        &'a self,
        ctx: &'a Context,
        m: &'a ArgMatches,
    ) -> LocalBoxFuture<'a, Result<(), CliError>> {
        Box::pin(async move {
            let (target, base, runtime) = endpoint(ctx, &UPLOAD_ATTACHMENT)?;
            let call = call_from(ctx, target.op, m)?;
            let org = call.path.get(ORG_PARAM).cloned().unwrap_or_default();
            let ticket = call
                .path
                .get("supportRequestId")
                .cloned()
                .unwrap_or_default();
            let path = m.get_one::<String>("file").cloned().unwrap_or_default();
            let attachment = attachment(ctx, &path).await?;
            let client = cphub_support::Client::with_runtime(&base, runtime);
            let answer = client
                .upload_attachment(&org, &ticket, attachment)
                .await
                .map_err(from_client_error)?;
            ctx.printer
                .print(json!({"attached": path, "status": answer.status().as_u16()}))
        })
    }
}

/// `cpn auth exchange-csp-api-token`: one exchange of a CSP API token (from stdin or a hidden
/// prompt) at the CSP gateway. It prints the access token's lifetime, as JSON; with
/// `--print-token`, the access token alone on stdout instead (for `$(…)`), its lifetime on
/// stderr.
pub struct ExchangeCspApiToken;

impl HandWritten for ExchangeCspApiToken {
    fn serves(&self) -> Serves {
        Serves::Operation(EXCHANGE_CSP_API_TOKEN)
    }

    fn command(&self, cmd: Command) -> Command {
        cmd.after_long_help(
            "The API token is read from stdin when it is not a terminal, else from a hidden \
             prompt; never from the command line. Prints the access token's lifetime \
             (credential, expiresIn in seconds, expiresAt) as JSON; only --print-token prints \
             the access token itself: alone on stdout, for a script's \
             token=$(cpn auth exchange-csp-api-token --print-token < api-token), with its \
             lifetime on stderr.",
        )
        .arg(
            Arg::new("csp-base-url")
                .long("csp-base-url")
                .value_name("URL")
                .help(
                    "The CSP gateway [env: CSP_BASE_URL; default: the profile's, else \
                     https://console.cloud.vmware.com]",
                ),
        )
        .arg(
            Arg::new("print-token")
                .long("print-token")
                .action(ArgAction::SetTrue)
                .help("Print the access token alone on stdout (its lifetime on stderr)"),
        )
    }

    fn run<'a>(
        &'a self,
        ctx: &'a Context,
        m: &'a ArgMatches,
    ) -> LocalBoxFuture<'a, Result<(), CliError>> {
        Box::pin(async move {
            let (_, base, runtime) = endpoint(ctx, &EXCHANGE_CSP_API_TOKEN)?;
            let csp = match m.get_one::<String>("csp-base-url") {
                Some(url) => csp_exchange_url(url),
                None => ctx.settings.csp_exchange_url.clone(),
            };
            let api_token = read_secret("CSP API token: ")?;
            let client = cphub_auth::Client::with_runtime(&base, runtime);
            let token = client
                .exchange_csp_api_token(&csp, api_token)
                .await
                .map_err(|e| CliError::Auth(e.to_string()))?;
            let seconds = token.lifetime().map(|l| l.as_secs());
            let expires_at = token
                .lifetime()
                .and_then(|l| chrono::Duration::from_std(l).ok())
                .map(|l| {
                    (chrono::Utc::now() + l).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                });
            if m.get_flag("print-token") {
                if !ctx.quiet {
                    match (seconds, &expires_at) {
                        (Some(seconds), Some(at)) => {
                            eprintln!("access token valid for {seconds} s, until {at}")
                        }
                        _ => eprintln!("access token of unknown lifetime"),
                    }
                }
                println!("{}", token.value().expose());
                return Ok(());
            }
            ctx.printer.print(json!({
                "credential": vmware_cpn_runtime::Credential::CspApiToken.to_string(),
                "expiresIn": seconds,
                "expiresAt": expires_at,
            }))
        })
    }
}

/// `cpn vcpp get-token`: one client-credentials exchange, printed redacted.
pub struct GetToken;

impl HandWritten for GetToken {
    fn serves(&self) -> Serves {
        Serves::Operation(GET_TOKEN)
    }

    fn command(&self, cmd: Command) -> Command {
        cmd
    }

    fn run<'a>(
        &'a self,
        ctx: &'a Context,
        _m: &'a ArgMatches,
    ) -> LocalBoxFuture<'a, Result<(), CliError>> {
        Box::pin(async move {
            let (_, base, runtime) = endpoint(ctx, &GET_TOKEN)?;
            let id = ctx.settings.vcpp_client_id.clone();
            let secret = ctx.settings.vcpp_client_secret.clone();
            let (Some(id), Some(secret)) = (id, secret) else {
                return Err(CliError::Auth(
                    "no VCPP client credentials: set VCPP_CLIENT_ID and VCPP_CLIENT_SECRET".into(),
                ));
            };
            let client = vcpp::Client::with_runtime(&base, runtime);
            let token = client
                .get_token_at(&ctx.vcpp_token_url()?, &id, &secret)
                .await
                .map_err(from_client_error)?;
            // Printed redacted: the command proves the credentials and shows the lifetime.
            let value = serde_json::to_value(token.into_inner())
                .map_err(|e| CliError::Other(e.to_string()))?;
            ctx.printer.print(value)
        })
    }
}

/// `cpn vcpp place-order`: an order from a JSON file, sent as JSON or in the guide's XML.
pub struct PlaceOrder;

impl HandWritten for PlaceOrder {
    fn serves(&self) -> Serves {
        Serves::Operation(PLACE_ORDER)
    }

    fn command(&self, cmd: Command) -> Command {
        cmd.arg(
            Arg::new("body")
                .long("body")
                .value_name("FILE")
                .required(true)
                .help("The order (OrderRequestEnvelope, JSON) from FILE, `-` for stdin"),
        )
        .arg(
            Arg::new("xml")
                .long("xml")
                .action(ArgAction::SetTrue)
                .help("Send the order in the guide's XML form instead of JSON"),
        )
    }

    fn run<'a>(
        &'a self,
        ctx: &'a Context,
        m: &'a ArgMatches,
    ) -> LocalBoxFuture<'a, Result<(), CliError>> {
        Box::pin(async move {
            let (_, base, runtime) = endpoint(ctx, &PLACE_ORDER)?;
            let body = m.get_one::<String>("body").cloned().unwrap_or_default();
            let order: vcpp::types::OrderRequestEnvelope =
                serde_json::from_value(read_json(&body)?)
                    .map_err(|e| CliError::Usage(format!("{body}: not an order: {e}")))?;
            let client = vcpp::Client::with_runtime(&base, runtime);
            let answer = if m.get_flag("xml") {
                client.place_order_xml(&order).await
            } else {
                client.place_order(&order).await
            }
            .map_err(from_client_error)?;
            let value = serde_json::to_value(answer.into_inner())
                .map_err(|e| CliError::Other(e.to_string()))?;
            ctx.printer.print(value)
        })
    }
}

/// `cpn vcpp get-order-feed`: the order feed, Atom (parsed) or JSON.
pub struct OrderFeed;

impl HandWritten for OrderFeed {
    fn serves(&self) -> Serves {
        Serves::Operation(GET_ORDER_FEED)
    }

    fn command(&self, cmd: Command) -> Command {
        cmd.arg(
            Arg::new("json")
                .long("json")
                .action(ArgAction::SetTrue)
                .help("Ask for the feed's JSON form instead of Atom"),
        )
    }

    fn run<'a>(
        &'a self,
        ctx: &'a Context,
        m: &'a ArgMatches,
    ) -> LocalBoxFuture<'a, Result<(), CliError>> {
        Box::pin(async move {
            let (_, base, runtime) = endpoint(ctx, &GET_ORDER_FEED)?;
            order_feed(ctx, base, runtime, m).await
        })
    }
}

/// Streams a file from disk, counting its bytes on a progress bar as they are sent.
async fn attachment(ctx: &Context, path: &str) -> Result<cphub_support::Attachment, CliError> {
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|e| CliError::Other(format!("{path}: {e}")))?;
    let length = file.metadata().await?.len();
    let name = std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| CliError::Usage(format!("{path} names no file")))?;
    let bar = if ctx.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(length).with_message("uploading")
    };
    let stream = futures::stream::try_unfold((file, bar), |(mut file, bar)| async move {
        let mut buffer = vec![0; 64 * 1024];
        let read = file.read(&mut buffer).await?;
        if read == 0 {
            bar.finish_and_clear();
            return Ok::<_, std::io::Error>(None);
        }
        buffer.truncate(read);
        bar.inc(read as u64);
        Ok(Some((Bytes::from(buffer), (file, bar))))
    });
    Ok(cphub_support::Attachment::from_stream(
        name,
        Some(length),
        stream,
    ))
}

/// The order feed, Atom (parsed) or JSON; a `304` prints nothing.
async fn order_feed(
    ctx: &Context,
    base: String,
    runtime: Runtime,
    m: &ArgMatches,
) -> Result<(), CliError> {
    let since = match m.get_one::<String>("if-modified-since") {
        Some(text) => Some(parse_date(text)?),
        None => None,
    };
    let mut query = vcpp::OrderFeedQuery::default();
    if let Some(since) = since {
        query = query.if_modified_since(since);
    }
    if let Some(request_id) = m.get_one::<String>("request-id") {
        query = query.request_id(request_id);
    }
    let client = vcpp::Client::with_runtime(&base, runtime);
    let value = if m.get_flag("json") {
        let answer = client
            .get_order_feed_json(&query)
            .await
            .map_err(from_client_error)?;
        answer
            .into_inner()
            .map(|feed| serde_json::to_value(feed).unwrap_or(Value::Null))
    } else {
        let answer = client
            .get_order_feed(&query)
            .await
            .map_err(from_client_error)?;
        answer.into_inner().map(|feed| {
            let entries: Vec<Value> = feed
                .entries
                .iter()
                .map(|e| {
                    json!({
                        "id": e.id, "title": e.title,
                        "updated": e.updated.map(|d| d.to_rfc3339()),
                        "status": e.status.as_ref().map(|s| s.as_str().to_owned()),
                        "orderNumber": e.order_number, "tokenNumber": e.token_number,
                        "lineId": e.line_id, "partId": e.part_id,
                        "externalContractId": e.external_contract_id,
                        "externalLineTransactionReference": e.external_line_transaction_reference,
                        "commitStartDate": e.commit_start_date.map(|d| d.to_rfc3339()),
                        "commitEndDate": e.commit_end_date.map(|d| d.to_rfc3339()),
                        "other": e.other,
                    })
                })
                .collect();
            Value::Array(entries)
        })
    };
    match value {
        Some(value) => ctx.printer.print(value),
        None => {
            if !ctx.quiet {
                eprintln!("not modified since then (HTTP 304)");
            }
            Ok(())
        }
    }
}

/// RFC 3339 (`2024-05-01T00:00:00Z`) or an HTTP date (`Wed, 01 May 2024 00:00:00 GMT`).
fn parse_date(text: &str) -> Result<chrono::DateTime<chrono::Utc>, CliError> {
    chrono::DateTime::parse_from_rfc3339(text)
        .or_else(|_| chrono::DateTime::parse_from_rfc2822(text))
        .map(|d| d.with_timezone(&chrono::Utc))
        .map_err(|_| {
            CliError::Usage(format!(
                "--if-modified-since: `{text}` is neither RFC 3339 nor an HTTP date"
            ))
        })
}
