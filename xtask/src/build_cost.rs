//! `cargo xtask build-cost`: what build-time generation costs a user.
//!
//! Two copies of one packaged client crate (`cphub-core`, from `cargo package`, so exactly
//! what a user downloads) are built clean, in debug, alternately, several rounds in one run:
//! as published (its build.rs runs `vmware-cpn-codegen` on the spec it carries) and with the
//! same generated code written out as source files (no build.rs, no build-dependencies). The
//! ratio of the two times, per round, is the price of generating at build time.
//!
//! Each build writes cargo's `--timings` report; from the last round's pair it prints the
//! compilation units only the generated side builds, with their seconds: where the price
//! goes (progenitor's own dependencies, or ours).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The crate measured: the smallest client that is still a whole client.
const CRATE: &str = "cphub-core";
/// Crates `cargo package` must not pack (dev-only, `publish = false`).
const DEV_ONLY: &[&str] = &["xtask", "vmware-cpn-tests", "vmware-cpn-test-support"];
/// Packaged crates the measured one needs from this workspace.
const LOCAL: &[&str] = &[
    "vmware-cpn-runtime",
    "vmware-cpn-codegen",
    "vmware-cpn-spec",
];

/// Runs the measurement; `rounds` alternations of the two sides.
pub fn run(root: &Path, rounds: usize) -> Result<(), String> {
    let work = root.join("target").join("build-cost");
    let _ = std::fs::remove_dir_all(&work);
    let crates = work.join("crates");
    std::fs::create_dir_all(&crates).map_err(|e| format!("{}: {e}", crates.display()))?;
    package(root, &work)?;
    for name in LOCAL.iter().chain([&CRATE]) {
        unpack(
            &work.join("package").join(format!("{name}-{VERSION}.crate")),
            &crates,
        )?;
    }
    let generated = work.join("generated");
    let written = work.join("written");
    for side in [&generated, &written] {
        copy_dir(&crates.join(format!("{CRATE}-{VERSION}")), side)?;
        let manifest = side.join("Cargo.toml");
        let mut text = read(&manifest)?;
        text.push_str("\n[workspace]\n\n[patch.crates-io]\n");
        for name in LOCAL {
            text.push_str(&format!(
                "{name} = {{ path = \"../crates/{name}-{VERSION}\" }}\n"
            ));
        }
        write(&manifest, &text)?;
    }
    write_out_generated_code(root, &written)?;

    let mut ratios = Vec::with_capacity(rounds);
    let mut units = None;
    println!("round  generated at build time  written out  ratio");
    for round in 1..=rounds {
        // Alternate which side goes first, so a drift in the machine's load hits both.
        let (first, second) = if round % 2 == 1 {
            (&generated, &written)
        } else {
            (&written, &generated)
        };
        let a = clean_build(first)?;
        let b = clean_build(second)?;
        let (with_build_rs, without) = if round % 2 == 1 { (a, b) } else { (b, a) };
        units = Some((timed_units(&generated), timed_units(&written)));
        let ratio = with_build_rs.as_secs_f64() / without.as_secs_f64();
        ratios.push(ratio);
        println!(
            "{round:>5}  {:>22.1}s  {:>10.1}s  {ratio:.2}x",
            with_build_rs.as_secs_f64(),
            without.as_secs_f64()
        );
    }
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    println!(
        "build-cost: {CRATE} clean debug build, generated at build time vs written out: \
         {median:.2}x median (min {:.2}x, max {:.2}x, {rounds} rounds)",
        ratios[0],
        ratios[ratios.len() - 1]
    );
    match units {
        Some((Ok(generated), Ok(written))) => print_extra_units(&generated, &written),
        Some((Err(e), _) | (_, Err(e))) => println!("no breakdown by unit: {e}"),
        None => {}
    }
    Ok(())
}

/// One compilation unit of cargo's timing report: crate, version, target (" build-script",
/// …) and seconds.
#[derive(Debug, serde::Deserialize)]
struct Unit {
    name: String,
    version: String,
    target: String,
    duration: f64,
}

