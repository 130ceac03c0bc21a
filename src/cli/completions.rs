//! `dekking completions SHELL`: shell completions, generated from the same clap definitions as
//! the command line itself (as ripgrep does).

use std::process::ExitCode;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;

/// Options of `dekking completions`.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:
  dekking completions bash > ~/.local/share/bash-completion/completions/dekking
  dekking completions zsh > ~/.zfunc/_dekking
  dekking completions fish > ~/.config/fish/completions/dekking.fish")]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    pub shell: Shell,
}

/// Writes the completion script for the shell to stdout.
///
/// # Errors
/// Never; the `Result` is that of every subcommand.
pub fn run(args: CompletionsArgs) -> anyhow::Result<ExitCode> {
    clap_complete::generate(args.shell, &mut Cli::command(), "dekking", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}
