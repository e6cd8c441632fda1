//! Seeded CPython streams of recent seeds, kept per thread.
//!
//! A run with seed S seeds `Random(S)`, `Random(S + 1)`, …, `Random(S + n)`
//! (orchestrator, then one stream per agent), so the runs of consecutive
//! seeds share all but one stream, and a sweep seeds the same seeds again
//! for every configuration of its grid. Seeding is a pure function of the
//! seed, so a copy of a state seeded before is the same state, bit for bit:
//! results cannot change, only the time spent seeding.
//!
//! A miss is seeded together with the seeds that follow it, filling the
//! vector lanes `PyRandom::new_many` seeds side by side at no extra cost,
//! so a sweep over consecutive seeds seeds about one stream in eight.
//! Each thread keeps at most `CAPACITY` states (5 KiB each), oldest
//! replaced first, or as many as one run of a scenario with spawned
//! children seeds ([`reserve`]); no lock, and the same answer on any
//! thread. The states
//! are kept primed (their first 624 outputs generated): a run that copies
//! one starts drawing without the twist a fresh state needs first.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use super::PyRandom;
use rustc_hash::FxBuildHasher as FxBuild;

/// States kept per thread (320 KiB), unless a run asks for more.
const CAPACITY: usize = 64;

/// The most states a thread keeps however many a run asks for (5 MiB).
const MAX_CAPACITY: usize = 1024;

/// Seeds seeded per miss: the width of one vector of streams.
const BATCH: usize = 8;

static ENABLED: AtomicBool = AtomicBool::new(true);

