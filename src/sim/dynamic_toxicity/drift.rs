//! Proxy calibration drift: every epoch with interactions adds its toxicity
//! to a running total, and the proxy's sigmoid sharpness becomes
//! `k0 · max(k_floor / k0, 1 − alpha · total)` (k0 = 2), flattening every
//! later soft label toward 0.5. No draws.

use super::{py_max, EpochEnd};
use crate::scenario::coerce::Rule;
use crate::scenario::schema::{modelled, Field};
use crate::sim::events::Event;
use crate::sim::observables::SIGMOID_K;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Drift rate: how much each unit of cumulative toxicity takes off.
    pub alpha: f64,
    /// The lowest k.
    pub k_floor: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            alpha: 0.5,
            k_floor: 0.5,
        }
    }
}

/// The reference validates none of these; every number is reproduced.
pub(crate) static FIELDS: &[Field<Config>] = &[
    modelled!(alpha, Float, Rule::Any),
    modelled!(k_floor, Float, Rule::Any),
];

#[derive(Debug, Clone)]
pub(crate) struct Drift {
    alpha: f64,
    k_floor: f64,
    /// k when the mode was built (the proxy's, always 2).
    k_initial: f64,
    cumulative: f64,
}

impl Drift {
    pub fn new(cfg: &Config) -> Drift {
        Drift {
            alpha: cfg.alpha,
            k_floor: cfg.k_floor,
            k_initial: SIGMOID_K,
            cumulative: 0.0,
        }
    }

    /// The next k after an epoch of toxicity `tox`.
    fn next_k(&mut self, tox: f64) -> f64 {
        self.cumulative += tox;
        let decay = py_max(
            self.k_floor / self.k_initial,
            1.0 - self.alpha * self.cumulative,
        );
        self.k_initial * decay
    }

    pub fn on_epoch_end(&mut self, ctx: &mut EpochEnd) {
        // An epoch without interactions counts for nothing; one whose
        // interactions were all rejected counts with toxicity 0.
        if ctx.interactions.epoch_is_empty() {
            return;
        }
        let new = self.next_k(ctx.toxicity);
        let old = std::mem::replace(ctx.sigmoid_k, new);
        if let Some(sink) = ctx.sink.as_deref_mut() {
            sink.event(&Event::ProxyDrift {
                epoch: ctx.epoch,
                epoch_toxicity: ctx.toxicity,
                cumulative_toxicity: self.cumulative,
                sigmoid_k_old: old,
                sigmoid_k_new: new,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::observables::soft_label;

    #[test]
    fn k_sequence_of_the_combined_file() {
        // dynamic_toxicity_combined.yaml, seed 1 (alpha 0.3, k_floor 0.5):
        // each epoch's toxicity and the k after its end, from the reference.
        let mut d = Drift::new(&Config {
            alpha: 0.3,
            k_floor: 0.5,
        });
        let epochs = [
            (0.2854597658691419, 1.8287241404785148),
            (0.3351011176041068, 1.6276634699160508),
            (0.33596349385258467, 1.4260853736044998),
            (0.3802752185041573, 1.1979202425020055),
            (0.3488418160919717, 0.9886151528468226),
            (0.3858786069969973, 0.7570879886486241),
            (0.4266341179335684, 0.5011075178884832),
            (0.46038040311737116, 0.5),
        ];
        for (tox, k) in epochs {
            assert_eq!(d.next_k(tox), k);
        }
        assert_eq!(d.cumulative, {
            let mut c = 0.0;
            for (tox, _) in epochs {
                c += tox;
            }
            c
        });
        // At the floor k stays 0.5 while the total keeps growing.
        assert_eq!(d.next_k(0.4), 0.5);
    }

    #[test]
    fn drifted_k_changes_only_p() {
        // Interaction #9 of the combined file (epoch 1): the same v_hat at
        // k = 2 (the run without the section) and at the drifted k.
        let v_hat = 0.25213987586207415;
        assert_eq!(soft_label(v_hat, 2.0), 0.6234645603738737);
        assert_eq!(soft_label(v_hat, 1.8287241404785148), 0.6132737371164996);
    }
}
