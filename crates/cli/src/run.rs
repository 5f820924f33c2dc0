//! What a generated command does: one call, every page (`--all`), a download with a progress
//! bar, or the same call for every tenant (`--all-tenants`) with bounded concurrency.

use std::path::{Path, PathBuf};

use clap::ArgMatches;
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use crate::error::CliError;
use crate::exec::{Call, Context, call_from, json_answer, send};
use crate::model::ORG_PARAM;
use crate::output::list_items;
use crate::registry;
use crate::sdk::Target;

/// Runs the command of an operation with its flags.
pub async fn run_op(ctx: &Context, target: &Target, m: &ArgMatches) -> Result<(), CliError> {
    let op = target.op;
    if op.hand_written {
        let command = registry::serving(target.operation)
            .ok_or_else(|| CliError::Other(format!("no hand-written command for {}", op.id)))?;
        return command.run(ctx, m).await;
    }
    let call = call_from(ctx, op, m)?;
    if op.tenant_param().is_some() && flag(m, "all-tenants") {
        return all_tenants(ctx, target, call, m).await;
    }
    if op.raw_answer() {
        let file = m.get_one::<String>("output-file").map(PathBuf::from);
        return download(ctx, target, &call, file.as_deref()).await;
    }
    let answer = if flag(m, "all") {
        Some(every_page(ctx, target, call).await?)
    } else {
        let response = send(ctx, target, &call).await?;
        let status = response.status();
        let answer = json_answer(response).await?;
        if answer.is_none() && !ctx.quiet {
            eprintln!("{} {}: HTTP {status}", op.method, op.id);
        }
        answer
    };
    match answer {
        Some(value) => ctx.printer.print(value),
        None => Ok(()),
    }
}

fn flag(m: &ArgMatches, id: &str) -> bool {
    m.try_get_one::<bool>(id).ok().flatten().copied() == Some(true)
}

/// Every item of a paged list, page after page as the spec's `x-paging` says, walked by the
/// runtime's offset pages (the clients' `stream()` walk the same).
async fn every_page(ctx: &Context, target: &Target, call: Call) -> Result<Value, CliError> {
    let op = target.op;
    let Some(paging) = &op.paging else {
        return Err(CliError::Usage(format!("{} does not page", op.id)));
    };
    let limit = call
        .query_value(paging.limit)
        .and_then(|v| v.parse::<i32>().ok())
        .unwrap_or(paging.default_limit);
    let pages = vmware_cpn_runtime::paging::offset_pages(limit, |start, limit| {
        let mut call = call.clone();
        call.set_query(paging.start, start.to_string());
        call.set_query(paging.limit, limit.to_string());
        async move {
            let response = send(ctx, target, &call).await?;
            let page = json_answer(response).await?.unwrap_or(Value::Null);
            paging.items_of(page).ok_or_else(|| {
                CliError::Other(format!(
                    "{}: a page's answer holds no `{}` list",
                    op.id, paging.items
                ))
            })
        }
    });
    let all: Vec<Value> = futures::TryStreamExt::try_collect(pages).await?;
    Ok(Value::Array(all))
}

