//! Trust erosion: while the mean toxicity of the last `window` epochs is
//! above `exit_threshold`, each honest agent still active exits (is
//! state-frozen for good) with probability `min(1, beta · excess)`, one
//! `random()` each on the mode's own `Random(seed)` stream, in registration
//! order, until only `min_honest` would be left.

use super::{py_min, EpochEnd};
use crate::metrics::PySum;
use crate::rng::PyRandom;
use crate::scenario::coerce::Rule;
use crate::scenario::schema::{modelled, Field};
use crate::scenario::Archetype;
use crate::sim::events::Event;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Exit probability per unit of toxicity above the threshold.
    pub beta: f64,
    /// Rolling toxicity above which agents exit.
    pub exit_threshold: f64,
    /// Epochs in the rolling mean, as the slice `history[-window:]` takes
    /// them: 0 means all, a negative value drops that many from the front.
    pub window: i64,
    /// Honest agents that never exit.
    pub min_honest: i64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            beta: 0.3,
            exit_threshold: 0.35,
            window: 3,
            min_honest: 1,
        }
    }
}

/// The reference validates none of these; every number is reproduced.
pub(crate) static FIELDS: &[Field<Config>] = &[
    modelled!(beta, Float, Rule::Any),
    modelled!(exit_threshold, Float, Rule::Any),
    modelled!(window, Int, Rule::Any),
    modelled!(min_honest, Int, Rule::Any),
];

#[derive(Debug, Clone)]
pub(crate) struct Erosion {
    cfg: Config,
    rng: PyRandom,
    /// Toxicity of every epoch that had interactions, oldest first.
    history: Vec<f64>,
    /// Reused per epoch end: the candidates, then who exited.
    candidates: Vec<usize>,
    exited: Vec<usize>,
}

/// `history[-window:]` with Python's slice rules.
fn recent(history: &[f64], window: i64) -> &[f64] {
    let len = history.len();
    let start = match window {
        w if w > 0 => len.saturating_sub(usize::try_from(w).unwrap_or(usize::MAX)),
        0 => 0,
        w => len.min(usize::try_from(w.unsigned_abs()).unwrap_or(usize::MAX)),
    };
    &history[start..]
}

impl Erosion {
    /// `rng` is a fresh `Random(seed)` (the run's seed).
    pub fn new(cfg: &Config, rng: PyRandom) -> Erosion {
        Erosion {
            cfg: cfg.clone(),
            rng,
            history: Vec::new(),
            candidates: Vec::new(),
            exited: Vec::new(),
        }
    }

    /// The rolling toxicity after recording `tox`, if it can be computed
    /// (an empty slice divides by zero in the reference: nothing happens).
    fn record(&mut self, tox: f64) -> Option<f64> {
        self.history.push(tox);
        let mut sum = PySum::default();
        recent(&self.history, self.cfg.window)
            .iter()
            .for_each(|&x| sum.add(x));
        sum.mean()
    }

    /// Who exits this epoch end, drawing on the mode's stream; `rolling`
    /// is above the threshold. Leaves the exits in `self.exited`.
    fn draw_exits(&mut self, rolling: f64, archetypes: &[Archetype], frozen: &mut [bool]) {
        self.exited.clear();
        let excess = rolling - self.cfg.exit_threshold;
        let exit_prob = py_min(1.0, self.cfg.beta * excess);
        self.candidates.clear();
        self.candidates.extend(
            (0..archetypes.len()).filter(|&i| archetypes[i] == Archetype::Honest && !frozen[i]),
        );
        let max_exits = (self.candidates.len() as i128 - i128::from(self.cfg.min_honest)).max(0);
        for &i in &self.candidates {
            // Checked before the draw: no draw once enough have exited.
            if self.exited.len() as i128 >= max_exits {
                break;
            }
            if self.rng.random() < exit_prob {
                frozen[i] = true;
                self.exited.push(i);
            }
        }
    }

