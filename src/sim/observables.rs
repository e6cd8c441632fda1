//! Observables, proxy and soft label (docs/model/simulation.md §7): the draws on
//! the orchestrator stream per completed interaction, v_hat, and p = σ(k·v_hat)
//! (k = 2 unless dynamic toxicity's proxy drift moves it).
//! Formulas keep the reference's evaluation order for bit-exact results.

use crate::rng::PyRandom;
use crate::scenario::Archetype;

/// Raw downstream signals of one interaction, already scaled by reputation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observables {
    pub task_progress: f64,
    pub rework_count: i64,
    pub verifier_rejections: i64,
    pub tool_misuse_flags: i64,
    pub engagement: f64,
}

/// Draw the base signals for an initiator of archetype `archetype` and
/// scale them by its live reputation (§7.1). Archetypes without a profile
/// of their own draw the adversarial one (docs/model/quirks.md §2.17).
pub fn generate(
    rng: &mut PyRandom,
    archetype: Archetype,
    reputation: f64,
    accepted: bool,
) -> Observables {
    let (mut tp, rework, rej, misuse, mut eng) = match archetype {
        Archetype::Honest => (
            rng.uniform(0.3, 0.8),
            rng.randint(0, 1),
            0,
            0,
            rng.uniform(0.2, 0.6),
        ),
        Archetype::Opportunistic => (
            rng.uniform(0.1, 0.5),
            rng.randint(0, 2),
            rng.randint(0, 1),
            0,
            rng.uniform(-0.2, 0.3),
        ),
        Archetype::Deceptive => (
            rng.uniform(0.2, 0.6),
            rng.randint(0, 2),
            rng.randint(0, 1),
            0,
            rng.uniform(0.0, 0.4),
        ),
        Archetype::Rlm => (
            rng.uniform(0.2, 0.7),
            rng.randint(0, 2),
            rng.randint(0, 1),
            0,
            rng.uniform(0.0, 0.5),
        ),
        _ => (
            rng.uniform(-0.3, 0.2),
            rng.randint(1, 3),
            rng.randint(1, 2),
            rng.randint(0, 1),
            rng.uniform(-0.5, -0.1),
        ),
    };
    let rep_factor = 0.75 + 0.25 * reputation.clamp(-1.0, 1.0);
    tp *= rep_factor;
    eng *= rep_factor;
    if !accepted && eng > 0.0 {
        eng = 0.0;
    }
    Observables {
        task_progress: tp,
        rework_count: rework,
        verifier_rejections: rej,
        tool_misuse_flags: misuse,
        engagement: eng,
    }
}

fn clamp_unit(x: f64) -> f64 {
    (-1.0f64).max(1.0f64.min(x))
}

/// `2·d^n − 1`, with `d^n` as C `pow` (Python's float ** int).
fn count_signal(count: i64, decay: f64) -> f64 {
    if count == 0 {
        1.0
    } else {
        2.0 * decay.powf(count as f64) - 1.0
    }
}

/// The three count decays of v_hat: rework, verifier rejections, tool misuse.
const DECAYS: [f64; 3] = [0.3, 0.4, 0.5];
/// Counts up to this have their signal precomputed (core agents draw at
/// most 3).
const TABULATED: usize = 4;

/// `count_signal(n, DECAYS[d])` for n < `TABULATED`, computed once by the
/// same `pow`, so the values are the same bits.
static SIGNALS: std::sync::LazyLock<[[f64; TABULATED]; 3]> =
    std::sync::LazyLock::new(|| DECAYS.map(|d| std::array::from_fn(|n| count_signal(n as i64, d))));

fn signal(signals: &[[f64; TABULATED]; 3], which: usize, count: i64) -> f64 {
    match usize::try_from(count) {
        Ok(n) if n < TABULATED => signals[which][n],
        _ => count_signal(count, DECAYS[which]),
    }
}

/// v_hat in [−1, 1] (docs/model/simulation.md §7.2), summed left to right in
/// the reference's term order.
pub fn v_hat(o: &Observables) -> f64 {
    let signals = &*SIGNALS;
    let progress = clamp_unit(o.task_progress);
    let rework = signal(signals, 0, o.rework_count);
    let rejection = signal(signals, 1, o.verifier_rejections);
    let misuse = signal(signals, 2, o.tool_misuse_flags);
    let engagement = clamp_unit(o.engagement);
    let verifier = (rejection + misuse) / 2.0;
    let v = 0.4 * progress + 0.2 * rework + 0.2 * verifier + 0.2 * engagement;
    clamp_unit(v)
}

/// Proxy sharpness at the start of a run; the reference ignores
/// `payoff.sigmoid_k` (docs/model/quirks.md §2.3).
pub const SIGMOID_K: f64 = 2.0;

/// p = 1 / (1 + exp(−k·v_hat)), with `−k·v_hat` as `(−k)·v_hat` (the same
/// double as `−(k·v_hat)`).
#[inline]
pub fn soft_label(v_hat: f64, k: f64) -> f64 {
    1.0 / (1.0 + (-k * v_hat).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_signals_match_reference_roundings() {
        assert_eq!(count_signal(1, 0.4), -0.19999999999999996);
        assert_eq!(count_signal(0, 0.3), 1.0);
        assert_eq!(count_signal(1, 0.5), 0.0);
    }

    #[test]
    fn tabulated_signals_are_the_pow_values() {
        for (which, &d) in DECAYS.iter().enumerate() {
            for n in -1..6 {
                let want = count_signal(n, d);
                assert_eq!(signal(&SIGNALS, which, n).to_bits(), want.to_bits());
            }
        }
    }

    #[test]
    fn first_baseline_interaction_seed1() {
        // docs/model/simulation.md §9.1: the first honest-initiated observables.
        let mut rng = PyRandom::new(1);
        let o = generate(&mut rng, Archetype::Honest, 0.0, true);
        assert_eq!(o.task_progress, 0.3671821220562006 * 0.75);
        assert_eq!(o.rework_count, 0);
        let p = soft_label(v_hat(&o), SIGMOID_K);
        assert!(p > 0.5 && p < 0.9);
    }
}