fn progress(ctx: &Context, length: Option<u64>, what: &str) -> ProgressBar {
    if ctx.quiet {
        return ProgressBar::hidden();
    }
    let bar = match length {
        Some(length) => ProgressBar::new(length).with_style(
            ProgressStyle::with_template("{msg} {bar:30} {bytes}/{total_bytes} {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::new_spinner(),
    };
    bar.with_message(what.to_owned())
}

/// A non-JSON answer (the CSV usage report) to a file, with a progress bar, or to stdout.
async fn download(
    ctx: &Context,
    target: &Target,
    call: &Call,
    file: Option<&Path>,
) -> Result<(), CliError> {
    let response = send(ctx, target, call).await?;
    let bar = progress(ctx, response.content_length(), "downloading");
    let mut out: Box<dyn tokio::io::AsyncWrite + Unpin + Send> = match file {
        Some(path) => Box::new(
            tokio::fs::File::create(path)
                .await
                .map_err(|e| CliError::Other(format!("{}: {e}", path.display())))?,
        ),
        None => Box::new(tokio::io::stdout()),
    };
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        out.write_all(&chunk).await?;
        bar.inc(chunk.len() as u64);
    }
    out.flush().await?;
    bar.finish_and_clear();
    if let (Some(path), false) = (file, ctx.quiet) {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Runs `call` once per tenant of the organization, `--concurrency` at a time (the runtime's
/// fan-out); every tenant's failure is reported at the end, and the exit code is the first
/// failure's.
async fn all_tenants(
    ctx: &Context,
    target: &Target,
    call: Call,
    m: &ArgMatches,
) -> Result<(), CliError> {
    let op = target.op;
    let tenant_param = op
        .tenant_param()
        .ok_or_else(|| CliError::Usage(format!("{} takes no tenant", op.id)))?;
    let out_dir = m
        .try_get_one::<String>("output-dir")
        .ok()
        .flatten()
        .map(PathBuf::from);
    if op.raw_answer() && out_dir.is_none() {
        return Err(CliError::Usage(
            "--all-tenants with a file answer needs --output-dir".into(),
        ));
    }
    let concurrency = m.get_one::<u16>("concurrency").copied().unwrap_or(4) as usize;
    let tenants = list_tenants(ctx, &call).await?;
    let bar = progress(ctx, Some(tenants.len() as u64), "tenants");
    if !ctx.quiet {
        bar.set_style(
            ProgressStyle::with_template("{msg} {bar:30} {pos}/{len}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
    }
    let results: Vec<(Tenant, Result<Option<Value>, CliError>)> =
        vmware_cpn_runtime::fan_out(tenants, concurrency, |(id, _)| {
            let mut call = call.clone();
            call.set_query(tenant_param.name, id.clone());
            let file = out_dir
                .as_ref()
                .filter(|_| op.raw_answer())
                .map(|dir| dir.join(format!("{}.csv", file_safe(id))));
            let bar = bar.clone();
            async move {
                let result = match file {
                    Some(file) => download(ctx, target, &call, Some(&file))
                        .await
                        .map(|()| Some(json!(file.display().to_string()))),
                    None => match send(ctx, target, &call).await {
                        Ok(response) => json_answer(response).await,
                        Err(e) => Err(e),
                    },
                };
                bar.inc(1);
                result
            }
        })
        .collect()
        .await;
    bar.finish_and_clear();
    let total = results.len();
    let mut printed = Vec::new();
    let mut failures = Vec::new();
    for ((id, name), result) in results {
        match result {
            Ok(answer) => {
                printed.push(json!({"tenantId": id, "displayName": name, "result": answer}))
            }
            Err(error) => failures.push((id, name, error)),
        }
    }
    printed.sort_by(|a, b| a["tenantId"].as_str().cmp(&b["tenantId"].as_str()));
    ctx.printer.print(Value::Array(printed))?;
    if failures.is_empty() {
        return Ok(());
    }
    for (id, name, error) in &failures {
        eprintln!("cpn: tenant {id} ({name}): {error}");
    }
    Err(CliError::Tenants {
        failed: failures.len(),
        total,
        code: failures[0].2.exit_code(),
    })
}

/// A tenant: its id and display name.
type Tenant = (String, String);

/// The organization's tenants.
async fn list_tenants(ctx: &Context, call: &Call) -> Result<Vec<Tenant>, CliError> {
    let list = Target::from_operation(&cphub_core::operations::LIST_TENANTS)
        .ok_or_else(|| CliError::Other("cpn's model lacks the tenants list".into()))?;
    let org = call
        .path
        .get(ORG_PARAM)
        .cloned()
        .or_else(|| ctx.settings.org_id.clone())
        .ok_or_else(|| CliError::Usage("--org-id is required".into()))?;
    let mut tenants_call = Call::default();
    tenants_call.path.insert(ORG_PARAM, org);
    let answer = json_answer(send(ctx, &list, &tenants_call).await?)
        .await?
        .unwrap_or(Value::Null);
    Ok(list_items(&answer)
        .unwrap_or_default()
        .iter()
        .filter_map(|t| {
            let id = t.get("id")?.as_str()?.to_owned();
            let name = t.get("displayName").and_then(Value::as_str).unwrap_or("");
            Some((id, name.to_owned()))
        })
        .collect())
}

fn file_safe(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
