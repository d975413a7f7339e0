//! The structure rules of the workspace (docs/architecture.md), checked on the sources so they
//! cannot silently regress:
//!
//! 1. no crate's top-level modules import each other in a cycle;
//! 2. the crates depend on each other only along the data flow ([`ALLOWED_DEPS`]), and every
//!    crate under `crates/` has its place in that table;
//! 3. `sohoa-index` pulls no image, PDF or spreadsheet crate (`cargo tree`);
//! 4. no function of `sohoa-ingest` is longer than [`MAX_FN_LINES`] lines;
//! 5. every source file starts with a `//!` comment saying what it is for.
//!
//! Only non-test code counts: files named `tests.rs`, `*_tests.rs` or `test_files.rs`, items
//! marked `#[cfg(test)]` and files marked `#![cfg(test)]` are left out. Sources are read by a
//! small lexer that knows strings (escaped and raw), char literals, lifetimes and comments, so a
//! `{` or `crate::x` inside a string or a comment is never taken for code.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Each crate under `crates/` and the crates of the workspace it may depend on, in the order of
/// the data flow. A new crate must be added here, deliberately.
const ALLOWED_DEPS: &[(&str, &[&str])] = &[
    // The process's memory allocator (the binary's and the benchmarks'): no step of the flow.
    ("alloc", &[]),
    ("archive", &[]),
    ("legacy", &["archive"]),
    ("register", &["archive", "legacy"]),
    ("imaging", &["archive"]),
    ("ocr", &["archive", "imaging"]),
    ("pdfa", &["archive", "imaging", "ocr"]),
    ("bagit", &["archive"]),
    // Archival packages (E-ARK, TT 05/2025) written from bags and read back.
    ("export", &["archive", "bagit"]),
    // The agency's PAdES signature on a bundle (keys, CMS, the incremental update).
    ("sign", &["archive"]),
    // Bags in S3-compatible object storage (staged objects, the commit marker), read through
    // the archive's storage interface.
    ("s3", &["archive"]),
    // Case jobs on PostgreSQL: claimed, leased, retried, parked. Knows nothing of cases.
    ("queue", &["archive"]),
    (
        "ingest",
        &[
            "archive", "legacy", "register", "imaging", "ocr", "pdfa", "bagit", "export", "sign",
        ],
    ),
    // A queued case: ingested into a staging folder, its bag published (folder or S3).
    ("worker", &["archive", "imaging", "ocr", "ingest", "s3"]),
    ("index", &["archive"]),
    ("audit", &["archive", "bagit", "index", "legacy", "sign"]),
    // The browser's door to every step: it starts ingests and audits as jobs, reads bags,
    // the index and the fixity log; nothing depends on it but the binary.
    (
        "web",
        &[
            "archive", "imaging", "ocr", "pdfa", "bagit", "ingest", "index", "audit", "queue",
            "worker",
        ],
    ),
];

/// Packages the index must not pull, matched anywhere in a package name: image codecs, PDF and
/// colour management, spreadsheets.
const NOT_IN_INDEX_SUBSTRINGS: &[&str] = &[
    "image",
    "tiff",
    "png",
    "jpeg",
    "zune",
    "lopdf",
    "lcms2",
    "calamine",
    "xlsxwriter",
];

/// Packages the index must not pull, matched as a whole `-`/`_`-separated part of a name
/// (`fax`, `zip`), or as the whole name (`quick-xml`).
const NOT_IN_INDEX_PARTS: &[&str] = &["fax", "zip"];
const NOT_IN_INDEX_NAMES: &[&str] = &["quick-xml"];

/// The longest a function of `sohoa-ingest` may be, from its `fn` line to its closing brace.
const MAX_FN_LINES: usize = 100;

// ---------------------------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------------------------

