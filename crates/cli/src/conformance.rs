//! `cpn conformance`: the live service held against the specs. Every operation a spec marks
//! safe to call (a GET, or `x-read-only`) is called once with the user's credentials, ids
//! followed from answers to the operations that take them (the specs' OpenAPI `links`), and
//! each answer is checked with the spec crate's checker (`answer_check`): its status, media
//! type, required headers and body. Nothing that writes is ever called.
//!
//! The report (`conformance/report.rs`) holds shapes only, never a value of an answer: what it says can be
//! pasted into an issue.

mod report;

use std::collections::{BTreeMap, HashMap};

use clap::{Arg, ArgAction, ArgMatches, Command};
use futures::future::LocalBoxFuture;
use serde_json::Value;
use vmware_cpn_runtime::{Failure, SendError};
use vmware_cpn_spec::LoadedSpec;
use vmware_cpn_spec::answer_check::{Answer, answer_findings, is_json};
use vmware_cpn_spec::links::links;
use vmware_cpn_spec::load::{BodyOf, OperationRef};

use crate::error::CliError;
use crate::exec::{Call, Context, request};
use crate::handwritten::{HandWritten, Serves, org_id, org_id_arg};
use crate::model::{self, Location, ORG_PARAM, SurfaceModel};
use crate::sdk::{Service, Target};
use report::{Called, NotCalled, Report, Row};

/// `cpn conformance`.
pub struct Conformance;

/// Why an operation was not called once the bound is reached.
const BOUND_REACHED: &str = "the --max-calls bound was reached";

/// How many calls a run makes at most, unless `--max-calls` says otherwise.
const DEFAULT_MAX_CALLS: usize = 200;

impl HandWritten for Conformance {
    fn serves(&self) -> Serves {
        Serves::Root {
            name: "conformance",
        }
    }

    fn command(&self, cmd: Command) -> Command {
        cmd.about("Check the live service against the SDK's specs, calling only what reads")
            .long_about(
                "Calls every operation a spec marks safe to call (GETs, and operations marked \
                 `x-read-only` such as the MSP subscription search) with your credentials, \
                 following ids from answers to the operations that take them, and checks each \
                 answer against its spec: its status, media type, required headers, and body \
                 (properties the spec lacks, enum values outside it, wrong types, missing \
                 required fields). Never calls an operation that writes.\n\nThe report (Markdown \
                 or JSON) names operations, JSON paths, kinds and shapes, never a value, id, \
                 name or token: paste it into an issue. Exit code 0 when the answers match the \
                 specs, 6 when they depart from them.\n\nExample: cpn conformance --output \
                 conformance.md",
            )
            .arg(
                Arg::new("surface")
                    .long("surface")
                    .value_name("SURFACE")
                    .action(ArgAction::Append)
                    .value_parser(
                        model::SURFACES
                            .iter()
                            .flat_map(|s| [s.command, s.name])
                            .collect::<Vec<_>>(),
                    )
                    .help("Only this surface (repeatable; default: all six)"),
            )
            .arg(
                Arg::new("max-calls")
                    .long("max-calls")
                    .value_name("N")
                    .value_parser(clap::value_parser!(usize))
                    .default_value(DEFAULT_MAX_CALLS.to_string())
                    .help("Calls at most N operations"),
            )
            .arg(
                Arg::new("param")
                    .long("param")
                    .value_name("NAME=VALUE")
                    .action(ArgAction::Append)
                    .help(
                        "A value for a parameter no answer leads to, such as \
                         oauthAppId=… (repeatable; never printed)",
                    ),
            )
            .arg(org_id_arg())
            .arg(
                Arg::new("format")
                    .long("format")
                    .value_parser(["markdown", "json"])
                    .default_value("markdown")
                    .help("The report's format"),
            )
            .arg(
                Arg::new("report")
                    .long("report")
                    .value_name("FILE")
                    .help("Write the report to FILE instead of stdout"),
            )
    }

    fn run<'a>(
        &'a self,
        ctx: &'a Context,
        m: &'a ArgMatches,
    ) -> LocalBoxFuture<'a, Result<(), CliError>> {
        Box::pin(run(ctx, m))
    }
}

