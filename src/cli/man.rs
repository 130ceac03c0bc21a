//! `dekking man [SUBCOMMAND]`: a manual page (roff), generated from the same clap definitions as
//! the command line itself: the command's own page, or one subcommand's.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, CommandFactory};

use crate::cli::Cli;

/// Options of `dekking man`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  dekking man > dekking.1 && man ./dekking.1
  dekking man fixed > dekking-fixed.1")]
pub struct ManArgs {
    /// A subcommand (fixed, mobile, report, demo, …): its own page instead of the command's.
    pub subcommand: Option<String>,
}

/// Writes the manual page to stdout.
///
/// # Errors
/// An unknown subcommand, or stdout that cannot be written.
pub fn run(args: ManArgs) -> anyhow::Result<ExitCode> {
    let command = Cli::command();
    let page = match &args.subcommand {
        None => command,
        Some(name) => {
            let sub = command.find_subcommand(name).with_context(|| {
                let names: Vec<&str> = command.get_subcommands().map(|s| s.get_name()).collect();
                format!("invalid subcommand `{name}`: expected one of {}", names.join(", "))
            })?;
            let full = format!("dekking-{name}");
            sub.clone()
                .name(full.clone())
                .display_name(full)
                .bin_name(format!("dekking {name}"))
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page).render(&mut out)?;
    std::io::stdout().write_all(&out)?;
    Ok(ExitCode::SUCCESS)
}