#[test]
fn no_module_import_cycles() {
    let root = workspace_root();
    let mut found = Vec::new();
    for (name, dir) in crate_dirs(&root) {
        let src = dir.join("src");
        let mut modules = Vec::new();
        for file in rs_files(&src) {
            let path = module_path(&src, &file);
            let text = if is_test_file(&file) {
                String::new()
            } else {
                read(&file)
            };
            modules.push((path, text));
        }
        let graph = top_level_graph(&modules);
        for cycle in cycles(&graph) {
            found.push(format!("crates/{name}: {}", cycle.join(" -> ")));
        }
    }
    assert!(
        found.is_empty(),
        "top-level modules import each other in a cycle (move the shared part down, or merge):\n  {}",
        found.join("\n  ")
    );
}

#[test]
fn crates_depend_along_the_data_flow() {
    let root = workspace_root();
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED_DEPS.iter().copied().collect();
    let mut problems = Vec::new();
    let dirs = crate_dirs(&root);
    let names: BTreeSet<&str> = dirs.iter().map(|(n, _)| n.as_str()).collect();
    for (name, dir) in &dirs {
        let manifest = read(&dir.join("Cargo.toml"));
        let package = package_name(&manifest);
        if package.as_deref() != Some(format!("sohoa-{name}").as_str()) {
            problems.push(format!(
                "crates/{name}: package is named {package:?}, expected \"sohoa-{name}\""
            ));
        }
        let Some(ok) = allowed.get(name.as_str()) else {
            problems.push(format!(
                "crates/{name} is not in ALLOWED_DEPS of tests/architecture.rs: give it its place in the data flow"
            ));
            continue;
        };
        for dep in workspace_deps(&manifest) {
            if !ok.contains(&dep.as_str()) {
                problems.push(format!(
                    "unexpected edge sohoa-{name} -> sohoa-{dep} (sohoa-{name} may use: {})",
                    if ok.is_empty() {
                        "none of ours".to_string()
                    } else {
                        ok.join(", ")
                    }
                ));
            }
        }
    }
    for (name, _) in ALLOWED_DEPS {
        if !names.contains(name) {
            problems.push(format!(
                "ALLOWED_DEPS lists {name}, but there is no crates/{name}/Cargo.toml"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "the crate graph leaves the data flow:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn the_index_pulls_no_image_pdf_or_spreadsheet_crate() {
    let root = workspace_root();
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "-p",
            "sohoa-index",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(&root)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `cargo tree`: {e}"));
    assert!(
        out.status.success(),
        "`cargo tree -p sohoa-index` failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let packages: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect();
    assert!(
        packages.contains("sohoa-index"),
        "unexpected `cargo tree` output:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let bad: Vec<&String> = packages
        .iter()
        .filter(|p| is_image_pdf_or_spreadsheet(p))
        .collect();
    assert!(
        bad.is_empty(),
        "sohoa-index pulls image, PDF or spreadsheet crates (see `cargo tree -p sohoa-index -i NAME`): {bad:?}"
    );
}

#[test]
fn no_function_in_ingest_is_longer_than_100_lines() {
    let root = workspace_root();
    let src = root.join("crates/ingest/src");
    assert!(src.is_dir(), "{} is missing", src.display());
    let mut long = Vec::new();
    for file in rs_files(&src) {
        if is_test_file(&file) {
            continue;
        }
        for f in long_functions(&read(&file), MAX_FN_LINES) {
            long.push(format!(
                "{}:{} fn {}: {} lines",
                relative(&root, &file),
                f.line,
                f.name,
                f.lines
            ));
        }
    }
    assert!(
        long.is_empty(),
        "functions of sohoa-ingest longer than {MAX_FN_LINES} lines (split them into named steps):\n  {}",
        long.join("\n  ")
    );
}

#[test]
fn every_source_file_says_what_it_is_for() {
    let root = workspace_root();
    let mut files = rs_files(&root.join("src"));
    let mut libs = Vec::new();
    for (_, dir) in crate_dirs(&root) {
        let src = dir.join("src");
        libs.push(src.join("lib.rs"));
        files.extend(rs_files(&src));
    }
    let mut missing = Vec::new();
    for lib in &libs {
        if !lib.is_file() {
            missing.push(format!("{}: no lib.rs", relative(&root, lib)));
        }
    }
    for file in &files {
        if !starts_with_doc_comment(&read(file)) {
            let what = if file.file_name().is_some_and(|n| n == "lib.rs") {
                "lib.rs must begin with a `//!` comment saying the crate's place in the data flow"
            } else {
                "must begin with a short `//!` comment saying what the file is for"
            };
            missing.push(format!("{}: {what}", relative(&root, file)));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// The workspace on disk
// ---------------------------------------------------------------------------------------------

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `(name, folder)` of every crate under `crates/` (a folder with a `Cargo.toml`), sorted.
fn crate_dirs(root: &Path) -> Vec<(String, PathBuf)> {
    let mut dirs: Vec<(String, PathBuf)> = fs::read_dir(root.join("crates"))
        .expect("crates/ is readable")
        .map(|e| e.expect("crates/ entry").path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no crates under crates/");
    dirs
}

/// Every `.rs` file under `dir`, sorted; none if `dir` does not exist.
fn rs_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// A file that holds only tests (`tests.rs`, `*_tests.rs`, `test_files.rs`).
fn is_test_file(path: &Path) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    name == "tests.rs" || name.ends_with("_tests.rs") || name == "test_files.rs"
}

/// The module a file is, as path segments under `src/`: `a/b.rs` -> `[a, b]`, `a/mod.rs` ->
/// `[a]`, `lib.rs` -> `[]` (the crate root).
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("file under src/");
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("lib" | "mod" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The first non-blank line is a `//!` comment with some text.
fn starts_with_doc_comment(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .find(|l| !l.trim().is_empty())
        .and_then(|l| l.trim_start().strip_prefix("//!"))
        .is_some_and(|rest| !rest.trim().is_empty())
}

// ---------------------------------------------------------------------------------------------
// Cargo manifests
// ---------------------------------------------------------------------------------------------

/// `name` of the `[package]` section.
fn package_name(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some((key, value)) = line.split_once('=') {
                if key.trim() == "name" {
                    return Some(unquote(value.trim()).to_string());
                }
            }
        }
    }
    None
}

/// The workspace crates (`sohoa-X`, as `X`) a manifest depends on in `[dependencies]`,
/// `[build-dependencies]` and their `[target.….dependencies]` forms; never dev-dependencies.
/// Renames (`foo = { package = "sohoa-x" }`) and table forms (`[dependencies.sohoa-x]`) count.
fn workspace_deps(manifest: &str) -> BTreeSet<String> {
    enum Section {
        Other,
        /// A dependency table: each key is a dependency.
        Table,
        /// `[dependencies.NAME]`: one dependency, maybe renamed by a `package` key.
        One(String),
    }
    let mut section = Section::Other;
    let mut names = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            let header = line[..=line.rfind(']').unwrap_or(line.len() - 1)]
                .trim_matches(|c| c == '[' || c == ']')
                .trim();
            let parts = split_dotted(header);
            let deps_at = parts
                .iter()
                .rposition(|p| p == "dependencies" || p == "build-dependencies");
            let is_target_or_top = |i: usize| i == 0 || (parts[0] == "target" && i == 2);
            section = match deps_at {
                Some(i) if is_target_or_top(i) && i + 1 == parts.len() => Section::Table,
                Some(i) if is_target_or_top(i) && i + 2 == parts.len() => {
                    let name = parts[i + 1].clone();
                    names.push(name.clone());
                    Section::One(name)
                }
                _ => Section::Other,
            };
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = split_dotted(key.trim());
        match &section {
            Section::Other => {}
            Section::Table => match renamed_package(value) {
                Some(package) => names.push(package),
                None => names.push(key[0].clone()),
            },
            Section::One(name) => {
                if key[0] == "package" {
                    names.retain(|n| n != name);
                    names.push(unquote(value.trim()).to_string());
                }
            }
        }
    }
    names
        .into_iter()
        .filter_map(|n| n.strip_prefix("sohoa-").map(str::to_string))
        .collect()
}

/// `package = "…"` inside an inline table value.
fn renamed_package(value: &str) -> Option<String> {
    let at = value.find("package")?;
    let rest = value[at + "package".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start().strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

/// A dotted TOML key or header split into its parts, quotes removed (`target.'cfg(unix)'.x`).
fn split_dotted(key: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut quote = None;
    for c in key.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '.') => parts.push(String::new()),
            (None, c) if c.is_whitespace() => {}
            _ => parts.last_mut().expect("one part").push(c),
        }
    }
    parts
}

/// The text of a quoted TOML string (`"x" # comment` -> `x`); anything else as it is.
fn unquote(value: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(rest) = value.strip_prefix(q) {
            return rest.split(q).next().unwrap_or(rest);
        }
    }
    value
}

/// A package the index must not pull.
fn is_image_pdf_or_spreadsheet(package: &str) -> bool {
    NOT_IN_INDEX_NAMES.contains(&package)
        || NOT_IN_INDEX_SUBSTRINGS.iter().any(|s| package.contains(s))
        || package
            .split(['-', '_'])
            .any(|part| NOT_IN_INDEX_PARTS.contains(&part))
}

// ---------------------------------------------------------------------------------------------
// A small Rust lexer
// ---------------------------------------------------------------------------------------------

/// A token of Rust code: an identifier or keyword (`r#` removed), a number, `::`, one
/// punctuation character, a lifetime (`'a`), or a literal shown as `""` (strings) or `''`
/// (chars). Comments are dropped. `line` is 1-based.
#[derive(Debug, Clone, PartialEq)]
struct Token {
    text: String,
    line: usize,
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

fn lex(src: &str) -> Vec<Token> {
    let c: Vec<char> = src.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let mut toks = Vec::new();
    let mut line = 1;
    let mut i = 0;
    // Pushes a literal spanning c[from..to], counting the lines it covers.
    let literal = |toks: &mut Vec<Token>, line: &mut usize, text: &str, from: usize, to: usize| {
        toks.push(Token {
            text: text.to_string(),
            line: *line,
        });
        *line += c[from..to.min(c.len())]
            .iter()
            .filter(|&&ch| ch == '\n')
            .count();
    };
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if c[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if let Some(end) = raw_string_end(&c, i) {
            literal(&mut toks, &mut line, "\"\"", i, end);
            i = end;
        } else if ch == '"' || (matches!(ch, 'b' | 'c') && at(i + 1) == '"') {
            let start = i;
            i += if ch == '"' { 1 } else { 2 };
            while i < c.len() && c[i] != '"' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            literal(&mut toks, &mut line, "\"\"", start, i);
        } else if ch == 'b' && at(i + 1) == '\'' {
            let end = char_literal_end(&c, i + 1).unwrap_or(i + 2);
            literal(&mut toks, &mut line, "''", i, end);
            i = end;
        } else if ch == 'r' && at(i + 1) == '#' && is_ident_start(at(i + 2)) {
            // A raw identifier: r#type.
            let start = i + 2;
            i = start;
            while i < c.len() && is_ident_char(c[i]) {
                i += 1;
            }
            toks.push(Token {
                text: c[start..i].iter().collect(),
                line,
            });
        } else if is_ident_char(ch) {
            let start = i;
            while i < c.len() && is_ident_char(c[i]) {
                i += 1;
            }
            toks.push(Token {
                text: c[start..i].iter().collect(),
                line,
            });
        } else if ch == '\'' {
            if let Some(end) = char_literal_end(&c, i) {
                literal(&mut toks, &mut line, "''", i, end);
                i = end;
            } else {
                // A lifetime or a label: 'a, 'static.
                let start = i;
                i += 1;
                while i < c.len() && is_ident_char(c[i]) {
                    i += 1;
                }
                toks.push(Token {
                    text: c[start..i].iter().collect(),
                    line,
                });
            }
        } else if ch == ':' && at(i + 1) == ':' {
            toks.push(Token {
                text: "::".to_string(),
                line,
            });
            i += 2;
        } else {
            toks.push(Token {
                text: ch.to_string(),
                line,
            });
            i += 1;
        }
    }
    toks
}

/// The end (exclusive) of a raw string starting at `i` (`r"…"`, `r#"…"#`, `br"…"`, `cr"…"`).
fn raw_string_end(c: &[char], i: usize) -> Option<usize> {
    // The literal must start a token: `bar"` is not a raw string.
    if i > 0 && is_ident_char(c[i - 1]) {
        return None;
    }
    let mut j = i;
    if matches!(c.get(j), Some('b' | 'c')) {
        j += 1;
    }
    if c.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while c.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    if c.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < c.len() {
        if c[j] == '"' && (1..=hashes).all(|k| c.get(j + k) == Some(&'#')) {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(c.len())
}

/// The end (exclusive) of a char literal whose opening `'` is at `i`, or `None` for a lifetime
/// or label (`'a`, `'static`): `'x'`, `'{'`, `'\''`, `'\\'`, `'\u{7B}'`.
fn char_literal_end(c: &[char], i: usize) -> Option<usize> {
    match c.get(i + 1)? {
        '\\' => {
            let mut j = i + 3;
            while j < c.len() && c[j] != '\'' && c[j] != '\n' {
                j += 1;
            }
            Some(j + 1)
        }
        '\'' => None,
        _ if c.get(i + 2) == Some(&'\'') => Some(i + 3),
        _ => None,
    }
}

/// The index of the token closing the bracket opened at `open` (`(`, `[` or `{`).
fn matching(toks: &[Token], open: usize) -> Option<usize> {
    let (o, cl) = match toks[open].text.as_str() {
        "(" => ("(", ")"),
        "[" => ("[", "]"),
        "{" => ("{", "}"),
        _ => return None,
    };
    let mut depth = 0usize;
    for (j, t) in toks.iter().enumerate().skip(open) {
        if t.text == o {
            depth += 1;
        } else if t.text == cl {
            depth -= 1;
            if depth == 0 {
                return Some(j);
            }
        }
    }
    None
}

fn is(toks: &[Token], i: usize, text: &str) -> bool {
    toks.get(i).is_some_and(|t| t.text == text)
}

fn is_ident(toks: &[Token], i: usize) -> bool {
    toks.get(i)
        .and_then(|t| t.text.chars().next())
        .is_some_and(is_ident_start)
}

/// `#[cfg(test)]` or `#[cfg(all(…, test, …))]` at `i`: the index after its `]`.
fn test_attribute_end(toks: &[Token], i: usize) -> Option<usize> {
    let inner = usize::from(is(toks, i + 1, "!"));
    if !is(toks, i, "#") || !is(toks, i + 1 + inner, "[") {
        return None;
    }
    let open = i + 1 + inner;
    let close = matching(toks, open)?;
    let body: Vec<&str> = toks[open + 1..close]
        .iter()
        .map(|t| t.text.as_str())
        .collect();
    let test_only = body == ["cfg", "(", "test", ")"]
        || (body.starts_with(&["cfg", "(", "all", "("]) && {
            // `test` directly inside all(…), not inside a not(…).
            let mut depth = 0;
            body.iter().any(|t| {
                match *t {
                    "(" => depth += 1,
                    ")" => depth -= 1,
                    _ => {}
                }
                *t == "test" && depth == 2
            })
        });
    test_only.then_some(close + 1)
}

/// The tokens without the items marked `#[cfg(test)]`; none at all for a file marked
/// `#![cfg(test)]`.
fn without_test_items(toks: &[Token]) -> Vec<Token> {
    // Inner attributes come first.
    let mut i = 0;
    while is(toks, i, "#") && is(toks, i + 1, "!") {
        if test_attribute_end(toks, i).is_some() {
            return Vec::new();
        }
        i = matching(toks, i + 2).map_or(toks.len(), |c| c + 1);
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let Some(mut j) = test_attribute_end(toks, i).filter(|_| !is(toks, i + 1, "!")) else {
            out.push(toks[i].clone());
            i += 1;
            continue;
        };
        // Further attributes of the same item.
        while is(toks, j, "#") && is(toks, j + 1, "[") {
            j = matching(toks, j + 1).map_or(toks.len(), |c| c + 1);
        }
        // The item: up to its `;` or the end of its `{ … }` body.
        while j < toks.len() {
            match toks[j].text.as_str() {
                ";" => {
                    j += 1;
                    break;
                }
                "{" => {
                    j = matching(toks, j).map_or(toks.len(), |c| c + 1);
                    break;
                }
                "(" | "[" => j = matching(toks, j).map_or(toks.len(), |c| c + 1),
                "}" => break,
                _ => j += 1,
            }
        }
        i = j;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Module imports
// ---------------------------------------------------------------------------------------------

/// The modules a use tree starting at `i` names first: `a::b` -> `[a]`, `{a, b::c, {d}}` ->
/// `[a, b, d]`, `*` -> `[]`.
fn first_segments(toks: &[Token], i: usize) -> Vec<String> {
    if is(toks, i, "{") {
        let Some(close) = matching(toks, i) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut start = i + 1;
        let mut j = i + 1;
        while j < close {
            match toks[j].text.as_str() {
                "{" | "(" | "[" => j = matching(toks, j).unwrap_or(close),
                "," => {
                    out.extend(first_segments(toks, start));
                    start = j + 1;
                }
                _ => {}
            }
            j += 1;
        }
        if start < close {
            out.extend(first_segments(toks, start));
        }
        out
    } else if is_ident(toks, i) {
        vec![toks[i].text.clone()]
    } else {
        Vec::new()
    }
}

/// The top-level modules one file refers to through `crate::…` and `super::…` paths. `module`
/// is the file's module path; inline `mod x { … }` blocks are followed for `super`. Visibility
/// (`pub(in crate::x)`, `pub(super)`) and `$crate` in macros are not references.
fn referenced_top_modules(
    module: &[String],
    toks: &[Token],
    top_modules: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    let mut add = |names: Vec<String>| {
        for n in names {
            if top_modules.contains(&n) {
                refs.insert(n);
            }
        }
    };
    // Inline modules open at this point: (name, brace depth inside it).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    for i in 0..toks.len() {
        let prev = |k: usize| i.checked_sub(k).map(|p| toks[p].text.as_str());
        match toks[i].text.as_str() {
            "{" => {
                depth += 1;
                if i >= 2 && is(toks, i - 2, "mod") && is_ident(toks, i - 1) {
                    inline.push((toks[i - 1].text.clone(), depth));
                }
            }
            "}" => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            "crate" if is(toks, i + 1, "::") && !matches!(prev(1), Some("$" | "in" | "::")) => {
                add(first_segments(toks, i + 2));
            }
            "super"
                if prev(1) != Some("in")
                    && !(prev(1) == Some("(") && is(toks, i + 1, ")"))
                    && {
                        // The first `super` of a chain (`self::super::x` counts too).
                        prev(1) != Some("::") || prev(2) == Some("self")
                    } =>
            {
                let mut ups = 1;
                let mut j = i + 1;
                while is(toks, j, "::") && is(toks, j + 1, "super") {
                    ups += 1;
                    j += 2;
                }
                let here: Vec<String> = module
                    .iter()
                    .cloned()
                    .chain(inline.iter().map(|(n, _)| n.clone()))
                    .collect();
                let Some(len) = here.len().checked_sub(ups) else {
                    continue;
                };
                if len > 0 {
                    add(vec![here[0].clone()]);
                } else if is(toks, j, "::") {
                    add(first_segments(toks, j + 1));
                }
            }
            _ => {}
        }
    }
    refs
}

/// The graph of a crate's top-level modules (the crate root left out): an edge `a -> b` when a
/// file of `a` refers to `b`. `modules` are `(module path, source)`; sources of test-only files
/// are given empty.
fn top_level_graph(modules: &[(Vec<String>, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let top_modules: BTreeSet<String> = modules
        .iter()
        .filter_map(|(m, _)| m.first().cloned())
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in modules {
        let Some(from) = module.first() else {
            continue;
        };
        let toks = without_test_items(&lex(text));
        for to in referenced_top_modules(module, &toks, &top_modules) {
            if &to != from {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    graph
}

/// The cycles of a graph: for every node on a cycle, the shortest cycle through it, each cycle
/// once, written from its smallest node and back (`[a, b, a]`).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut found = BTreeSet::new();
    for start in graph.keys() {
        // Breadth-first from `start` back to itself.
        let mut parent: BTreeMap<&String, &String> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        let mut closing = None;
        'search: while let Some(node) = queue.pop_front() {
            for next in graph.get(node).into_iter().flatten() {
                if next == start {
                    closing = Some(node);
                    break 'search;
                }
                if !parent.contains_key(next) {
                    parent.insert(next, node);
                    queue.push_back(next);
                }
            }
        }
        let Some(mut node) = closing else {
            continue;
        };
        let mut cycle = vec![node.clone()];
        while node != start {
            node = parent[node];
            cycle.push(node.clone());
        }
        cycle.reverse();
        let smallest = (0..cycle.len()).min_by_key(|&k| &cycle[k]).unwrap_or(0);
        cycle.rotate_left(smallest);
        cycle.push(cycle[0].clone());
        found.insert(cycle);
    }
    found.into_iter().collect()
}

// ---------------------------------------------------------------------------------------------
// Function lengths
// ---------------------------------------------------------------------------------------------

/// A function longer than allowed.
#[derive(Debug, PartialEq)]
struct LongFn {
    name: String,
    /// The line of its `fn`.
    line: usize,
    /// From the `fn` line to the line of its closing brace, both counted.
    lines: usize,
}

/// The functions with a body (not in a `#[cfg(test)]` item) longer than `max` lines.
fn long_functions(src: &str, max: usize) -> Vec<LongFn> {
    let toks = without_test_items(&lex(src));
    let mut out = Vec::new();
    for i in 0..toks.len() {
        if toks[i].text != "fn" || !is_ident(&toks, i + 1) {
            continue;
        }
        // The body starts at the first `{` outside the signature's (…) and […]; a `;` first
        // means a declaration without a body.
        let mut j = i + 2;
        let mut body = None;
        while j < toks.len() {
            match toks[j].text.as_str() {
                "(" | "[" => j = matching(&toks, j).unwrap_or(toks.len()),
                ";" => break,
                "{" => {
                    body = matching(&toks, j);
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        if let Some(close) = body {
            let lines = toks[close].line - toks[i].line + 1;
            if lines > max {
                out.push(LongFn {
                    name: toks[i + 1].text.clone(),
                    line: toks[i].line,
                    lines,
                });
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The checks checked: each finds the violation it is for, on made-up sources
// ---------------------------------------------------------------------------------------------

mod self_check {
    use super::*;

    fn module(path: &str, src: &str) -> (Vec<String>, String) {
        let path = path
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        (path, src.to_string())
    }

    #[test]
    fn the_lexer_is_not_fooled_by_literals_and_comments() {
        let src = r####"
fn f<'a>(x: &'a str) -> char {
    let _ = "{ \" } {}";
    let _ = r#"} "{ "#;
    let _ = br##"}"#}"##;
    let _ = b'{';
    let _ = '\'';
    let _ = '\\';
    let _ = '\u{7B}';
    // }
    /* } /* nested } */ } */
    'outer: loop { break 'outer; }
    '}'
}
"####;
        let toks = lex(src);
        let braces: Vec<&str> = toks
            .iter()
            .map(|t| t.text.as_str())
            .filter(|t| *t == "{" || *t == "}")
            .collect();
        assert_eq!(braces, ["{", "{", "}", "}"], "{toks:?}");
        assert!(toks.iter().any(|t| t.text == "'a"));
        assert!(toks.iter().any(|t| t.text == "'outer"));
        assert_eq!(toks.last().map(|t| t.line), Some(14));
    }

    #[test]
    fn the_function_scan_counts_lines_past_braces_in_literals() {
        let mut body = String::new();
        for k in 0..100 {
            body.push_str(&format!(
                "    println!(\"{{}} {{\", '{{', r#\"}}\"#, {k}); // }}\n"
            ));
        }
        // `long` spans 102 lines: its `fn` line, 100 lines of body, its `}`.
        let src = format!(
            "//! x\npub(crate) async fn long<'a>(x: [u8; 2]) -> &'a str {{\n{body}}}\n\
             fn short() {{ let _ = \"}}\"; }}\n\
             trait T {{ fn declared(&self); }}\n\
             #[cfg(test)]\nmod tests {{\n    fn in_tests() {{\n{body}    }}\n}}\n"
        );
        let long = long_functions(&src, 100);
        assert_eq!(
            long,
            [LongFn {
                name: "long".to_string(),
                line: 2,
                lines: 102
            }]
        );
        assert!(long_functions(&src, 102).is_empty());
    }

    #[test]
    fn the_cycle_finder_sees_grouped_and_relative_imports() {
        let modules = [
            module("", "pub mod a; pub mod b; pub mod c; pub mod d;"),
            // a -> b through a grouped import.
            module("a", "use crate::{c::X, b::{self, Y}};"),
            // b -> a through super from a submodule.
            module("b::inner", "use super::super::a::Z;"),
            module("b", "pub mod inner;"),
            // c refers to d only in a string, a comment, a visibility and a test: no edge.
            module(
                "c",
                "//! c\npub(in crate::d) fn f() { let _ = \"crate::d::x\"; } // crate::d\n\
                 #[cfg(test)]\nmod tests { use crate::d::Q; }\n",
            ),
            // d -> c through super at the top, and a private inline module.
            module(
                "d",
                "mod inner { use super::Q; }\nfn g() { super::c::f(); }",
            ),
        ];
        let graph = top_level_graph(&modules);
        let edges: Vec<String> = graph
            .iter()
            .flat_map(|(a, bs)| bs.iter().map(move |b| format!("{a}->{b}")))
            .collect();
        assert_eq!(edges, ["a->b", "a->c", "b->a", "d->c"]);
        assert_eq!(cycles(&graph), [["a", "b", "a"]]);
        // A longer cycle is found too, written from its smallest module.
        let graph: BTreeMap<String, BTreeSet<String>> = [("x", "y"), ("y", "z"), ("z", "x")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), BTreeSet::from([b.to_string()])))
            .collect();
        assert_eq!(cycles(&graph), [["x", "y", "z", "x"]]);
    }

    #[test]
    fn the_manifest_reader_finds_normal_dependencies_only() {
        let manifest = r#"
[package]
name = "sohoa-x"

[dependencies]
sohoa-archive = { workspace = true }
sohoa-imaging.workspace = true
renamed = { package = "sohoa-ocr", path = "../ocr" }
serde = "1"

[dependencies.sohoa-bagit]
workspace = true

[target.'cfg(unix)'.dependencies]
sohoa-pdfa = { workspace = true }

[dev-dependencies]
sohoa-index = { workspace = true }
"#;
        assert_eq!(package_name(manifest).as_deref(), Some("sohoa-x"));
        let deps: Vec<String> = workspace_deps(manifest).into_iter().collect();
        assert_eq!(deps, ["archive", "bagit", "imaging", "ocr", "pdfa"]);
    }

    #[test]
    fn the_package_filter_names_image_pdf_and_spreadsheet_crates() {
        for bad in [
            "image",
            "tiff",
            "png",
            "zune-jpeg",
            "jpeg-decoder",
            "jpeg-encoder",
            "fax",
            "lopdf",
            "lcms2-sys",
            "calamine",
            "rust_xlsxwriter",
            "zip",
            "quick-xml",
        ] {
            assert!(is_image_pdf_or_spreadsheet(bad), "{bad}");
        }
        for ok in ["tantivy", "serde", "lz4_flex", "sha2", "zstd", "faxian"] {
            assert!(!is_image_pdf_or_spreadsheet(ok), "{ok}");
        }
    }

    #[test]
    fn the_header_rule_wants_a_doc_comment_first() {
        assert!(starts_with_doc_comment("//! What this is.\nfn f() {}"));
        assert!(starts_with_doc_comment("\n//! What this is.\n"));
        assert!(!starts_with_doc_comment("// A plain comment.\n"));
        assert!(!starts_with_doc_comment("use x;\n//! Too late.\n"));
        assert!(!starts_with_doc_comment("//!\n"));
    }
}
