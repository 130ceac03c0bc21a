//! The structure ARCHITECTURE.md states, checked on the sources: each stage of the library
//! imports only the stages below it, no two modules import each other (directly or round a
//! cycle), the workspace crates depend only downwards, and the libraries never print.
//!
//! The sources are read as text: comments, string literals and `#[cfg(test)]` modules are blanked,
//! then every `crate::…` and `super::…` path (`use` groups expanded) is resolved to the module
//! that holds it. A parent module naming its own children (declaring, re-exporting or calling
//! them) is not counted as an import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The library's top-level modules, lowest first: a module may import only lower ones.
const LAYERS: [(&str, u8); 11] = [
    ("error", 0),
    ("progress", 0),
    ("model", 1),
    ("io", 2),
    ("assign", 3),
    ("measure", 4),
    ("predict", 4),
    ("judge", 5),
    ("report", 6),
    ("pipeline", 7),
    ("demo", 8),
];

/// The workspace crates, lowest first, with the workspace crates each may depend on.
const CRATES: [(&str, &[&str]); 5] = [
    ("files", &[]),
    ("crs", &[]),
    ("table", &["dekking-files"]),
    ("rows", &["dekking-table"]),
    (".", &["dekking-crs", "dekking-files", "dekking-rows", "dekking-table"]),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The module path of a source file relative to its crate's `src/` (`io/table.rs` → `io::table`,
/// `io/mod.rs` → `io`, `lib.rs` → ``).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts.join("::")
}

