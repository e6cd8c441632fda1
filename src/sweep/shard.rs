//! Shards (docs/scale-out.md): which part of the run list one process takes.
//! Stateless, like cargo-nextest's partitions: every shard computes the same
//! run list and keeps its share — by run index (`K/N`, round-robin), or by
//! run key (`hash:K/N`), which keeps a run in its shard when the sweep grows.

use std::fmt;

/// A shard the user named that cannot be: bad input (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("unknown shard strategy '{0}' (expected round-robin or hash)")]
    UnknownStrategy(String),
    #[error("the shard count must be at least 1")]
    NoShards,
    #[error("shard {k}/{n} is out of range (shards are numbered 1 to {n})")]
    OutOfRange { k: usize, n: usize },
    #[error("'{0}' is not a shard: expected K/N or hash:K/N, e.g. 2/4")]
    NotAShard(String),
    #[error("{name}={value:?} is not a non-negative integer")]
    NotAnIndex { name: &'static str, value: String },
    #[error("{0} is not set")]
    Unset(&'static str),
    #[error(
        "SLURM_ARRAY_TASK_ID={id} is not in MIN..MIN+COUNT ({min}..{end}): the array is not \
         contiguous; pass --shards N and use task ids 0..N-1"
    )]
    NotContiguous { id: usize, min: usize, end: usize },
    #[error("JOB_COMPLETION_INDEX is set: pass --shards N (the Job's completions)")]
    CompletionsUnknown,
    #[error("--shard-from-env: none of {ENV_SOURCES} is set (use --shard K/N outside a launcher)")]
    NoLauncher,
    #[error(
        "task index {index} ({from}) is out of range for {n} shards (indices are 0 to {last})",
        last = n.saturating_sub(1)
    )]
    IndexOutOfRange {
        index: usize,
        from: String,
        n: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Run `i` belongs to shard `i mod N + 1`.
    RoundRobin,
    /// Run `i` belongs to shard `h mod N + 1`, `h` the run key's 64 bits.
    Hash,
}

impl Strategy {
    pub fn name(self) -> &'static str {
        match self {
            Strategy::RoundRobin => "round-robin",
            Strategy::Hash => "hash",
        }
    }

    pub fn parse(s: &str) -> Result<Strategy, ShardError> {
        match s {
            "round-robin" | "rr" => Ok(Strategy::RoundRobin),
            "hash" => Ok(Strategy::Hash),
            _ => Err(ShardError::UnknownStrategy(s.to_string())),
        }
    }
}

/// Shard `k` of `n` (1-based), under a strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub strategy: Strategy,
    pub k: usize,
    pub n: usize,
}

impl Shard {
    pub fn new(strategy: Strategy, k: usize, n: usize) -> Result<Shard, ShardError> {
        if n == 0 {
            return Err(ShardError::NoShards);
        }
        if k == 0 || k > n {
            return Err(ShardError::OutOfRange { k, n });
        }
        Ok(Shard { strategy, k, n })
    }

    /// `K/N` (round-robin) or `hash:K/N`, as `--shard` takes it.
    pub fn parse(s: &str) -> Result<Shard, ShardError> {
        let (strategy, rest) = match s.split_once(':') {
            Some((name, rest)) => (Strategy::parse(name)?, rest),
            None => (Strategy::RoundRobin, s),
        };
        let bad = || ShardError::NotAShard(s.to_string());
        let (k, n) = rest.split_once('/').ok_or_else(bad)?;
        let k: usize = k.trim().parse().map_err(|_| bad())?;
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        Shard::new(strategy, k, n)
    }

    /// Whether run `index` (with key `run_key`) is this shard's.
    pub fn contains(&self, index: usize, run_key: &str) -> bool {
        self.of(index, run_key) == self.k
    }

    /// The shard (1-based) that run `index` belongs to under this sharding.
    pub fn of(&self, index: usize, run_key: &str) -> usize {
        match self.strategy {
            Strategy::RoundRobin => index % self.n + 1,
            Strategy::Hash => (key_bits(run_key) % self.n as u64) as usize + 1,
        }
    }

