//! Every speed claim of the README, measured so that a noisy, shared machine cannot fake it:
//! each benchmark runs its two sides alternately in one process (A B, then B A, …), takes
//! the ratio of each repetition, and reports the median and the range of those ratios.
//!
//! `cargo bench -p vmware-cpn-tests --bench suite` (or `cargo xtask bench`) runs them all,
//! each in a child process of its own (so one's memory is not another's), and prints the
//! table. `-- NAME` runs one: `overhead`, `fan-out`, `csv`, `upload`.
//!
//! Not part of `cargo test`: benches only run when asked; CI compiles them (clippy
//! `--all-targets`).

mod calls;
mod files;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One benchmark's result, as a child prints it on one line.
struct Outcome {
    name: String,
    baseline: String,
    sdk: String,
    ratios: Vec<f64>,
    /// The target and whether the ratio is to stay below (`true`) or above it.
    target: f64,
    at_most: bool,
    notes: String,
}

impl Outcome {
    fn median(&self) -> f64 {
        let mut sorted = self.ratios.clone();
        sorted.sort_by(f64::total_cmp);
        sorted[sorted.len() / 2]
    }

    fn met(&self) -> bool {
        if self.at_most {
            self.median() <= self.target
        } else {
            self.median() >= self.target
        }
    }

    /// One line on stdout, read back by the parent.
    fn emit(&self) {
        let ratios: Vec<String> = self.ratios.iter().map(|r| format!("{r:.4}")).collect();
        println!(
            "RESULT\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            self.name,
            self.baseline,
            self.sdk,
            ratios.join(","),
            self.target,
            self.at_most,
            self.notes
        );
    }

    fn parse(line: &str) -> Option<Outcome> {
        let mut fields = line.strip_prefix("RESULT\t")?.split('\t');
        Some(Outcome {
            name: fields.next()?.to_owned(),
            baseline: fields.next()?.to_owned(),
            sdk: fields.next()?.to_owned(),
            ratios: fields
                .next()?
                .split(',')
                .filter_map(|r| r.parse().ok())
                .collect(),
            target: fields.next()?.parse().ok()?,
            at_most: fields.next()?.parse().ok()?,
            notes: fields.next().unwrap_or_default().to_owned(),
        })
    }
}

/// Runs `baseline` and `sdk` alternately `repetitions` times, A B then B A, and returns
/// each repetition's ratio `sdk time / baseline time` and the median times.
pub(crate) fn alternate<A, B>(
    repetitions: usize,
    mut baseline: A,
    mut sdk: B,
) -> (Vec<f64>, Duration, Duration)
where
    A: FnMut() -> Duration,
    B: FnMut() -> Duration,
{
    let (mut ratios, mut a_times, mut b_times) = (Vec::new(), Vec::new(), Vec::new());
    for repetition in 0..repetitions {
        let (a, b) = if repetition % 2 == 0 {
            let a = baseline();
            (a, sdk())
        } else {
            let b = sdk();
            (baseline(), b)
        };
        ratios.push(b.as_secs_f64() / a.as_secs_f64());
        a_times.push(a);
        b_times.push(b);
    }
    a_times.sort();
    b_times.sort();
    (
        ratios,
        a_times[a_times.len() / 2],
        b_times[b_times.len() / 2],
    )
}

/// Times `work`.
pub(crate) fn timed(work: impl FnOnce()) -> Duration {
    let started = Instant::now();
    work();
    started.elapsed()
}

/// This process's peak resident set (`VmHWM`), in KiB (Linux; 0 elsewhere).
pub(crate) fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmHWM:")
                    .and_then(|rest| rest.trim().trim_end_matches(" kB").parse().ok())
            })
        })
        .unwrap_or(0)
}

const BENCHMARKS: [&str; 4] = ["overhead", "fan-out", "csv", "upload"];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // cargo bench passes `--bench`; the rest names what to run.
    let args: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--bench")
        .collect();
    match args.as_slice() {
        ["--child", name] => run_child(name),
        ["--child", name, rest @ ..] => files::run_helper(name, rest),
        ["--serve-mock", tenants] => calls::serve_mock(tenants.parse().expect("a count")),
        names => {
            let names: Vec<&str> = if names.is_empty() {
                BENCHMARKS.to_vec()
            } else {
                names.to_vec()
            };
            let outcomes: Vec<Outcome> = names.iter().filter_map(|name| spawn(name)).collect();
            print_table(&outcomes);
        }
    }
}

fn run_child(name: &str) {
    let outcome = match name {
        "overhead" => calls::overhead(),
        "fan-out" => calls::fan_out(),
        "csv" => files::csv(),
        "upload" => files::upload(),
        other => panic!("no benchmark {other}; there are {BENCHMARKS:?}"),
    };
    outcome.emit();
}

/// Runs one benchmark in a child process; its progress goes to stderr as it runs.
fn spawn(name: &str) -> Option<Outcome> {
    eprintln!("== {name}");
    let output = Command::new(std::env::current_exe().expect("this binary"))
        .args(["--child", name])
        .stderr(Stdio::inherit())
        .output()
        .expect("the benchmark runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let outcome = stdout.lines().find_map(Outcome::parse);
    if outcome.is_none() {
        eprintln!("{name} failed ({}):\n{stdout}", output.status);
    }
    outcome
}

fn print_table(outcomes: &[Outcome]) {
    println!();
    println!(
        "| benchmark | baseline (median) | SDK (median) | SDK/baseline median [range], n | target | met | notes |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for outcome in outcomes {
        let low = outcome.ratios.iter().copied().fold(f64::MAX, f64::min);
        let high = outcome.ratios.iter().copied().fold(f64::MIN, f64::max);
        println!(
            "| {} | {} | {} | {:.3} [{:.3}–{:.3}], {} | {} {} | {} | {} |",
            outcome.name,
            outcome.baseline,
            outcome.sdk,
            outcome.median(),
            low,
            high,
            outcome.ratios.len(),
            if outcome.at_most { "≤" } else { "≥" },
            outcome.target,
            if outcome.met() { "yes" } else { "NO" },
            outcome.notes,
        );
    }
}