/// The code of a file with comments, string and char literals blanked, and without its
/// `#[cfg(test)]` modules (which sit at the end of a file).
fn code_only(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    let b = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'r' if b.get(i + 1).is_some_and(|&c| c == b'"' || c == b'#') && !is_ident(b.get(i.wrapping_sub(1))) => {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
                i += 2 + hashes;
                while i < b.len() && !b[i..].starts_with(&close) {
                    i += 1;
                }
                i += close.len();
                out.extend(b"\"\"");
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                out.extend(b"\"\"");
            }
            b'\'' if b.get(i + 2) == Some(&b'\'') || b.get(i + 1) == Some(&b'\\') => {
                // A char literal (a lifetime has no closing quote two bytes on).
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                out.extend(b"' '");
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_ident(c: Option<&u8>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// The paths a piece of code names from `crate::` or `super::` (a `use` group expanded), each
/// with the number of `super`s before it (`None` for `crate::`) and the depth of inline modules
/// it sits in.
fn paths(code: &str) -> Vec<(Option<usize>, usize, Vec<String>)> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut inline: Vec<usize> = Vec::new(); // brace depths of inline `mod x {` blocks
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        let word_start = i == 0 || !is_ident(b.get(i - 1));
        if b[i] == b'{' {
            depth += 1;
        } else if b[i] == b'}' {
            depth = depth.saturating_sub(1);
            if inline.last() == Some(&depth) {
                inline.pop();
            }
        } else if word_start && b[i..].starts_with(b"mod ") {
            let mut j = i + 4;
            while is_ident(b.get(j)) {
                j += 1;
            }
            while b.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            if b.get(j) == Some(&b'{') {
                inline.push(depth);
            }
        } else if word_start && (b[i..].starts_with(b"crate::") || b[i..].starts_with(b"super::")) {
            let mut supers = 0;
            let mut j = i;
            let from_crate = b[j..].starts_with(b"crate::");
            if from_crate {
                j += "crate::".len();
            }
            while b[j..].starts_with(b"super::") {
                supers += 1;
                j += "super::".len();
            }
            let (tree, end) = use_tree(b, j, Vec::new());
            for p in tree {
                out.push(((!from_crate).then_some(supers), inline.len(), p));
            }
            i = end.max(j);
            continue;
        }
        i += 1;
    }
    out
}

/// The paths of the use tree at `s[i..]` (`a::b::{c, d::{e, f}}`) after `prefix`, and where it ends.
fn use_tree(s: &[u8], mut i: usize, mut prefix: Vec<String>) -> (Vec<Vec<String>>, usize) {
    let skip_space = |i: &mut usize| {
        while s.get(*i).is_some_and(u8::is_ascii_whitespace) {
            *i += 1;
        }
    };
    loop {
        skip_space(&mut i);
        if s.get(i) == Some(&b'{') {
            i += 1;
            let mut out = Vec::new();
            loop {
                skip_space(&mut i);
                match s.get(i) {
                    None => return (out, i),
                    Some(b'}') => return (out, i + 1),
                    Some(b',') => i += 1,
                    Some(_) => {
                        let (sub, end) = use_tree(s, i, prefix.clone());
                        out.extend(sub);
                        i = end.max(i + 1);
                    }
                }
            }
        }
        let start = i;
        while is_ident(s.get(i)) {
            i += 1;
        }
        if i == start {
            return (vec![prefix], i);
        }
        prefix.push(String::from_utf8_lossy(&s[start..i]).into_owned());
        if s[i..].starts_with(b"::") {
            i += 2;
        } else {
            return (vec![prefix], i);
        }
    }
}

/// The modules of a crate and, per module, the modules it imports.
fn imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let files = rust_files(src);
    let modules: BTreeMap<String, PathBuf> = files.iter().map(|f| (module_of(src, f), f.clone())).collect();
    let resolve = |segments: &[String]| -> Option<String> {
        (1..=segments.len()).rev().map(|k| segments[..k].join("::")).find(|m| modules.contains_key(m))
    };
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(file).unwrap();
        let is_dir = file.file_name().is_some_and(|n| n == "mod.rs" || n == "lib.rs" || n == "main.rs");
        let mut here: Vec<String> = module.split("::").filter(|s| !s.is_empty()).map(str::to_string).collect();
        if !is_dir {
            // `super` of a file module is its folder's module.
            here.push(String::new());
        }
        let set = edges.entry(module.clone()).or_default();
        for (supers, inline, path) in paths(&code_only(&text)) {
            let base: Vec<String> = match supers {
                None => Vec::new(),
                Some(n) => {
                    // Supers first climb out of inline modules, then out of the file's module.
                    let up = n.saturating_sub(inline);
                    let mut b = here.clone();
                    if !is_dir {
                        b.pop();
                        if up == 0 {
                            b = module.split("::").filter(|s| !s.is_empty()).map(str::to_string).collect();
                        } else {
                            for _ in 1..up {
                                b.pop();
                            }
                        }
                    } else {
                        for _ in 0..up {
                            b.pop();
                        }
                    }
                    b
                }
            };
            let full: Vec<String> = base.into_iter().chain(path).collect();
            if let Some(target) = resolve(&full) {
                let own = target == *module || (module.is_empty() || target.starts_with(&format!("{module}::")));
                if !own {
                    set.insert(target);
                }
            }
        }
    }
    edges
}

/// The groups of modules that import each other round a cycle.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Tarjan's strongly connected components.
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on.insert(v);
        for w in s.edges.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                group.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                s.found.push(group);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