/// Turn the cache off (or on) for every thread: `swarm bench
/// --no-seed-cache` times runs that seed every stream afresh.
pub fn set_enabled(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

thread_local! {
    static CACHE: RefCell<SeedCache> = RefCell::new(SeedCache::new());
}

/// Keep at least `n` states on this thread (at most [`MAX_CAPACITY`]): a
/// run that seeds a stream per spawned child (`Random(S + c)` for c = 1,
/// 2, …) shares all but a few of them with the run of seed S + 1, which
/// the default capacity would have evicted by then.
pub fn reserve(n: usize) {
    CACHE.with_borrow_mut(|cache| cache.capacity = cache.capacity.max(n.min(MAX_CAPACITY)));
}

/// `[Random(s) for s in seeds]`, from this thread's cache where it can.
pub fn seeded(seeds: &[i128]) -> Vec<PyRandom> {
    if !ENABLED.load(Ordering::Relaxed) {
        return PyRandom::new_many(seeds);
    }
    CACHE.with_borrow_mut(|cache| cache.seeded(seeds))
}

struct SeedCache {
    seeds: Vec<i128>,
    states: Vec<PyRandom>,
    /// Each kept seed's slot.
    slots: HashMap<i128, usize, FxBuild>,
    /// The slot replaced next once full.
    oldest: usize,
    capacity: usize,
}

impl SeedCache {
    fn new() -> SeedCache {
        SeedCache {
            seeds: Vec::new(),
            states: Vec::new(),
            slots: HashMap::default(),
            oldest: 0,
            capacity: CAPACITY,
        }
    }

    fn find(&self, seed: i128) -> Option<usize> {
        self.slots.get(&seed).copied()
    }

    fn seeded(&mut self, seeds: &[i128]) -> Vec<PyRandom> {
        // Each seed's kept slot, looked up once.
        let slots: Vec<Option<usize>> = seeds.iter().map(|&s| self.find(s)).collect();
        let mut batch: Vec<i128> = Vec::new();
        for (&s, slot) in seeds.iter().zip(&slots) {
            if slot.is_none() && !batch.contains(&s) {
                batch.push(s);
            }
        }
        if !batch.is_empty() {
            // Fill the last vector with the seeds after the newest miss.
            let mut next = batch.iter().copied().max().unwrap_or(0);
            while !batch.len().is_multiple_of(BATCH) {
                next += 1;
                if self.find(next).is_none() && !batch.contains(&next) {
                    batch.push(next);
                }
            }
        }
        // Nothing is seeded when every seed is kept (an empty batch).
        let mut fresh = PyRandom::new_many(&batch);
        // Each state's first twist is done once here, not once per run
        // that copies it (most streams draw in every run).
        fresh.iter_mut().for_each(PyRandom::prime);
        // Copy every state once, straight into the output, before
        // inserting evicts any.
        let out = seeds
            .iter()
            .zip(&slots)
            .map(|(&s, slot)| match slot {
                Some(k) => self.states[*k].clone(),
                None => {
                    let i = batch.iter().position(|&b| b == s);
                    fresh[i.expect("a seed not kept is in the batch")].clone()
                }
            })
            .collect();
        // Keep the newest `capacity` of the batch.
        let skip = batch.len().saturating_sub(self.capacity);
        for (s, state) in batch.into_iter().zip(fresh).skip(skip) {
            self.insert(s, state);
        }
        out
    }

    fn insert(&mut self, seed: i128, state: PyRandom) {
        if self.seeds.len() < self.capacity {
            // Room for all of them at once: growing moved every kept
            // state (5 KiB each) at each doubling.
            self.states.reserve(self.capacity - self.seeds.len());
            self.slots.insert(seed, self.seeds.len());
            self.seeds.push(seed);
            self.states.push(state);
            return;
        }
        let slot = self.oldest % self.seeds.len();
        self.slots.remove(&self.seeds[slot]);
        self.slots.insert(seed, slot);
        self.seeds[slot] = seed;
        self.states[slot] = state;
        self.oldest = (slot + 1) % self.seeds.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_fresh(got: &[PyRandom], seeds: &[i128]) {
        assert_eq!(got.len(), seeds.len());
        for (g, &s) in got.iter().zip(seeds) {
            assert_eq!(g.clone().random(), PyRandom::new(s).random(), "seed {s}");
            let (mut a, mut b) = (g.clone(), PyRandom::new(s));
            for _ in 0..700 {
                assert_eq!(a.next_u32(), b.next_u32(), "seed {s}");
            }
        }
    }

    #[test]
    fn cached_states_are_the_fresh_states() {
        let mut cache = SeedCache::new();
        // Consecutive runs, repeats, a jump, negative and wide seeds, and
        // more distinct seeds than the cache holds.
        let mut calls: Vec<Vec<i128>> = (0..12).map(|s| (s..s + 6).collect()).collect();
        calls.push(vec![3, 3, 4]);
        calls.push(vec![-5, 1 << 40, (1 << 40) + 1, 7]);
        calls.push((1000..1000 + CAPACITY as i128 + 3).collect());
        calls.push((0..6).collect());
        for seeds in &calls {
            assert_fresh(&cache.seeded(seeds), seeds);
            assert!(cache.seeds.len() <= CAPACITY);
            assert_eq!(cache.seeds.len(), cache.states.len());
        }
    }

    #[test]
    fn a_reserved_cache_keeps_a_spawning_runs_streams() {
        let mut cache = SeedCache::new();
        cache.capacity = 300;
        // Runs of seeds 1 and 2, each seeding 250 children one by one.
        for run in 1..=2 {
            for c in 1..=250 {
                assert_fresh(&cache.seeded(&[run + c]), &[run + c]);
            }
        }
        assert_eq!(cache.seeds.len(), 256, "the second run was all hits");
        let mut cache = SeedCache::new();
        cache.seeded(&(0..CAPACITY as i128).collect::<Vec<_>>());
        cache.capacity = CAPACITY + 8;
        // Past the old capacity, then replacing the oldest again.
        for s in 100..120 {
            assert_fresh(&cache.seeded(&[s]), &[s]);
            assert_eq!(cache.slots.len(), cache.seeds.len());
        }
        assert_eq!(cache.seeds.len(), CAPACITY + 8);
        assert!(cache
            .seeds
            .iter()
            .all(|s| cache.slots[s] < cache.seeds.len()));
    }

    #[test]
    fn a_miss_seeds_the_following_seeds_too() {
        let mut cache = SeedCache::new();
        cache.seeded(&[10, 11, 12, 13, 14, 15]);
        // One batch of eight: 10..=17.
        assert_eq!(cache.seeds.len(), BATCH);
        cache.seeded(&[11, 12, 13, 14, 15, 16]);
        cache.seeded(&[12, 13, 14, 15, 16, 17]);
        assert_eq!(cache.seeds.len(), BATCH, "both later runs were hits");
    }
}
