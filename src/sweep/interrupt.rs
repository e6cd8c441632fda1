//! Ctrl-C and termination (docs/scale-out.md): the first SIGINT or SIGTERM
//! (Ctrl-C, `scancel`, a pod being deleted) sets a flag; the sweep starts no
//! new run, lets the runs under way finish into the journal and exits 130.
//! The handler is reset on delivery, so a second signal ends the process at
//! once — which loses nothing either, the journal being crash-safe.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

#[cfg(unix)]
extern "C" fn on_signal(_: libc::c_int) {
    // Only an atomic store: async-signal-safe.
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Install the handlers (once per process is enough; again is harmless) and
/// return the flag they set.
pub fn install() -> &'static AtomicBool {
    #[cfg(unix)]
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: a zeroed sigaction is valid; the handler only stores to an
        // atomic; SA_RESETHAND restores the default for a second signal.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_signal as *const () as libc::sighandler_t;
            sa.sa_flags = libc::SA_RESETHAND | libc::SA_RESTART;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
    &INTERRUPTED
}

/// Whether a signal has arrived.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}