/// The wrong-way imports of the library: (module, module it imports), the second of a higher stage.
fn upward(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<(String, String)> {
    let layer = |m: &str| LAYERS.iter().find(|(top, _)| m.split("::").next() == Some(*top)).map(|l| l.1);
    let mut bad = Vec::new();
    for (from, targets) in edges {
        let Some(lf) = layer(from) else { continue };
        for to in targets {
            match layer(to) {
                Some(lt) if lt > lf => bad.push((from.clone(), to.clone())),
                None if !to.is_empty() && !from.is_empty() => bad.push((from.clone(), to.clone())),
                _ => {}
            }
        }
    }
    bad
}

#[test]
fn the_library_stages_import_only_downwards() {
    let edges = imports(&root().join("src"));
    let tops: BTreeSet<&str> = edges.keys().filter_map(|m| m.split("::").next()).filter(|t| !t.is_empty()).collect();
    let placed: BTreeSet<&str> = LAYERS.iter().map(|l| l.0).chain(["cli"]).collect();
    assert_eq!(tops, placed, "every top-level module has its place in LAYERS (and in ARCHITECTURE.md)");
    assert_eq!(upward(&edges), Vec::<(String, String)>::new(), "imports that run up the stages");
}

#[test]
fn no_two_modules_import_each_other() {
    let mut found = Vec::new();
    for src in [root().join("src")]
        .into_iter()
        .chain(CRATES.iter().filter(|c| c.0 != ".").map(|c| root().join("crates").join(c.0).join("src")))
    {
        found.extend(cycles(&imports(&src)).into_iter().map(|c| format!("{}: {}", src.display(), c.join(" <-> "))));
    }
    assert!(found.is_empty(), "modules that import each other:\n{}", found.join("\n"));
}

#[test]
fn the_crates_depend_only_downwards() {
    let workspace: BTreeSet<String> =
        CRATES.iter().filter(|c| c.0 != ".").map(|c| format!("dekking-{}", c.0)).collect();
    for (dir, allowed) in CRATES {
        let manifest = std::fs::read_to_string(
            root().join(if dir == "." { String::new() } else { format!("crates/{dir}") }).join("Cargo.toml"),
        )
        .unwrap();
        let deps: BTreeSet<String> = workspace
            .iter()
            .filter(|c| {
                manifest.lines().any(|l| {
                    l.trim_start().starts_with(&format!("{c} ")) || l.trim_start().starts_with(&format!("{c}="))
                })
            })
            .cloned()
            .collect();
        let allowed: BTreeSet<String> = allowed.iter().map(|s| s.to_string()).collect();
        assert!(deps.is_subset(&allowed), "crates/{dir} depends on {deps:?}; it may depend on {allowed:?}");
    }
}

#[test]
fn the_libraries_never_print() {
    let mut found = Vec::new();
    let libs = std::iter::once(root().join("src"))
        .chain(CRATES.iter().filter(|c| c.0 != ".").map(|c| root().join("crates").join(c.0).join("src")));
    for src in libs {
        for file in rust_files(&src) {
            let rel = file.strip_prefix(root()).unwrap().to_string_lossy().into_owned();
            if rel == "src/main.rs" || rel.starts_with("src/cli/") {
                continue;
            }
            let code = code_only(&std::fs::read_to_string(&file).unwrap());
            for mac in ["println!", "eprintln!", "print!", "eprint!", "dbg!"] {
                if code.match_indices(mac).any(|(at, _)| !is_ident(code.as_bytes().get(at.wrapping_sub(1)))) {
                    found.push(format!("{rel}: {mac}"));
                }
            }
        }
    }
    assert!(found.is_empty(), "only main.rs and src/cli print:\n{}", found.join("\n"));
}

/// The checks find what they are for: an upward import, a cycle and a grouped `use`.
#[test]
fn the_checks_see_wrong_imports() {
    let code = code_only("use crate::io::{table::{Table, Want}, addresses};\n// use crate::pipeline::x;\nlet s = \"crate::report\";\nfn f() { super::super::model::Date; }\n#[cfg(test)]\nmod tests { use crate::cli::x; }");
    let got: Vec<(Option<usize>, Vec<String>)> = paths(&code).into_iter().map(|(s, _, p)| (s, p)).collect();
    let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        got,
        vec![
            (None, p(&["io", "table", "Table"])),
            (None, p(&["io", "table", "Want"])),
            (None, p(&["io", "addresses"])),
            (Some(2), p(&["model", "Date"]))
        ]
    );
    let mut edges = BTreeMap::new();
    edges.insert("io::grids".to_string(), BTreeSet::from(["measure::cell_fraction".to_string()]));
    edges.insert("measure::cell_fraction".to_string(), BTreeSet::from(["io::grids".to_string()]));
    assert_eq!(upward(&edges), vec![("io::grids".to_string(), "measure::cell_fraction".to_string())]);
    assert_eq!(cycles(&edges), vec![vec!["io::grids".to_string(), "measure::cell_fraction".to_string()]]);
}
