//! A progress line for a step that usually takes well under a second (the
//! analysis): nothing at all unless the step is still running after
//! [`QUIET_FOR`]; then, on a terminal, one line redrawn in place ("analysis:
//! comparing 412/1000 configurations, 2.1 s"), and in a log one line per
//! stage. Silent with `-q`.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::sweep::progress::Mode;

/// Say nothing for steps shorter than this.
pub const QUIET_FOR: Duration = Duration::from_secs(1);
const REDRAW: Duration = Duration::from_millis(200);

pub struct StepProgress {
    name: &'static str,
    mode: Mode,
    started: Instant,
    stage: Mutex<&'static str>,
    done: AtomicUsize,
    total: AtomicUsize,
    finished: AtomicBool,
    /// Whether anything was printed (so the end is said too).
    spoke: AtomicBool,
}

impl StepProgress {
    pub fn new(name: &'static str, mode: Mode) -> StepProgress {
        StepProgress {
            name,
            mode,
            started: Instant::now(),
            stage: Mutex::new("starting"),
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
            finished: AtomicBool::new(false),
            spoke: AtomicBool::new(false),
        }
    }

    /// Enter a stage with `total` items (0: no count).
    pub fn stage(&self, stage: &'static str, total: usize) {
        if std::env::var_os("SWARM_STAGE_TIMES").is_some() {
            eprintln!("[{:.3}] {stage}", self.started.elapsed().as_secs_f64());
        }
        *self.stage.lock().unwrap_or_else(|p| p.into_inner()) = stage;
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        if self.mode == Mode::Lines && self.started.elapsed() >= QUIET_FOR {
            self.spoke.store(true, Ordering::Relaxed);
            eprintln!(
                "{}: {stage} ({:.1} s)",
                self.name,
                self.started.elapsed().as_secs_f64()
            );
        }
    }

    /// `done` items of the stage are done.
    pub fn set(&self, done: usize) {
        self.done.store(done, Ordering::Relaxed);
    }

    fn line(&self) -> String {
        let stage = *self.stage.lock().unwrap_or_else(|p| p.into_inner());
        let (done, total) = (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        );
        let count = if total > 0 {
            format!(" {done}/{total}")
        } else {
            String::new()
        };
        format!(
            "{}: {stage}{count}, {:.1} s",
            self.name,
            self.started.elapsed().as_secs_f64()
        )
    }

    /// Run `work` while a watcher thread draws the line (on a terminal).
    pub fn run<T: Send>(&self, work: impl FnOnce() -> T + Send) -> T {
        let out = std::thread::scope(|s| {
            if self.mode == Mode::Bar {
                s.spawn(|| {
                    let mut next = self.started + QUIET_FOR;
                    while !self.finished.load(Ordering::Relaxed) {
                        std::thread::sleep(Duration::from_millis(20));
                        if Instant::now() < next || self.finished.load(Ordering::Relaxed) {
                            continue;
                        }
                        next = Instant::now() + REDRAW;
                        self.spoke.store(true, Ordering::Relaxed);
                        let mut err = std::io::stderr().lock();
                        let _ = write!(err, "\r\x1b[2K{}", self.line());
                        let _ = err.flush();
                    }
                });
            }
            let out = work();
            self.finished.store(true, Ordering::Relaxed);
            if std::env::var_os("SWARM_STAGE_TIMES").is_some() {
                eprintln!("[{:.3}] done", self.started.elapsed().as_secs_f64());
            }
            out
        });
        if self.spoke.load(Ordering::Relaxed) {
            let secs = self.started.elapsed().as_secs_f64();
            match self.mode {
                Mode::Bar => eprintln!("\r\x1b[2K{}: done in {secs:.1} s", self.name),
                Mode::Lines => eprintln!("{}: done in {secs:.1} s", self.name),
                Mode::Quiet => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_step_says_nothing() {
        let p = StepProgress::new("analysis", Mode::Lines);
        let v = p.run(|| {
            p.stage("comparing", 3);
            p.set(2);
            7
        });
        assert_eq!(v, 7);
        assert!(!p.spoke.load(Ordering::Relaxed));
        assert!(p.line().starts_with("analysis: comparing 2/3, "));
    }
}