async fn run(ctx: &Context, m: &ArgMatches) -> Result<(), CliError> {
    let chosen: Vec<&String> = m
        .get_many::<String>("surface")
        .into_iter()
        .flatten()
        .collect();
    let surfaces: Vec<&'static SurfaceModel> = model::SURFACES
        .iter()
        .filter(|s| chosen.is_empty() || chosen.iter().any(|c| *c == s.command || *c == s.name))
        .collect();
    let mut given = given_values(m)?;
    if let Some(org) = org_id(ctx, m) {
        given.entry(ORG_PARAM.to_owned()).or_insert(org);
    }
    let max_calls = m
        .get_one::<usize>("max-calls")
        .copied()
        .unwrap_or(DEFAULT_MAX_CALLS);
    let mut run = Run {
        ctx,
        given,
        linked: HashMap::new(),
        report: Report::new(max_calls),
        missing_credentials: None,
        uncredentialed: Vec::new(),
    };
    let mut pending = Vec::new();
    for surface in surfaces {
        let (name, version, candidates) = candidates(surface)?;
        run.report.spec(name, version);
        pending.extend(candidates);
    }
    // Rounds: an operation is called once the values of its parameters are known, from the
    // flags or from the answers called before it; stop when a round calls nothing.
    loop {
        let mut waiting = Vec::new();
        let mut called = false;
        for (target, loaded, op) in pending {
            match run.call_of(&target, loaded, &op) {
                Ok(_) if run.report.calls() >= max_calls => {
                    run.report.not_called(NotCalled::of(&target, BOUND_REACHED));
                }
                Ok(call) => {
                    run.check(&target, loaded, &op, call).await?;
                    called = true;
                }
                Err(_) => waiting.push((target, loaded, op)),
            }
        }
        pending = waiting;
        if !called || pending.is_empty() {
            break;
        }
    }
    let bounded = run.report.calls() >= max_calls;
    for (target, loaded, op) in &pending {
        if let Err(missing) = run.call_of(target, loaded, op) {
            let why = if bounded {
                BOUND_REACHED.to_owned()
            } else if run.uncredentialed.contains(&target.client.service) {
                no_credentials(target.client.service)
            } else {
                format!("no answer called leads to {missing}; give --param {missing}=VALUE")
            };
            run.report.not_called(NotCalled::of(target, &why));
        }
    }
    // `--format json`, or the global `--output json` when `--format` is not given.
    let chosen = m.value_source("format") == Some(clap::parser::ValueSource::CommandLine);
    let json = match m.get_one::<String>("format").map(String::as_str) {
        Some("json") => true,
        _ if !chosen => ctx.printer.format == Some(crate::output::Format::Json),
        _ => false,
    };
    let text = if json {
        run.report.json()
    } else {
        run.report.markdown()
    };
    match m.get_one::<String>("report") {
        Some(file) => std::fs::write(file, text)
            .map_err(|e| CliError::Other(format!("cannot write {file}: {e}")))?,
        None => print!("{text}"),
    }
    match (
        run.report.findings(),
        run.report.calls(),
        run.missing_credentials,
    ) {
        (0, 0, Some(message)) => Err(CliError::Auth(message)),
        (0, _, _) => Ok(()),
        (found, _, _) => Err(CliError::Drift(found)),
    }
}

/// An operation `cpn conformance` may call: its command, its spec and the spec's operation.
type Candidate = (Target, &'static LoadedSpec, OperationRef<'static>);

/// The spec of `surface` (its name and version) and its operations safe to call, in the
/// spec's order: those that only read and take the provider's token (not the token
/// exchanges).
fn candidates(
    surface: &'static SurfaceModel,
) -> Result<(&'static str, &'static str, Vec<Candidate>), CliError> {
    let first = surface
        .operations
        .first()
        .and_then(|op| Target::of(surface, op))
        .ok_or_else(|| CliError::Other(format!("{}: no client", surface.name)))?;
    let loaded = first.operation.spec.parsed().ok_or_else(|| {
        CliError::Other(format!(
            "the spec {} the client carries does not parse",
            surface.name
        ))
    })?;
    let mut found = Vec::new();
    for op in vmware_cpn_spec::load::operations(&loaded.spec) {
        if !op.only_reads() || !op.takes_token(&loaded.spec) {
            continue;
        }
        let target = model::operation(surface, op.id())
            .and_then(|o| Target::of(surface, o))
            .ok_or_else(|| CliError::Other(format!("{}: not in cpn's model", op.id())))?;
        found.push((target, loaded, op));
    }
    Ok((surface.name, &loaded.spec.info.version, found))
}

/// `--param NAME=VALUE`, by name.
fn given_values(m: &ArgMatches) -> Result<HashMap<String, String>, CliError> {
    m.get_many::<String>("param")
        .into_iter()
        .flatten()
        .map(|pair| {
            pair.split_once('=')
                .filter(|(name, _)| !name.is_empty())
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                // The value is not echoed: it may be an id the user keeps to themselves.
                .ok_or_else(|| CliError::Usage("--param takes NAME=VALUE".into()))
        })
        .collect()
}

struct Run<'c> {
    ctx: &'c Context,
    /// Values from the flags (and the profile's organization), by parameter name.
    given: HashMap<String, String>,
    /// Values the answers' links lead to, by (spec, operation) and parameter name.
    linked: HashMap<(&'static str, String), BTreeMap<String, String>>,
    report: Report,
    /// Why a service was left out for want of credentials, if one was.
    missing_credentials: Option<String>,
    /// The services left out for want of credentials.
    uncredentialed: Vec<Service>,
}

