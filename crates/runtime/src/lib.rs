//! Shared runtime (placeholder).

pub mod intake;
pub mod send;
pub mod cli;
pub mod config;
pub mod docroot;
pub mod log;