/// The units of a side's last build, from its `--timings` HTML report.
fn timed_units(side: &Path) -> Result<Vec<Unit>, String> {
    let report = side
        .join("target")
        .join("cargo-timings")
        .join("cargo-timing.html");
    unit_data(&read(&report)?).map_err(|e| format!("{}: {e}", report.display()))
}

/// The units cargo embeds in its `--timings` HTML report as `const UNIT_DATA = [...];`: the
/// only stable form of them (`--timings=json` is unstable).
fn unit_data(html: &str) -> Result<Vec<Unit>, String> {
    let data = html
        .split_once("const UNIT_DATA = ")
        .and_then(|(_, rest)| rest.split_once(";\n"))
        .map(|(data, _)| data)
        .ok_or("no UNIT_DATA (cargo's report changed)")?;
    serde_json::from_str(data).map_err(|e| format!("UNIT_DATA: {e}"))
}

/// The units of `generated` that `written` does not build (each of its units matching one),
/// largest first.
fn only_in<'a>(generated: &'a [Unit], written: &[Unit]) -> Vec<&'a Unit> {
    let key = |unit: &Unit| (unit.name.clone(), unit.version.clone(), unit.target.clone());
    let mut in_written: std::collections::HashMap<_, usize> = std::collections::HashMap::new();
    for unit in written {
        *in_written.entry(key(unit)).or_default() += 1;
    }
    let mut extra: Vec<&Unit> = Vec::new();
    for unit in generated {
        match in_written.get_mut(&key(unit)) {
            Some(count) if *count > 0 => *count -= 1,
            _ => extra.push(unit),
        }
    }
    extra.sort_by(|a, b| b.duration.total_cmp(&a.duration));
    extra
}

/// The units only the generated side builds, and what both sides' units add up to (CPU
/// seconds: cargo runs several at once).
fn print_extra_units(generated: &[Unit], written: &[Unit]) {
    let total = |units: &[Unit]| units.iter().map(|u| u.duration).sum::<f64>();
    let extra = only_in(generated, written);
    println!(
        "units of the last round: generated side {:.1}s in {} units, written out {:.1}s in {}; \
         only on the generated side, {:.1}s:",
        total(generated),
        generated.len(),
        total(written),
        written.len(),
        extra.iter().map(|u| u.duration).sum::<f64>()
    );
    for unit in extra {
        println!(
            "  {:>6.2}s  {} {}{}",
            unit.duration, unit.name, unit.version, unit.target
        );
    }
}

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn package(root: &Path, work: &Path) -> Result<(), String> {
    let mut command = cargo();
    command
        .current_dir(root)
        .env("CARGO_TARGET_DIR", work.join("package-target"))
        .args([
            "package",
            "--workspace",
            "--no-verify",
            // What is measured is the working tree, committed or not.
            "--allow-dirty",
            "--locked",
            "--quiet",
        ]);
    for name in DEV_ONLY {
        command.args(["--exclude", name]);
    }
    status(&mut command, "cargo package")?;
    let packaged = work.join("package-target").join("package");
    std::fs::rename(&packaged, work.join("package"))
        .map_err(|e| format!("{}: {e}", packaged.display()))
}

fn unpack(crate_file: &Path, into: &Path) -> Result<(), String> {
    status(
        Command::new("tar")
            .arg("-xzf")
            .arg(crate_file)
            .arg("-C")
            .arg(into),
        "tar",
    )
}