    /// `part-K-of-N`: the part files' common stem (both strategies).
    pub fn tag(&self) -> String {
        crate::contract::part_tag(self.k, self.n)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.strategy {
            Strategy::RoundRobin => write!(f, "{}/{}", self.k, self.n),
            Strategy::Hash => write!(f, "hash:{}/{}", self.k, self.n),
        }
    }
}

/// The run key's leading 64 bits (it is a sha256 prefix in hex).
fn key_bits(run_key: &str) -> u64 {
    let hex = &run_key[..run_key.len().min(16)];
    u64::from_str_radix(hex, 16).unwrap_or_else(|_| {
        // Not hex (never for keys this crate makes): hash the text instead.
        u64::from_str_radix(&super::key::sha256_hex(run_key.as_bytes())[..16], 16)
            .expect("sha256 hex")
    })
}

/// The launcher variables `--shard-from-env` reads, in the order it tries them.
pub const ENV_SOURCES: &str = "SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, \
OMPI_COMM_WORLD_RANK, PMI_RANK";

/// The shard a job-array task, indexed-job pod or MPI rank is: from its
/// launcher's variables (`env` looks one up), with the count from `shards`
/// where given. Returns the shard and the variables it came from.
///
/// * Slurm: without `shards`, task `SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN`
///   of `SLURM_ARRAY_TASK_COUNT`; with `shards`, the task id itself is the
///   0-based index (so `sbatch --array=1,3` resubmits shards 2 and 4).
/// * Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX` of `shards` (required).
/// * Open MPI `OMPI_COMM_WORLD_RANK` of `OMPI_COMM_WORLD_SIZE`; MPICH, Intel
///   MPI and srun's PMI `PMI_RANK` of `PMI_SIZE` (or of `shards`).
pub fn from_env(
    env: &dyn Fn(&str) -> Option<String>,
    strategy: Strategy,
    shards: Option<usize>,
) -> Result<(Shard, String), ShardError> {
    let num = |name: &'static str| -> Result<Option<usize>, ShardError> {
        match env(name) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| ShardError::NotAnIndex { name, value: v }),
        }
    };
    let need = |name: &'static str| -> Result<usize, ShardError> {
        num(name)?.ok_or(ShardError::Unset(name))
    };
    let (index, n, source) = if let Some(id) = num("SLURM_ARRAY_TASK_ID")? {
        match shards {
            Some(n) => (id, n, format!("SLURM_ARRAY_TASK_ID={id}, --shards {n}")),
            None => {
                let min = need("SLURM_ARRAY_TASK_MIN")?;
                let count = need("SLURM_ARRAY_TASK_COUNT")?;
                if id < min || id - min >= count {
                    return Err(ShardError::NotContiguous {
                        id,
                        min,
                        end: min + count,
                    });
                }
                let src = format!(
                    "SLURM_ARRAY_TASK_ID={id}, SLURM_ARRAY_TASK_MIN={min}, SLURM_ARRAY_TASK_COUNT={count}"
                );
                (id - min, count, src)
            }
        }
    } else if let Some(i) = num("JOB_COMPLETION_INDEX")? {
        let n = shards.ok_or(ShardError::CompletionsUnknown)?;
        (i, n, format!("JOB_COMPLETION_INDEX={i}, --shards {n}"))
    } else if let Some((rank, size_var)) = num("OMPI_COMM_WORLD_RANK")?
        .map(|r| (r, "OMPI_COMM_WORLD_SIZE"))
        .or(num("PMI_RANK")?.map(|r| (r, "PMI_SIZE")))
    {
        let rank_var = if size_var == "PMI_SIZE" {
            "PMI_RANK"
        } else {
            "OMPI_COMM_WORLD_RANK"
        };
        match shards {
            Some(n) => (rank, n, format!("{rank_var}={rank}, --shards {n}")),
            None => {
                let size = need(size_var)?;
                (rank, size, format!("{rank_var}={rank}, {size_var}={size}"))
            }
        }
    } else {
        return Err(ShardError::NoLauncher);
    };
    if index >= n {
        return Err(ShardError::IndexOutOfRange {
            index,
            from: source,
            n,
        });
    }
    Ok((Shard::new(strategy, index + 1, n)?, source))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| m.get(k).cloned()
    }

    #[test]
    fn parses_both_forms_and_rejects_nonsense() {
        assert_eq!(
            Shard::parse("2/4").unwrap(),
            Shard::new(Strategy::RoundRobin, 2, 4).unwrap()
        );
        let h = Shard::parse("hash:3/8").unwrap();
        assert_eq!((h.strategy, h.k, h.n), (Strategy::Hash, 3, 8));
        assert_eq!(h.to_string(), "hash:3/8");
        assert_eq!(h.tag(), "part-3-of-8");
        for bad in ["0/4", "5/4", "1/0", "x/4", "2", "md5:1/2", ""] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shards_partition_the_run_list() {
        let keys: Vec<String> = (0..200)
            .map(|i| super::super::key::sha256_hex(format!("{i}").as_bytes())[..16].to_string())
            .collect();
        for strategy in [Strategy::RoundRobin, Strategy::Hash] {
            let n = 4;
            let mut counts = vec![0; n];
            for (i, key) in keys.iter().enumerate() {
                let owners: Vec<usize> = (1..=n)
                    .filter(|&k| Shard::new(strategy, k, n).unwrap().contains(i, key))
                    .collect();
                assert_eq!(owners.len(), 1, "run {i} under {strategy:?}");
                counts[owners[0] - 1] += 1;
            }
            assert!(counts.iter().all(|&c| c > 30), "{strategy:?}: {counts:?}");
        }
        let rr = Shard::new(Strategy::RoundRobin, 2, 4).unwrap();
        assert!(rr.contains(1, "ffff") && rr.contains(5, "0000") && !rr.contains(2, "ffff"));
    }

    #[test]
    fn slurm_array_relative_to_min_or_absolute_with_shards() {
        let e = env(&[
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_MIN", "4"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ]);
        let (s, src) = from_env(&e, Strategy::RoundRobin, None).unwrap();
        assert_eq!((s.k, s.n), (2, 3));
        assert!(src.contains("SLURM_ARRAY_TASK_MIN=4"), "{src}");
        let (s, _) = from_env(&e, Strategy::Hash, Some(8)).unwrap();
        assert_eq!((s.k, s.n, s.strategy), (6, 8, Strategy::Hash));
        let sparse = env(&[
            ("SLURM_ARRAY_TASK_ID", "9"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
        ]);
        let err = from_env(&sparse, Strategy::RoundRobin, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("--shards"), "{err}");
        let err = from_env(&e, Strategy::RoundRobin, Some(4))
            .unwrap_err()
            .to_string();
        assert!(err.contains("out of range"), "{err}");
    }

    #[test]
    fn kubernetes_needs_shards_and_mpi_reads_the_size() {
        let k8s = env(&[("JOB_COMPLETION_INDEX", "0")]);
        assert!(from_env(&k8s, Strategy::RoundRobin, None)
            .unwrap_err()
            .to_string()
            .contains("--shards"));
        let (s, _) = from_env(&k8s, Strategy::RoundRobin, Some(4)).unwrap();
        assert_eq!((s.k, s.n), (1, 4));
        let ompi = env(&[("OMPI_COMM_WORLD_RANK", "3"), ("OMPI_COMM_WORLD_SIZE", "4")]);
        let (s, src) = from_env(&ompi, Strategy::RoundRobin, None).unwrap();
        assert_eq!((s.k, s.n), (4, 4));
        assert_eq!(src, "OMPI_COMM_WORLD_RANK=3, OMPI_COMM_WORLD_SIZE=4");
        let pmi = env(&[("PMI_RANK", "1"), ("PMI_SIZE", "2")]);
        assert_eq!(from_env(&pmi, Strategy::RoundRobin, None).unwrap().0.k, 2);
        assert!(
            from_env(&env(&[("PMI_RANK", "1")]), Strategy::RoundRobin, None)
                .unwrap_err()
                .to_string()
                .contains("PMI_SIZE is not set")
        );
        assert!(from_env(&env(&[]), Strategy::RoundRobin, None)
            .unwrap_err()
            .to_string()
            .contains("none of"));
        assert!(
            from_env(&env(&[("PMI_RANK", "x")]), Strategy::RoundRobin, None)
                .unwrap_err()
                .to_string()
                .contains("not a non-negative integer")
        );
    }
}