    /// True when an agent exited.
    pub fn on_epoch_end(&mut self, ctx: &mut EpochEnd) -> bool {
        if ctx.interactions.epoch_is_empty() {
            return false;
        }
        let Some(rolling) = self.record(ctx.toxicity) else {
            return false;
        };
        if rolling <= self.cfg.exit_threshold {
            return false;
        }
        self.draw_exits(rolling, ctx.archetypes, ctx.frozen);
        if self.exited.is_empty() {
            return false;
        }
        if let Some(sink) = ctx.sink.as_deref_mut() {
            let excess = rolling - self.cfg.exit_threshold;
            sink.event(&Event::TrustErosion {
                epoch: ctx.epoch,
                rolling_toxicity: rolling,
                exit_threshold: self.cfg.exit_threshold,
                exit_probability: py_min(1.0, self.cfg.beta * excess),
                agents_exited: &self.exited,
                remaining_honest: self.candidates.len() - self.exited.len(),
            });
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_window_takes_python_slices() {
        let h = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(recent(&h, 3), [2.0, 3.0, 4.0]);
        assert_eq!(recent(&h, 9), h);
        assert_eq!(recent(&h, 0), h);
        assert_eq!(recent(&h, -1), [2.0, 3.0, 4.0]);
        assert!(recent(&h, -4).is_empty());
        assert!(recent(&h, i64::MIN).is_empty());
        assert_eq!(recent(&h, i64::MAX), h);
    }

    /// The aggressive trust-erosion file (beta 0.6, threshold 0.25, window
    /// 2): the reference's draws at the end of epochs 0 and 1, seed 1.
    #[test]
    fn aggressive_file_draws_of_seed1() {
        let cfg = Config {
            beta: 0.6,
            exit_threshold: 0.25,
            window: 2,
            min_honest: 1,
        };
        let mut e = Erosion::new(&cfg, PyRandom::new(1));
        let mut archetypes = vec![Archetype::Honest; 7];
        archetypes.extend([
            Archetype::Opportunistic,
            Archetype::Opportunistic,
            Archetype::Deceptive,
        ]);
        let mut frozen = vec![false; 10];
        // Epoch 0: seven draws, nobody below 0.03856355124965769.
        let rolling = e.record(0.31427258541609615).unwrap();
        assert_eq!(py_min(1.0, 0.6 * (rolling - 0.25)), 0.03856355124965769);
        e.draw_exits(rolling, &archetypes, &mut frozen);
        assert!(e.exited.is_empty());
        // Epoch 1: honest_3 (0.0283…) and honest_7 (0.0021…) exit.
        let rolling = e.record(0.3336306604478201).unwrap();
        assert_eq!(rolling, 0.3239516229319581);
        e.draw_exits(rolling, &archetypes, &mut frozen);
        assert_eq!(e.exited, [2, 6]);
        assert_eq!(e.candidates.len() - e.exited.len(), 5);
        // Fourteen draws so far: the next is the stream's fifteenth.
        let mut fresh = PyRandom::new(1);
        (0..14).for_each(|_| {
            fresh.random();
        });
        assert_eq!(e.rng.random(), fresh.random());
        assert_eq!(fresh.random(), 0.7215400323407826);
    }

    #[test]
    fn no_draw_once_enough_have_exited_or_when_min_honest_is_reached() {
        let cfg = Config {
            beta: 100.0,
            exit_threshold: 0.0,
            window: 1,
            min_honest: 2,
        };
        let archetypes = [Archetype::Honest; 4];
        let mut frozen = [false, true, false, false];
        let mut e = Erosion::new(&cfg, PyRandom::new(1));
        // exit_prob = 1: the first candidate exits, then the cap (3 - 2) stops.
        e.draw_exits(0.5, &archetypes, &mut frozen);
        assert_eq!(e.exited, [0]);
        assert_eq!(frozen, [true, true, false, false]);
        let mut fresh = PyRandom::new(1);
        fresh.random();
        assert_eq!(e.rng.random(), fresh.random(), "exactly one draw");
        // Two left = min_honest: no draw at all.
        e.draw_exits(0.5, &archetypes, &mut frozen);
        assert!(e.exited.is_empty());
    }
}
