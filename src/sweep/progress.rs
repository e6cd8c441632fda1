//! Sweep progress on stderr: an indicatif bar (runs/s, ETA) on a terminal,
//! plain periodic lines when stderr is not one (CI logs), nothing with -q.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// How often plain progress lines are printed.
const LINE_EVERY: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Quiet,
    Bar,
    Lines,
}

impl Mode {
    /// A bar on a terminal, lines otherwise, nothing when quiet.
    pub fn detect(quiet: bool) -> Mode {
        if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Lines
        }
    }
}

/// Shared by the worker threads: `inc` after every run.
pub struct Progress {
    total: usize,
    done: AtomicUsize,
    failed: AtomicUsize,
    started: Instant,
    bar: Option<ProgressBar>,
    /// Last time a plain line was printed (None: lines are off).
    last_line: Option<Mutex<Instant>>,
}

impl Progress {
    pub fn new(total: usize, mode: Mode) -> Progress {
        let now = Instant::now();
        let bar = (mode == Mode::Bar).then(|| {
            let style = ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {pos}/{len} runs  {rate}  ETA {eta}  {msg}",
            )
            .expect("valid template")
            .with_key("rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.1} runs/s", s.per_sec());
            })
            .progress_chars("=> ");
            ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr())
                .with_style(style)
        });
        Progress {
            total,
            done: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            started: now,
            bar,
            last_line: (mode == Mode::Lines).then(|| Mutex::new(now)),
        }
    }

    pub fn inc(&self, failed: bool) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let n_failed = if failed {
            self.failed.fetch_add(1, Ordering::Relaxed) + 1
        } else {
            self.failed.load(Ordering::Relaxed)
        };
        if let Some(bar) = &self.bar {
            if failed {
                bar.set_message(format!("{n_failed} failed"));
            }
            bar.inc(1);
        }
        if let Some(last) = &self.last_line {
            let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
            if last.elapsed() >= LINE_EVERY || done == self.total {
                *last = Instant::now();
                eprintln!("{}", self.line(done, n_failed));
            }
        }
    }

    fn line(&self, done: usize, failed: usize) -> String {
        let secs = self.started.elapsed().as_secs_f64();
        let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
        let eta = if rate > 0.0 {
            (self.total - done) as f64 / rate
        } else {
            0.0
        };
        let pct = 100.0 * done as f64 / self.total.max(1) as f64;
        format!(
            "swarm-sweep: {done}/{} runs ({pct:.1}%), {rate:.1} runs/s, ETA {eta:.0}s, {failed} failed",
            self.total
        )
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
