//! Exit codes: a published contract, the same for `swarm` and `swarm-sweep`.
//! `CODES` is the one table; docs/cli.md shows it (a test keeps them equal)
//! and the man page prints it.

pub const SUCCESS: i32 = 0;
pub const RUNTIME_ERROR: i32 = 1;
pub const BAD_INPUT: i32 = 2;
pub const RUNS_FAILED: i32 = 3;
pub const SWEEP_STOPPED: i32 = 4;
pub const REGRESSION: i32 = 5;
/// A panic (a bug): never Rust's 101 (`guard`).
pub const INTERNAL_ERROR: i32 = 70;
pub const INTERRUPTED: i32 = 130;

/// Every exit code and what it means, for every command.
pub const CODES: &[(i32, &str)] = &[
    (
        SUCCESS,
        "success (`swarm run` reports failed success criteria but does not fail on them)",
    ),
    (
        RUNTIME_ERROR,
        "runtime error: an output could not be written (I/O)",
    ),
    (
        BAD_INPUT,
        "bad input: usage error, invalid scenario or sweep spec, unknown parameter or metric, \
         unreadable or malformed results; nothing was run or written",
    ),
    (
        RUNS_FAILED,
        "`swarm-sweep SPEC`: the sweep completed but some runs failed (`status = failed` rows)",
    ),
    (
        SWEEP_STOPPED,
        "`swarm-sweep SPEC --fail-fast`: stopped at a failed run; no tables were written",
    ),
    (
        REGRESSION,
        "`swarm-sweep check`: a regression: a configuration outside tolerance, with more failed \
         runs, missing its success criteria (`--criteria`) or missing from the stored results",
    ),
    (
        INTERNAL_ERROR,
        "internal error: a bug (the message says where; please report it); outputs are \
         written atomically, so none is left half-written",
    ),
    (INTERRUPTED, "interrupted (Ctrl-C)"),
];

/// Run a program's `main`, turning a panic — a bug — into INTERNAL_ERROR,
/// a documented code, instead of Rust's 101 (the panic hook has printed
/// where it happened).
pub fn guard(main: impl FnOnce() -> i32) -> i32 {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(main)) {
        Ok(code) => code,
        Err(_) => {
            eprintln!(
                "Error: internal error (a bug in swarm-sweep; please report it with the command \
                 that caused it)"
            );
            INTERNAL_ERROR
        }
    }
}

/// The table as plain text (for `--help` and the man page).
pub fn table_text() -> String {
    let all: Vec<i32> = CODES.iter().map(|(code, _)| *code).collect();
    codes_text(&all)
}

/// "Exit codes:" and the meaning of each of `codes` from `CODES`, wrapped for
/// a terminal: the one source of every command's exit-code help.
pub fn codes_text(codes: &[i32]) -> String {
    const WIDTH: usize = 78;
    const INDENT: &str = "       ";
    let mut s = String::from("Exit codes:\n");
    for code in codes {
        let meaning = CODES
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, m)| *m)
            .unwrap_or_else(|| panic!("exit code {code} is not in CODES"));
        let mut line = format!("  {code:<3}  ");
        for word in meaning.split_whitespace() {
            if line.len() + 1 + word.len() > WIDTH && line.len() > INDENT.len() {
                s.push_str(line.trim_end());
                s.push('\n');
                line = INDENT.to_string();
            }
            if !line.ends_with(' ') {
                line.push(' ');
            }
            line.push_str(word);
        }
        s.push_str(&line);
        s.push('\n');
    }
    s
}

/// A command's `after_help`: `before` (if any), its exit codes from `CODES`,
/// then `after` (examples).
pub fn after_help(before: &str, codes: &[i32], after: &str) -> String {
    let mut s = String::new();
    if !before.is_empty() {
        s.push_str(before.trim_end());
        s.push_str("\n\n");
    }
    s.push_str(&codes_text(codes));
    if !after.is_empty() {
        s.push('\n');
        s.push_str(after.trim_end());
    }
    s
}

/// An error with the exit code it maps to.
#[derive(Debug)]
pub struct CliError {
    pub code: i32,
    pub error: anyhow::Error,
}

impl CliError {
    pub fn bad_input(error: impl Into<anyhow::Error>) -> CliError {
        CliError {
            code: BAD_INPUT,
            error: error.into(),
        }
    }
    pub fn runtime(error: impl Into<anyhow::Error>) -> CliError {
        CliError {
            code: RUNTIME_ERROR,
            error: error.into(),
        }
    }
}

/// Print `Error: ...` with its causes and return the exit code.
pub fn report(e: &CliError) -> i32 {
    eprintln!("Error: {:#}", e.error);
    e.code
}

/// A subcommand's exit code: success, or its error reported.
pub fn code(result: Result<(), CliError>) -> i32 {
    match result {
        Ok(()) => SUCCESS,
        Err(e) => report(&e),
    }
}

/// Parse `args` as `C`; on failure print clap's message and return the exit
/// code (`--help`/`--version` → success, a usage error → bad input).
pub fn parse_or_exit<C, I>(args: I) -> Result<C, i32>
where
    C: clap::Parser,
    I: IntoIterator<Item = std::ffi::OsString>,
{
    C::try_parse_from(args).map_err(|e| {
        let _ = e.print();
        if e.use_stderr() {
            BAD_INPUT
        } else {
            SUCCESS
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_the_internal_error_code() {
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let code = guard(|| panic!("a bug"));
        std::panic::set_hook(hook);
        assert_eq!(code, INTERNAL_ERROR);
        assert_eq!(guard(|| REGRESSION), REGRESSION);
    }

    #[test]
    fn help_text_comes_from_the_table() {
        let text = codes_text(&[SUCCESS, REGRESSION]);
        assert!(text.starts_with("Exit codes:\n  0    success"), "{text}");
        assert!(
            text.contains("\n  5    `swarm-sweep check`: a regression"),
            "{text}"
        );
        assert!(!text.contains("\n  1 "), "{text}");
        assert!(text.lines().all(|l| l.len() <= 78), "{text}");
        let all = table_text();
        assert_eq!(
            all.lines()
                .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
                .count(),
            CODES.len()
        );
    }

    /// docs/cli.md holds the same table, row for row.
    #[test]
    fn the_documented_table_is_this_one() {
        let doc = include_str!("../../docs/cli.md");
        for (code, meaning) in CODES {
            let row = format!("| {code} | {meaning} |");
            assert!(doc.contains(&row), "docs/cli.md lacks the row\n{row}");
        }
        let rows = doc
            .lines()
            .filter(|l| l.starts_with("| ") && l[2..].starts_with(|c: char| c.is_ascii_digit()))
            .count();
        assert_eq!(rows, CODES.len(), "docs/cli.md has other exit code rows");
    }
}