impl Run<'_> {
    /// The request of `op`, or the first required parameter no value is known for.
    fn call_of(
        &self,
        target: &Target,
        loaded: &LoadedSpec,
        op: &OperationRef<'_>,
    ) -> Result<Call, &'static str> {
        let linked = self.linked.get(&(target.surface.name, op.id().to_owned()));
        let mut call = Call::default();
        for param in target.op.params {
            let value = linked
                .and_then(|values| values.get(param.name))
                .or_else(|| self.given.get(param.name))
                .cloned();
            match (value, param.location) {
                (Some(value), Location::Path) => {
                    call.path.insert(param.name, value);
                }
                (Some(value), Location::Query) => call.query.push((param.name, value)),
                (Some(value), Location::Header) => call.headers.push((param.name, value)),
                (None, _) if param.required => return Err(param.name),
                (None, _) => {}
            }
        }
        call.body = body(loaded, op);
        Ok(call)
    }

    /// Calls `op` once and holds its answer to the spec.
    async fn check(
        &mut self,
        target: &Target,
        loaded: &'static LoadedSpec,
        op: &OperationRef<'static>,
        call: Call,
    ) -> Result<(), CliError> {
        let (base, runtime) = match self.ctx.endpoint(target) {
            Ok(endpoint) => endpoint,
            // A service without credentials is left out, not the whole run: a provider may
            // hold Navigator credentials and no VCPP ones. Its message names no value.
            Err(CliError::Auth(message)) => {
                let service = target.client.service;
                self.report
                    .not_called(NotCalled::of(target, &no_credentials(service)));
                self.uncredentialed.push(service);
                self.missing_credentials.get_or_insert(message);
                return Ok(());
            }
            Err(error) => return Err(error),
        };
        let sent = request(runtime.http_client(), &base, target, &call)?;
        let response = match runtime.send(sent, target.operation).await {
            Ok(received) => received.into_response(),
            Err(SendError::Auth(error)) => return Err(CliError::Auth(error.to_string())),
            Err(SendError::Transport(error)) => {
                // The error's text names the URL, ids and all: only its kind is reported.
                let why = match Failure::of_transport(&error) {
                    Failure::NoConnection => "no answer: no connection",
                    Failure::TimedOut => "no answer: timed out",
                    Failure::Dropped => "no answer: the connection closed",
                    _ => "no answer",
                };
                self.report.not_called(NotCalled::of(target, why));
                self.report.count_call();
                return Ok(());
            }
        };
        self.report.count_call();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let content_type = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let names: Vec<&str> = headers.keys().map(|name| name.as_str()).collect();
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(_) => {
                self.report
                    .not_called(NotCalled::of(target, "the answer was cut short"));
                return Ok(());
            }
        };
        let answer = Answer {
            status,
            content_type: content_type.as_deref(),
            header_names: &names,
            body: &body,
        };
        for finding in answer_findings(&loaded.spec, op.operation, &answer) {
            self.report.finding(Row::of(target, status, finding));
        }
        self.report.called(Called::of(target, status));
        if (200..300).contains(&status)
            && content_type.as_deref().is_some_and(is_json)
            && let Ok(json) = serde_json::from_slice::<Value>(&body)
        {
            self.follow(target, loaded, op, status, &json, &call);
        }
        Ok(())
    }

    /// Keeps the values the answer's links lead to, for the operations that take them.
    fn follow(
        &mut self,
        target: &Target,
        loaded: &'static LoadedSpec,
        op: &OperationRef<'static>,
        status: u16,
        json: &Value,
        call: &Call,
    ) {
        let request_path = |name: &str| call.path.get(name).cloned();
        for link in links(&loaded.spec, op, status) {
            let values: Option<Vec<(String, String)>> = link
                .parameters
                .iter()
                .map(|(name, source)| {
                    Some(((*name).to_owned(), source.value(json, &request_path)?))
                })
                .collect();
            let Some(values) = values else { continue };
            let known = self
                .linked
                .entry((target.surface.name, link.operation_id.to_owned()))
                .or_default();
            for (name, value) in values {
                known.entry(name).or_insert(value);
            }
        }
    }
}

/// Why the operations of `service` were not called.
fn no_credentials(service: Service) -> String {
    let name = match service {
        Service::Navigator => "Navigator",
        Service::Vcpp => "VCPP",
    };
    format!("no {name} credentials")
}

/// The body a read-only operation is sent with: the spec's example, or none when the body is
/// optional, or `{}` when its schema requires no property.
fn body(loaded: &LoadedSpec, op: &OperationRef<'_>) -> Option<Value> {
    let request_body = op.operation.request_body.as_ref()?;
    let required = vmware_cpn_spec::load::resolve_body(&loaded.spec, request_body)
        .is_some_and(|body| body.required);
    loaded
        .example(
            op.id(),
            BodyOf::Request {
                media_type: "application/json",
            },
        )
        .or_else(|| required.then(|| Value::Object(Default::default())))
}
