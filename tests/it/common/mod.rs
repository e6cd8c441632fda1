//! Helpers the integration tests share: the binaries as commands, the
//! repository's inputs, Parquet tables read back, and two fixtures (a
//! synthetic results folder, the loaders' fuzz harness).

pub mod fixture;
pub mod fuzz_harness;

mod commands;
mod files;
mod tables;

pub use commands::*;
pub use files::*;
pub use tables::*;
