//! The command line teaches itself: every subcommand's `--help` ends with worked examples that
//! run as written, and shell completions and manual pages come from the same definitions.

use crate::util::Workdir;

/// The example command lines at the end of `dekking SUBCOMMAND --help`, as argument lists.
fn examples(wd: &Workdir, subcommand: &str) -> Vec<Vec<String>> {
    let help = String::from_utf8(wd.ok(&[subcommand, "--help"]).stdout).unwrap();
    let after = help.split_once("Examples").unwrap_or_else(|| panic!("{subcommand} --help has examples:\n{help}")).1;
    let lines: Vec<Vec<String>> = after
        .lines()
        .filter_map(|l| l.trim().strip_prefix("dekking "))
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .collect();
    assert!(lines.len() >= 2, "{subcommand}: two or more examples");
    lines
}

#[test]
fn every_example_in_the_help_runs_as_written() {
    for subcommand in ["fixed", "mobile", "report"] {
        let wd = Workdir::new();
        for args in examples(&wd, subcommand) {
            let a: Vec<&str> =
                args.iter().map(String::as_str).chain(["-q"].into_iter().filter(|_| args[0] != "demo")).collect();
            wd.ok(&a);
        }
    }
    // The demo's examples make national files: they are parsed (clap reads them up to --help), not run.
    let wd = Workdir::new();
    for args in examples(&wd, "demo") {
        let a: Vec<&str> = args.iter().map(String::as_str).chain(["--help"]).collect();
        wd.ok(&a);
    }
}

#[test]
fn completions_and_manual_pages_come_from_the_definitions() {
    let wd = Workdir::new();
    let text = |args: &[&str]| String::from_utf8(wd.ok(args).stdout).unwrap();
    let bash = text(&["completions", "bash"]);
    assert!(bash.contains("_dekking()") && bash.contains("--threshold") && bash.contains("--grid"), "bash");
    assert!(text(&["completions", "zsh"]).starts_with("#compdef dekking"), "zsh");
    assert!(text(&["completions", "fish"]).contains("complete -c dekking"), "fish");
    let man = text(&["man"]);
    assert!(man.contains(".TH dekking 1") && man.contains("fixed") && man.contains("mobile"), "man");
    let fixed = text(&["man", "fixed"]);
    assert!(
        fixed.contains(".TH dekking-fixed 1") && fixed.contains("\\-\\-threshold") && fixed.contains("Examples"),
        "man fixed"
    );
    let out = wd.run(&["man", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid subcommand `nope`"));
}
