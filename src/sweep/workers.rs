//! The process's worker threads: one rayon pool per thread count, kept for
//! the life of the process, so a sweep's analysis runs on the threads that
//! ran the sweep (issue 16). Memory a thread freed stays in that thread's
//! allocator heap; a fresh pool's threads would fault in new pages instead.

use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use rayon::ThreadPool;

/// The pool of `threads` workers (at least one), built on first use.
pub fn pool(threads: usize) -> Result<Arc<ThreadPool>> {
    static POOLS: Mutex<Vec<(usize, Arc<ThreadPool>)>> = Mutex::new(Vec::new());
    let threads = threads.max(1);
    let mut pools = POOLS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, p)) = pools.iter().find(|(n, _)| *n == threads) {
        return Ok(Arc::clone(p));
    }
    let p = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("worker-{i}"))
            .build()
            .context("cannot start worker threads")?,
    );
    pools.push((threads, Arc::clone(&p)));
    Ok(p)
}
