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
use crate::registry;
use crate::sdk::Target;
use crate::tenants::{Tenant, list_tenants};

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
///
/// A regular file is written under a temporary name beside it ([`PartFile`]) and renamed to
/// its own name only when the whole answer is in it: a download that fails or is cut short
/// leaves no file that looks complete (and replaces none).
async fn download(
    ctx: &Context,
    target: &Target,
    call: &Call,
    file: Option<&Path>,
) -> Result<(), CliError> {
    let response = send(ctx, target, call).await?;
    let length = response.content_length();
    let bar = progress(ctx, length, "downloading");
    let written = match file {
        // A device or a pipe (`/dev/stdout`, a FIFO) is written as it is: it cannot be renamed.
        Some(path) if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) => {
            let mut out = tokio::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .await
                .map_err(|e| file_error(path, e))?;
            copy_answer(response, length, &mut out, &bar).await
        }
        Some(path) => {
            // Through a symbolic link to the file it names, as writing in place would go.
            let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
            let mut part = PartFile::create(&path).await?;
            match copy_answer(response, length, part.file(), &bar).await {
                Ok(()) => part.keep().await,
                // Dropped: the temporary file goes with it.
                Err(e) => Err(e),
            }
        }
        None => copy_answer(response, length, &mut tokio::io::stdout(), &bar).await,
    };
    bar.finish_and_clear();
    written?;
    if let (Some(path), false) = (file, ctx.quiet) {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// The answer's body into `out`, all of it: a body that ends before its `Content-Length`
/// is an error.
async fn copy_answer(
    response: reqwest::Response,
    length: Option<u64>,
    out: &mut (dyn tokio::io::AsyncWrite + Unpin + Send),
    bar: &ProgressBar,
) -> Result<(), CliError> {
    let mut written = 0u64;
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        out.write_all(&chunk).await?;
        written += chunk.len() as u64;
        bar.inc(chunk.len() as u64);
    }
    out.flush().await?;
    match length {
        Some(length) if written != length => Err(CliError::Network(format!(
            "the answer ended after {written} of its {length} bytes"
        ))),
        _ => Ok(()),
    }
}

fn file_error(path: &Path, error: std::io::Error) -> CliError {
    CliError::Other(format!("{}: {error}", path.display()))
}

/// A file being written under a temporary name in its directory (`.<name>.part`), renamed
/// to its own name by [`PartFile::keep`] once complete. Dropped before that (an error, a
/// cancelled task), it removes the temporary file. A run killed outright leaves the
/// `.part` file, which the next download of that file overwrites; never a partial file
/// under the real name.
struct PartFile {
    path: PathBuf,
    part: PathBuf,
    file: Option<tokio::fs::File>,
}

impl PartFile {
    async fn create(path: &Path) -> Result<PartFile, CliError> {
        let name = path
            .file_name()
            .ok_or_else(|| CliError::Usage(format!("{}: not a file name", path.display())))?;
        let mut part_name = std::ffi::OsString::from(".");
        part_name.push(name);
        part_name.push(".part");
        let part = path.with_file_name(part_name);
        let file = tokio::fs::File::create(&part)
            .await
            .map_err(|e| file_error(path, e))?;
        Ok(PartFile {
            path: path.to_owned(),
            part,
            file: Some(file),
        })
    }

    fn file(&mut self) -> &mut tokio::fs::File {
        self.file
            .as_mut()
            .expect("the file is open until kept or dropped")
    }

    /// Flushes the file to disk and gives it its own name.
    async fn keep(mut self) -> Result<(), CliError> {
        if let Some(file) = self.file.take() {
            file.sync_all()
                .await
                .map_err(|e| file_error(&self.part, e))?;
        }
        tokio::fs::rename(&self.part, &self.path)
            .await
            .map_err(|e| file_error(&self.path, e))?;
        // Kept: nothing is left to remove.
        self.part = PathBuf::new();
        Ok(())
    }
}

impl Drop for PartFile {
    fn drop(&mut self) {
        // Closed first: some systems do not remove an open file.
        drop(self.file.take());
        if !self.part.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.part);
        }
    }
}

/// Runs `call` once per tenant of the organization, `--concurrency` at a time (the runtime's
/// fan-out); every tenant's failure is reported at the end, and the exit code is the first
/// failure's. A download writes one file per tenant into `--output-dir` (created when
/// missing); a tenant whose file exists is skipped, unless `--force`, so a rerun after a
/// failure downloads only what is missing.
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
    let force = flag(m, "force");
    if let Some(dir) = out_dir.as_ref().filter(|_| op.raw_answer()) {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| file_error(dir, e))?;
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
    let results: Vec<(Tenant, Result<Done, CliError>)> =
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
                    // Only a complete file has its own name (see `PartFile`).
                    Some(file) if !force && is_file(&file).await => {
                        Ok(Done::Kept(json!(file.display().to_string())))
                    }
                    Some(file) => download(ctx, target, &call, Some(&file))
                        .await
                        .map(|()| Done::Answer(Some(json!(file.display().to_string())))),
                    None => match send(ctx, target, &call).await {
                        Ok(response) => json_answer(response).await.map(Done::Answer),
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
    let mut kept = 0;
    for ((id, name), result) in results {
        match result {
            Ok(Done::Answer(answer)) => {
                printed.push(json!({"tenantId": id, "displayName": name, "result": answer}))
            }
            Ok(Done::Kept(file)) => {
                kept += 1;
                printed.push(json!({
                    "tenantId": id, "displayName": name, "result": file, "skipped": true,
                }))
            }
            Err(error) => failures.push((id, name, error)),
        }
    }
    printed.sort_by(|a, b| a["tenantId"].as_str().cmp(&b["tenantId"].as_str()));
    ctx.printer.print(Value::Array(printed))?;
    if kept > 0 && !ctx.quiet {
        eprintln!(
            "cpn: skipped {kept} of {total} tenants: their files exist (--force downloads them \
             again)"
        );
    }
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

/// What became of one tenant's call.
enum Done {
    /// Its answer (for a download, the file written).
    Answer(Option<Value>),
    /// Its file exists already, and was kept without a call (no `--force`).
    Kept(Value),
}

async fn is_file(path: &Path) -> bool {
    tokio::fs::metadata(path).await.is_ok_and(|m| m.is_file())
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
