//! Service-class schemes (`--classify`): a TOML file of classes, best first, each a download and
//! upload speed; the technologies whose records count; a condition a record must meet to count
//! (a column and its values); and the class of a location that reaches none. The US BEAD scheme
//! is built in as `bead-us` (`seeds/classes/bead_us.toml`, with its sources).

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::classes::ClassScheme;

/// The built-in BEAD scheme.
pub const BEAD_US: &str = include_str!("../../seeds/classes/bead_us.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: String,
    title: Option<String>,
    source: Option<String>,
    #[serde(default)]
    technologies: Vec<String>,
    condition: Option<Condition>,
    otherwise: String,
    #[serde(default)]
    class: Vec<Class>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Condition {
    column: String,
    values: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Class {
    name: String,
    down_mbps: f64,
    #[serde(default)]
    up_mbps: f64,
}

/// The scheme named `bead-us` (built in) or in the file at `given`.
///
/// # Errors
/// [`Error::Io`] for an unreadable file; [`Error::Table`] naming the file and the key for a
/// scheme that does not parse, has no class, a speed below zero, classes not ordered best first,
/// or a name twice.
pub fn load(given: &str) -> Result<ClassScheme> {
    let (path, text) = if given == "bead-us" {
        (Path::new("seeds/classes/bead_us.toml"), BEAD_US.to_string())
    } else {
        let p = Path::new(given);
        (p, std::fs::read_to_string(p).map_err(|e| Error::io(p, e))?)
    };
    parse(path, &text)
}

/// Parses a scheme's text (`path` names it in errors).
///
/// # Errors
/// As [`load`].
pub fn parse(path: &Path, text: &str) -> Result<ClassScheme> {
    let f: File =
        toml::from_str(text).map_err(|e| Error::table(path, format!("not a class scheme: {}", e.message())))?;
    let bad = |what: String| Err(Error::table(path, what));
    if f.class.is_empty() {
        return bad("no [[class]]: give the classes, best first".into());
    }
    for (k, c) in f.class.iter().enumerate() {
        if !(c.down_mbps >= 0.0 && c.up_mbps >= 0.0) {
            return bad(format!("class[{k}] ({}): speeds must be 0 or more", c.name));
        }
        if let Some(next) = f.class.get(k + 1) {
            if next.down_mbps > c.down_mbps || next.up_mbps > c.up_mbps {
                return bad(format!(
                    "class[{}] ({}) is faster than class[{k}] ({}): list the classes best first",
                    k + 1,
                    next.name,
                    c.name
                ));
            }
        }
    }
    let mut names: Vec<&str> = f.class.iter().map(|c| c.name.as_str()).chain([f.otherwise.as_str()]).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1] || w[0].is_empty()) {
        return bad(format!("class name {:?} is empty or used twice (with `otherwise`)", w[0]));
    }
    Ok(ClassScheme {
        title: f.title.unwrap_or_else(|| f.name.clone()),
        name: f.name,
        source: f.source.unwrap_or_default(),
        technologies: f.technologies,
        condition: f.condition.map(|c| (c.column, c.values)),
        classes: f.class.into_iter().map(|c| (c.name, c.down_mbps, c.up_mbps)).collect(),
        otherwise: f.otherwise,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bead_scheme_and_bad_schemes() {
        let s = load("bead-us").unwrap();
        assert_eq!(s.columns(), ["unserved", "underserved", "served"]);
        assert_eq!(s.technologies, ["10", "40", "50", "71", "72"]);
        assert_eq!(s.condition, Some(("low_latency".to_string(), vec!["1".to_string()])));
        let t = s.thresholds();
        assert_eq!((t[0].down_mbps, t[0].up_mbps, t[1].down_mbps, t[1].up_mbps), (100.0, 20.0, 25.0, 3.0));
        let p = Path::new("s.toml");
        let head = "name = \"x\"\notherwise = \"none\"\n";
        let worse_first =
            format!("{head}[[class]]\nname = \"a\"\ndown_mbps = 25\n[[class]]\nname = \"b\"\ndown_mbps = 100\n");
        assert!(parse(p, &worse_first).unwrap_err().to_string().contains("best first"));
        let twice = format!("{head}[[class]]\nname = \"none\"\ndown_mbps = 25\n");
        assert!(parse(p, &twice).unwrap_err().to_string().contains("used twice"));
        assert!(parse(p, head).unwrap_err().to_string().contains("no [[class]]"));
        assert!(parse(p, &format!("{head}colour = 1\n")).unwrap_err().to_string().contains("not a class scheme"));
    }
}