/// The same crate without build-time generation: the generated files go into `src/generated/`
/// and are included from there; build.rs and the build-dependencies go.
fn write_out_generated_code(root: &Path, side: &Path) -> Result<(), String> {
    let generated = vmware_cpn_codegen::generate_in(root, CRATE).map_err(|e| e.to_string())?;
    let stem = CRATE.replace('-', "_");
    let dir = side.join("src").join("generated");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (suffix, code) in [
        ("", &generated.code),
        ("_httpmock", &generated.httpmock),
        ("_examples", &generated.example_tests),
    ] {
        write(&dir.join(format!("{stem}{suffix}.rs")), code)?;
    }
    let lib = side.join("src").join("lib.rs");
    let mut text = read(&lib)?;
    for suffix in ["", "_httpmock", "_examples"] {
        let from = format!("include!(concat!(env!(\"OUT_DIR\"), \"/{stem}{suffix}.rs\"))");
        let to = format!("include!(\"generated/{stem}{suffix}.rs\")");
        if !text.contains(&from) {
            return Err(format!("{} has no `{from}`", lib.display()));
        }
        text = text.replace(&from, &to);
    }
    write(&lib, &text)?;
    std::fs::remove_file(side.join("build.rs")).map_err(|e| format!("build.rs: {e}"))?;
    let manifest = side.join("Cargo.toml");
    let text = read(&manifest)?;
    let mut kept = Vec::new();
    let mut in_build_dependencies = false;
    for line in text.lines() {
        if line.starts_with('[') {
            in_build_dependencies = line.starts_with("[build-dependencies");
        }
        if !in_build_dependencies && !line.starts_with("build = ") {
            kept.push(line);
        }
    }
    write(&manifest, &(kept.join("\n") + "\n"))
}

fn clean_build(side: &Path) -> Result<Duration, String> {
    let target = side.join("target");
    let _ = std::fs::remove_dir_all(&target);
    let started = Instant::now();
    status(
        cargo()
            .current_dir(side)
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("RUSTFLAGS")
            .args(["build", "--quiet", "--timings"]),
        "cargo build",
    )?;
    Ok(started.elapsed())
}

fn status(command: &mut Command, what: &str) -> Result<(), String> {
    match command.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("{what} failed: {status}")),
        Err(e) => Err(format!("{what} could not run: {e}")),
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn copy_dir(from: &Path, to: &PathBuf) -> Result<(), String> {
    status(Command::new("cp").arg("-r").arg(from).arg(to), "cp -r")
}

#[cfg(test)]
mod tests {
    use super::{Unit, only_in, unit_data};

    fn unit(name: &str, target: &str, duration: f64) -> Unit {
        Unit {
            name: name.into(),
            version: "1.0.0".into(),
            target: target.into(),
            duration,
        }
    }

    #[test]
    fn the_units_are_read_from_cargos_timing_report() {
        let html = "<script>\nconst UNIT_DATA = [{\"i\":0,\"name\":\"syn\",\"version\":\"2.0.1\",\
            \"mode\":\"todo\",\"target\":\"\",\"start\":0.5,\"duration\":3.25}];\nconst CONCURRENCY_DATA = [];\n";
        let units = unit_data(html).unwrap();
        assert_eq!(units.len(), 1);
        assert_eq!(
            (
                units[0].name.as_str(),
                units[0].version.as_str(),
                units[0].duration
            ),
            ("syn", "2.0.1", 3.25)
        );
        let error = unit_data("<html>no data</html>").unwrap_err();
        assert!(error.contains("no UNIT_DATA"), "{error}");
    }

    #[test]
    fn only_the_generated_sides_own_units_are_extra_largest_first() {
        let generated = [
            unit("syn", "", 3.0),
            unit("syn", "", 2.0),
            unit("regex", "", 1.5),
            unit("cphub-core", " build-script", 0.5),
            unit("typify-impl", "", 2.5),
        ];
        let written = [unit("syn", "", 3.1), unit("cphub-core", "", 1.0)];
        let extra: Vec<(&str, f64)> = only_in(&generated, &written)
            .iter()
            .map(|u| (u.name.as_str(), u.duration))
            .collect();
        assert_eq!(
            extra,
            [
                ("typify-impl", 2.5),
                ("syn", 2.0),
                ("regex", 1.5),
                ("cphub-core", 0.5)
            ]
        );
    }
}
