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

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

/// Counts every allocation of the process, so the call benchmarks can report allocations per
/// call for both sides.
#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// One benchmark's result, as a child prints it on one line.
struct Outcome {
    name: String,
    baseline: String,
    sdk: String,
    ratios: Vec<f64>,
    /// The same ratios of CPU time, when measured (the call benchmarks).
    cpu_ratios: Vec<f64>,
    /// The target and whether the ratio is to stay below (`true`) or above it.
    target: f64,
    at_most: bool,
    notes: String,
}

impl Outcome {
    fn median(&self) -> f64 {
        median(&self.ratios)
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
        let list = |ratios: &[f64]| {
            let ratios: Vec<String> = ratios.iter().map(|r| format!("{r:.4}")).collect();
            ratios.join(",")
        };
        println!(
            "RESULT\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            self.name,
            self.baseline,
            self.sdk,
            list(&self.ratios),
            list(&self.cpu_ratios),
            self.target,
            self.at_most,
            self.notes
        );
    }

    fn parse(line: &str) -> Option<Outcome> {
        let mut fields = line.strip_prefix("RESULT\t")?.split('\t');
        let list = |field: &str| field.split(',').filter_map(|r| r.parse().ok()).collect();
        Some(Outcome {
            name: fields.next()?.to_owned(),
            baseline: fields.next()?.to_owned(),
            sdk: fields.next()?.to_owned(),
            ratios: list(fields.next()?),
            cpu_ratios: list(fields.next()?),
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

fn median(ratios: &[f64]) -> f64 {
    let mut sorted = ratios.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

/// `median [low–high]` of some ratios.
fn spread(ratios: &[f64]) -> String {
    let low = ratios.iter().copied().fold(f64::MAX, f64::min);
    let high = ratios.iter().copied().fold(f64::MIN, f64::max);
    format!("{:.3} [{low:.3}–{high:.3}]", median(ratios))
}

/// Which CPU clock a [`Sample`] reads: the calling thread's (a client on a current-thread
/// runtime, beside a server thread in the same process) or the whole process's.
#[derive(Clone, Copy)]
pub(crate) enum Clock {
    Thread,
    Process,
}

impl Clock {
    #[cfg(unix)]
    fn now(self) -> Duration {
        use rustix::time::{ClockId, clock_gettime};
        let id = match self {
            Clock::Thread => ClockId::ThreadCPUTime,
            Clock::Process => ClockId::ProcessCPUTime,
        };
        let time = clock_gettime(id);
        Duration::new(time.tv_sec as u64, time.tv_nsec as u32)
    }

    #[cfg(not(unix))]
    fn now(self) -> Duration {
        Duration::ZERO
    }
}

/// One run of one side: wall time, CPU time and allocations (of the whole process).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sample {
    pub(crate) wall: Duration,
    pub(crate) cpu: Duration,
    pub(crate) allocations: u64,
}

/// Runs `work`, measuring it.
pub(crate) fn sampled(clock: Clock, work: impl FnOnce()) -> Sample {
    let region = Region::new(GLOBAL);
    let cpu = clock.now();
    let started = Instant::now();
    work();
    let wall = started.elapsed();
    let cpu = clock.now().saturating_sub(cpu);
    Sample {
        wall,
        cpu,
        allocations: region.change().allocations as u64,
    }
}

/// Both sides' results over the repetitions of [`alternate_sampled`].
pub(crate) struct Alternated {
    /// `sdk / baseline` wall time, per repetition.
    pub(crate) ratios: Vec<f64>,
    /// `sdk / baseline` CPU time, per repetition.
    pub(crate) cpu_ratios: Vec<f64>,
    /// Each side's median wall time, median CPU time and median allocations.
    pub(crate) baseline: Sample,
    pub(crate) sdk: Sample,
}

/// As [`alternate`], with CPU time and allocations too.
pub(crate) fn alternate_sampled(
    repetitions: usize,
    mut baseline: impl FnMut() -> Sample,
    mut sdk: impl FnMut() -> Sample,
) -> Alternated {
    let (mut a_samples, mut b_samples) = (Vec::new(), Vec::new());
    for repetition in 0..repetitions {
        if repetition % 2 == 0 {
            a_samples.push(baseline());
            b_samples.push(sdk());
        } else {
            b_samples.push(sdk());
            a_samples.push(baseline());
        }
    }
    let pairs = a_samples.iter().zip(&b_samples);
    let ratio = |of: fn(&Sample) -> Duration| -> Vec<f64> {
        pairs
            .clone()
            .map(|(a, b)| of(b).as_secs_f64() / of(a).as_secs_f64())
            .collect()
    };
    let middle = |samples: &[Sample]| {
        let pick = |of: fn(&Sample) -> u128| {
            let mut values: Vec<u128> = samples.iter().map(of).collect();
            values.sort();
            values[values.len() / 2]
        };
        Sample {
            wall: Duration::from_nanos(pick(|s| s.wall.as_nanos()) as u64),
            cpu: Duration::from_nanos(pick(|s| s.cpu.as_nanos()) as u64),
            allocations: pick(|s| u128::from(s.allocations)) as u64,
        }
    };
    Alternated {
        ratios: ratio(|s| s.wall),
        cpu_ratios: ratio(|s| s.cpu),
        baseline: middle(&a_samples),
        sdk: middle(&b_samples),
    }
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

const BENCHMARKS: [&str; 5] = ["overhead", "fan-out", "fan-out-50k", "csv", "upload"];

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
        "fan-out" => calls::fan_out(5_000, 15),
        "fan-out-50k" => calls::fan_out(50_000, 9),
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
        "| benchmark | baseline (median) | SDK (median) | SDK/baseline median [range], n | CPU SDK/baseline median [range] | target | met | notes |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for outcome in outcomes {
        let cpu = if outcome.cpu_ratios.is_empty() {
            "–".to_owned()
        } else {
            spread(&outcome.cpu_ratios)
        };
        println!(
            "| {} | {} | {} | {}, {} | {} | {} {} | {} | {} |",
            outcome.name,
            outcome.baseline,
            outcome.sdk,
            spread(&outcome.ratios),
            outcome.ratios.len(),
            cpu,
            if outcome.at_most { "≤" } else { "≥" },
            outcome.target,
            if outcome.met() { "yes" } else { "NO" },
            outcome.notes,
        );
    }
}
