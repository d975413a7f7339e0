//! Every problem code sohoa can report is documented: the stable codes of ingest problems
//! (`page.too_large`, `register.too_large`, `ingest.case_code_taken`, …) and of audit findings
//! (`du.sequence_gap`, …) must each appear in some `docs/*.md`.
//!
//! The codes are read from the Rust sources, not from a list kept by hand: every `.rs` file under
//! the repository (any folder but `target`, `fuzz`, `.git`, `tests` and hidden ones; no test-only
//! file such as `tests.rs` or `*_tests.rs`; no `#[cfg(test)]` item) is tokenized by a small lexer,
//! and a code is a dotted lower-case string literal (`a.b`, `a.b_c`) in one of the places a code is
//! given, never any dotted string (file names such as `hoso.json` and field names such as
//! `case.case_code` are not codes):
//!
//! 1. the code argument of a call to a function or closure with a parameter named `code`
//!    (`Problem::error(code, …)`, `Finding::new(criterion, severity, code, …)`,
//!    `PageError::new(code, …)`, helpers such as `fatal(code, …)`), or to a function that passes one
//!    of its own parameters on as such an argument (found by repeating until nothing changes);
//!    the argument is a literal, `if … { "a.b" } else { "c.d" }`, a `&str` constant, or a local
//!    bound by `let code = …` / `let (code, vi, en) = if … { ("a.b", …) } else { ("c.d", …) }`;
//! 2. a `code: …` field in a struct literal (`Issue { code: "register.bad_date", … }`);
//! 3. the body of a `fn code(&self) -> &'static str` (`FsError::Io(_) => "file.unreadable"`).
//!
//! Only literals in value position count: a literal passed to another call inside the argument
//! (`format!(…)`, `get("a.b")`) or used as an index is not a code. Nothing here depends on where
//! the crates live: the tree is walked.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Folders never walked for sources.
const SKIP_DIRS: &[&str] = &["target", "fuzz", ".git", "tests"];

/// Criterion prefixes of audit finding codes (docs/audit.md): the test checks it found both kinds.
const AUDIT_PREFIXES: &[&str] = &["dung", "du", "sach", "song"];

#[test]
fn every_problem_code_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let codes = problem_codes(root);

    let audit = codes
        .keys()
        .filter(|c| {
            AUDIT_PREFIXES
                .iter()
                .any(|p| c.split('.').next() == Some(p))
        })
        .count();
    let ingest = codes.len() - audit;
    assert!(
        codes.len() > 30 && audit >= 10 && ingest >= 10,
        "the sources hold only {} problem codes ({audit} audit, {ingest} ingest): the code \
         patterns of tests/problem_codes_documented.rs no longer match how problems are made\n{}",
        codes.len(),
        codes.keys().cloned().collect::<Vec<_>>().join(", ")
    );

    let docs = docs_text(&root.join("docs"));
    assert!(!docs.is_empty(), "no docs/*.md under {}", root.display());
    let missing: Vec<String> = codes
        .iter()
        .filter(|(code, _)| !docs.iter().any(|(_, text)| mentions(text, code)))
        .map(|(code, sites)| {
            let shown: Vec<&str> = sites.iter().take(4).map(String::as_str).collect();
            let more = sites.len().saturating_sub(shown.len());
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!("  {code}  (made at {}{more})", shown.join(", "))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "{} of the {} problem codes are not documented in any docs/*.md (add each to the page \
         that lists its neighbours, e.g. docs/cli.md for ingest problems, docs/audit.md for audit \
         findings):\n{}",
        missing.len(),
        codes.len(),
        missing.join("\n")
    );
}

/// Whether `text` names `code` as a whole code (`dung.cccd` is not named by `dung.cccd_legacy`).
fn mentions(text: &str, code: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(code).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let mut after = text[at + code.len()..].chars();
        let next = after.next();
        let before_ok = before.is_none_or(|c| !word(c) && c != '.');
        let after_ok = match next {
            None => true,
            Some('.') => after.next().is_none_or(|c| !word(c)),
            Some(c) => !word(c),
        };
        before_ok && after_ok
    })
}

/// Every `*.md` under `dir`, as (path, text).
fn docs_text(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push((p.clone(), fs::read_to_string(&p).unwrap()));
            }
        }
    }
    out
}

/// Rust sources to read: every `.rs` under `root` outside the skipped folders, test-only files left
/// out (a file name with a `test` or `tests` word: `tests.rs`, `tiff_tests.rs`, `test_files.rs`).
fn source_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let mut entries: Vec<PathBuf> = fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            // Not followed: a link could lead out of the tree or round in a loop.
            let Ok(meta) = fs::symlink_metadata(&p) else {
                continue;
            };
            if meta.is_dir() {
                if !name.starts_with('.') && !SKIP_DIRS.contains(&name.as_str()) {
                    stack.push(p);
                }
            } else if meta.is_file() {
                if let Some(stem) = name.strip_suffix(".rs") {
                    if !stem.split('_').any(|w| w == "test" || w == "tests") {
                        out.push(p);
                    }
                }
            }
        }
    }
    out.sort();
    out
}

/// Every problem code made in the sources under `root`, with where (`path:line`, relative).
fn problem_codes(root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let files: Vec<SourceFile> = source_files(root)
        .into_iter()
        .map(|p| {
            let src = fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let rel = p.strip_prefix(root).unwrap_or(&p);
            SourceFile::new(rel.to_string_lossy().replace('\\', "/"), &src)
        })
        .collect();
    assert!(
        files.len() > 10,
        "only {} Rust source files found under {}",
        files.len(),
        root.display()
    );

    // `&str` constants, for a code given by name (`super::outcome::INTERRUPTED`).
    let mut consts: HashMap<String, String> = HashMap::new();
    for f in &files {
        f.str_consts(&mut consts);
    }

    // Callables taking a code, seeded with the parameters named `code`, then grown by
    // pass-through (`fn f(kind: &str) { Problem::error(kind, …) }`) until nothing changes.
    let mut takers = Takers::default();
    for f in &files {
        for c in &f.callables {
            if c.params.first().is_some_and(|p| p == "self") {
                takers.receivers.insert(c.key());
            }
            for (i, p) in c.params.iter().enumerate() {
                if p == "code" {
                    takers.code_args.entry(c.key()).or_default().insert(i);
                }
            }
        }
    }
    loop {
        let mut grown = Vec::new();
        for f in &files {
            for call in f.code_calls(&takers) {
                let Some(enclosing) = f.enclosing_callable(call.at) else {
                    continue;
                };
                let Some(param) = single_ident(&f.toks[call.arg.clone()]) else {
                    continue;
                };
                if let Some(i) = enclosing.params.iter().position(|p| p == param) {
                    grown.push((enclosing.key(), i));
                }
            }
        }
        let mut changed = false;
        for (key, i) in grown {
            changed |= takers.code_args.entry(key).or_default().insert(i);
        }
        if !changed {
            break;
        }
    }

    let mut codes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let mut found: Vec<(String, usize)> = Vec::new();
        for call in f.code_calls(&takers) {
            f.codes_in_expr(call.arg.clone(), call.at, &consts, &mut found);
        }
        f.code_fields(&consts, &mut found);
        f.code_getters(&mut found);
        for (code, line) in found {
            codes
                .entry(code)
                .or_default()
                .insert(format!("{}:{line}", f.path));
        }
    }
    codes
}

/// A dotted lower-case code: `page.too_large`, `du.sequence_gap`.
fn is_code(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            p.starts_with(|c: char| c.is_ascii_lowercase())
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// A string literal's text as written (escapes left as they are: codes have none).
    Str(String),
    Punct(char),
    /// Numbers, character literals, lifetimes.
    Other,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Tokens of a Rust source, comments dropped.
fn lex(src: &str) -> Vec<Token> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0usize, 1usize);
    let at = |j: usize| c.get(j).copied().unwrap_or('\0');
    while i < c.len() {
        let ch = c[i];
        let start_line = line;
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
            let mut depth = 0usize;
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
        } else if is_ident_start(ch) {
            let s = i;
            while i < c.len() && is_ident_char(c[i]) {
                i += 1;
            }
            let word: String = c[s..i].iter().collect();
            let raw = matches!(word.as_str(), "r" | "br" | "cr");
            if raw && (at(i) == '"' || at(i) == '#') {
                let mut hashes = 0;
                while at(i + hashes) == '#' {
                    hashes += 1;
                }
                if at(i + hashes) != '"' {
                    // A raw identifier, `r#type`.
                    i += hashes;
                    let s = i;
                    while i < c.len() && is_ident_char(c[i]) {
                        i += 1;
                    }
                    let name: String = c[s..i].iter().collect();
                    out.push(Token {
                        tok: Tok::Ident(name),
                        line: start_line,
                    });
                    continue;
                }
                i += hashes + 1;
                let s = i;
                loop {
                    if i >= c.len() {
                        break;
                    }
                    if c[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                        break;
                    }
                    if c[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
                let text: String = c[s..i.min(c.len())].iter().collect();
                i += hashes + 1;
                out.push(Token {
                    tok: Tok::Str(text),
                    line: start_line,
                });
            } else if matches!(word.as_str(), "b" | "c") && at(i) == '"' {
                let (text, end, nl) = quoted(&c, i);
                i = end;
                line += nl;
                out.push(Token {
                    tok: Tok::Str(text),
                    line: start_line,
                });
            } else if word == "b" && at(i) == '\'' {
                i = char_literal_end(&c, i);
                out.push(Token {
                    tok: Tok::Other,
                    line: start_line,
                });
            } else {
                out.push(Token {
                    tok: Tok::Ident(word),
                    line: start_line,
                });
            }
        } else if ch == '"' {
            let (text, end, nl) = quoted(&c, i);
            i = end;
            line += nl;
            out.push(Token {
                tok: Tok::Str(text),
                line: start_line,
            });
        } else if ch == '\'' {
            if at(i + 1) == '\\' || (at(i + 2) == '\'' && at(i + 1) != '\'') {
                i = char_literal_end(&c, i);
            } else {
                // A lifetime or label.
                i += 1;
                while i < c.len() && is_ident_char(c[i]) {
                    i += 1;
                }
            }
            out.push(Token {
                tok: Tok::Other,
                line: start_line,
            });
        } else if ch.is_ascii_digit() {
            while i < c.len()
                && (is_ident_char(c[i]) || (c[i] == '.' && at(i + 1).is_ascii_digit()))
            {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Other,
                line: start_line,
            });
        } else {
            out.push(Token {
                tok: Tok::Punct(ch),
                line: start_line,
            });
            i += 1;
        }
    }
    out
}

/// A `"…"` literal starting at `c[i]`: its text, the index after it, the newlines in it.
fn quoted(c: &[char], mut i: usize) -> (String, usize, usize) {
    i += 1;
    let s = i;
    let mut nl = 0;
    while i < c.len() && c[i] != '"' {
        if c[i] == '\\' {
            i += 1;
        }
        if i < c.len() && c[i] == '\n' {
            nl += 1;
        }
        i += 1;
    }
    let text = c[s..i.min(c.len())].iter().collect();
    (text, i + 1, nl)
}

/// The index after a character literal `'x'`, `'\n'`, `'\u{301}'` starting at `c[i]` (`'`).
fn char_literal_end(c: &[char], mut i: usize) -> usize {
    i += 1;
    if c.get(i) == Some(&'\\') {
        i += 2;
    } else {
        i += 1;
    }
    while i < c.len() && c[i] != '\'' {
        i += 1;
    }
    i + 1
}

/// Tokens without `#[cfg(test)]` items; none at all for a file marked `#![cfg(test)]`.
fn without_test_items(toks: Vec<Token>) -> Vec<Token> {
    let is_cfg_test = |t: &[Token], j: usize| -> bool {
        let want = ["[", "cfg", "(", "test", ")", "]"];
        want.iter().enumerate().all(|(k, w)| {
            t.get(j + k).is_some_and(|x| match &x.tok {
                Tok::Ident(s) => s == w,
                Tok::Punct(p) => w.len() == 1 && w.starts_with(*p),
                _ => false,
            })
        })
    };
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if toks[i].tok == Tok::Punct('#') {
            if toks.get(i + 1).is_some_and(|t| t.tok == Tok::Punct('!'))
                && is_cfg_test(&toks, i + 2)
            {
                return Vec::new();
            }
            if is_cfg_test(&toks, i + 1) {
                i += 7;
                // Further attributes of the same item.
                while toks.get(i).is_some_and(|t| t.tok == Tok::Punct('#')) {
                    i = matching(&toks, i + 1).map_or(toks.len(), |e| e + 1);
                }
                // The item: up to its `;` or the end of its `{ … }`.
                let mut depth = 0i32;
                while i < toks.len() {
                    match toks[i].tok {
                        Tok::Punct('(' | '[' | '{') => depth += 1,
                        Tok::Punct(')' | ']') => depth -= 1,
                        Tok::Punct('}') => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        Tok::Punct(';') if depth == 0 => {
                            i += 1;
                            break;
                        }
                        _ => {}
                    }
                    i += 1;
                }
                continue;
            }
        }
        out.push(toks[i].clone());
        i += 1;
    }
    out
}

/// The index of the bracket closing the one at `toks[open]` (`(`, `[` or `{`).
fn matching(toks: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (j, t) in toks.iter().enumerate().skip(open) {
        match t.tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

/// `toks` split at the commas outside any bracket (angle brackets of types included when
/// `angles`), as index ranges relative to `base`.
fn split_commas(toks: &[Token], base: usize, angles: bool) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (j, t) in toks.iter().enumerate() {
        match t.tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => depth -= 1,
            Tok::Punct('<') if angles => depth += 1,
            Tok::Punct('>') if angles => {
                let arrow = j > 0 && matches!(toks[j - 1].tok, Tok::Punct('-' | '='));
                if !arrow {
                    depth -= 1;
                }
            }
            Tok::Punct(',') if depth == 0 => {
                out.push(base + start..base + j);
                start = j + 1;
            }
            _ => {}
        }
    }
    if start < toks.len() {
        out.push(base + start..base + toks.len());
    }
    out
}

/// The identifier an expression consists of (`x`, `&x`, `*x`), if that is all it is.
fn single_ident(toks: &[Token]) -> Option<&str> {
    let rest: Vec<&Token> = toks
        .iter()
        .skip_while(|t| matches!(t.tok, Tok::Punct('&' | '*')))
        .collect();
    match rest.as_slice() {
        [Token {
            tok: Tok::Ident(s), ..
        }] => Some(s),
        _ => None,
    }
}

const KEYWORDS: &[&str] = &[
    "if", "else", "match", "while", "for", "in", "return", "loop", "let", "move", "as", "break",
    "mut", "ref", "where", "unsafe", "async", "await",
];

fn ident(t: Option<&Token>) -> Option<&str> {
    match t {
        Some(Token {
            tok: Tok::Ident(s), ..
        }) => Some(s),
        _ => None,
    }
}

fn punct(t: Option<&Token>, p: char) -> bool {
    t.is_some_and(|t| t.tok == Tok::Punct(p))
}

// ---------------------------------------------------------------------------------------------
// One source file

/// A function or a closure bound by `let`.
struct Callable {
    /// The type of the `impl` block a function is declared in directly.
    owner: Option<String>,
    name: String,
    /// Parameter names (`self` for a receiver).
    params: Vec<String>,
    /// Token range of the body (for a closure: from its parameters to the end of the `let`).
    body: std::ops::Range<usize>,
    /// Tokens of the return type (functions only).
    ret: Vec<Tok>,
    closure: bool,
}

impl Callable {
    fn key(&self) -> (Option<String>, String) {
        (self.owner.clone(), self.name.clone())
    }
}

/// Callables taking a code: (type of an associated function or method, name) -> indexes of the
/// code arguments (`self` counted), and which of them have a receiver.
#[derive(Default)]
struct Takers {
    code_args: HashMap<(Option<String>, String), BTreeSet<usize>>,
    receivers: HashSet<(Option<String>, String)>,
}

/// A call to a callable taking a code: where, and the code argument's token range.
struct CodeCall {
    at: usize,
    arg: std::ops::Range<usize>,
}

struct SourceFile {
    path: String,
    toks: Vec<Token>,
    callables: Vec<Callable>,
    /// `impl` blocks: (type name, body token range).
    impls: Vec<(String, std::ops::Range<usize>)>,
}

impl SourceFile {
    fn new(path: String, src: &str) -> SourceFile {
        let toks = without_test_items(lex(src));
        let mut f = SourceFile {
            path,
            toks,
            callables: Vec::new(),
            impls: Vec::new(),
        };
        f.find_impls();
        f.find_callables();
        f
    }

    fn find_impls(&mut self) {
        let t = &self.toks;
        for i in 0..t.len() {
            if ident(t.get(i)) != Some("impl") {
                continue;
            }
            // An `impl` item, not `impl Trait` in a type.
            let item = i == 0
                || matches!(t[i - 1].tok, Tok::Punct('}' | ';' | ']' | '{'))
                || matches!(ident(t.get(i - 1)), Some("unsafe" | "default"));
            if !item {
                continue;
            }
            let Some(open) = (i + 1..t.len()).find(|&j| t[j].tok == Tok::Punct('{')) else {
                continue;
            };
            let head = &t[i + 1..open];
            let after_for = head
                .iter()
                .position(|x| x.tok == Tok::Ident("for".into()))
                .map_or(0, |p| p + 1);
            let mut depth = 0i32;
            let mut name = None;
            for x in &head[after_for..] {
                match &x.tok {
                    Tok::Punct('<') => depth += 1,
                    Tok::Punct('>') => depth -= 1,
                    Tok::Ident(s) if s == "where" && depth == 0 => break,
                    Tok::Ident(s) if depth == 0 => name = Some(s.clone()),
                    _ => {}
                }
            }
            if let (Some(name), Some(close)) = (name, matching(t, open)) {
                self.impls.push((name, open + 1..close));
            }
        }
    }

    fn find_callables(&mut self) {
        let t = &self.toks;
        let mut found = Vec::new();
        for i in 0..t.len() {
            if ident(t.get(i)) == Some("fn") {
                let Some(name) = ident(t.get(i + 1)) else {
                    continue;
                };
                let mut j = i + 2;
                if punct(t.get(j), '<') {
                    let mut depth = 0i32;
                    while j < t.len() {
                        match t[j].tok {
                            Tok::Punct('<') => depth += 1,
                            Tok::Punct('>') if !punct(t.get(j - 1), '-') => {
                                depth -= 1;
                                if depth == 0 {
                                    j += 1;
                                    break;
                                }
                            }
                            _ => {}
                        }
                        j += 1;
                    }
                }
                if !punct(t.get(j), '(') {
                    continue;
                }
                let Some(close) = matching(t, j) else {
                    continue;
                };
                let params = param_names(&t[j + 1..close]);
                // Return type, then the body (none for a declaration ending in `;`).
                let mut k = close + 1;
                let mut ret = Vec::new();
                let mut arrow = false;
                while k < t.len() && !matches!(t[k].tok, Tok::Punct('{' | ';')) {
                    if arrow {
                        ret.push(t[k].tok.clone());
                    }
                    if punct(t.get(k), '>') && punct(t.get(k - 1), '-') {
                        arrow = true;
                    }
                    k += 1;
                }
                if !punct(t.get(k), '{') {
                    continue;
                }
                let Some(end) = matching(t, k) else {
                    continue;
                };
                found.push(Callable {
                    owner: None,
                    name: name.to_string(),
                    params,
                    body: k..end + 1,
                    ret,
                    closure: false,
                });
            } else if ident(t.get(i)) == Some("let") {
                // `let name = [move] |params| …;`
                let Some(name) = ident(t.get(i + 1)) else {
                    continue;
                };
                if !punct(t.get(i + 2), '=') || punct(t.get(i + 3), '=') {
                    continue;
                }
                let mut j = i + 3;
                if ident(t.get(j)) == Some("move") {
                    j += 1;
                }
                if !punct(t.get(j), '|') {
                    continue;
                }
                let Some(bar) = (j + 1..t.len()).find(|&k| t[k].tok == Tok::Punct('|')) else {
                    continue;
                };
                let params = param_names(&t[j + 1..bar]);
                let end = statement_end(t, bar + 1);
                found.push(Callable {
                    owner: None,
                    name: name.to_string(),
                    params,
                    body: j..end,
                    ret: Vec::new(),
                    closure: true,
                });
            }
        }
        // A function declared directly in an `impl` block (not inside another function's body)
        // belongs to the block's type.
        let bodies: Vec<std::ops::Range<usize>> = found.iter().map(|c| c.body.clone()).collect();
        for c in found.iter_mut().filter(|c| !c.closure) {
            let at = c.body.start;
            if let Some((ty, r)) = self
                .impls
                .iter()
                .filter(|(_, r)| r.contains(&at))
                .min_by_key(|(_, r)| r.len())
            {
                let nested = bodies
                    .iter()
                    .any(|b| b.start < at && at < b.end && r.start <= b.start);
                if !nested {
                    c.owner = Some(ty.clone());
                }
            }
        }
        self.callables = found;
    }

    /// The innermost callable whose body holds token `at`.
    fn enclosing_callable(&self, at: usize) -> Option<&Callable> {
        self.callables
            .iter()
            .filter(|c| c.body.contains(&at))
            .min_by_key(|c| c.body.len())
    }

    /// The type of the `impl` block holding token `at` (for `Self::…`).
    fn impl_type(&self, at: usize) -> Option<&str> {
        self.impls
            .iter()
            .filter(|(_, r)| r.contains(&at))
            .min_by_key(|(_, r)| r.len())
            .map(|(ty, _)| ty.as_str())
    }

    fn str_consts(&self, consts: &mut HashMap<String, String>) {
        let t = &self.toks;
        for i in 0..t.len() {
            if !matches!(ident(t.get(i)), Some("const" | "static")) {
                continue;
            }
            let Some(name) = ident(t.get(i + 1)) else {
                continue;
            };
            let end = statement_end(t, i);
            let Some(eq) = (i..end).find(|&k| t[k].tok == Tok::Punct('=')) else {
                continue;
            };
            let is_str = t[i..eq].iter().any(|x| x.tok == Tok::Ident("str".into()));
            if let (
                true,
                [Token {
                    tok: Tok::Str(v), ..
                }],
            ) = (is_str, &t[eq + 1..end])
            {
                if is_code(v) {
                    consts.insert(name.to_string(), v.clone());
                }
            }
        }
    }

    /// Calls to callables taking a code, with the code argument of each.
    fn code_calls(&self, takers: &Takers) -> Vec<CodeCall> {
        let t = &self.toks;
        let mut out = Vec::new();
        for i in 0..t.len() {
            let Some(name) = ident(t.get(i)) else {
                continue;
            };
            if !punct(t.get(i + 1), '(') || KEYWORDS.contains(&name) {
                continue;
            }
            let prev = i.checked_sub(1).and_then(|k| t.get(k));
            if ident(prev) == Some("fn") {
                continue;
            }
            let path = i >= 2 && punct(prev, ':') && punct(t.get(i - 2), ':');
            let method = punct(prev, '.');
            let mut indexes: BTreeSet<usize> = BTreeSet::new();
            if method {
                // `x.name(…)`: a method with a receiver, its arguments counted after `self`.
                for (key, idx) in &takers.code_args {
                    if key.1 == name && takers.receivers.contains(key) {
                        indexes.extend(idx.iter().filter(|&&n| n > 0).map(|n| n - 1));
                    }
                }
            } else if path {
                let qualifier = ident(i.checked_sub(3).and_then(|k| t.get(k)));
                let owner = match qualifier {
                    Some("Self") => self.impl_type(i).map(str::to_string),
                    Some(q) if q.starts_with(|c: char| c.is_uppercase()) => Some(q.to_string()),
                    _ => None,
                };
                if let Some(idx) = takers.code_args.get(&(owner, name.to_string())) {
                    indexes.extend(idx);
                }
            } else if let Some(idx) = takers.code_args.get(&(None, name.to_string())) {
                indexes.extend(idx);
            }
            if indexes.is_empty() {
                continue;
            }
            let Some(close) = matching(t, i + 1) else {
                continue;
            };
            let args = split_commas(&t[i + 2..close], i + 2, false);
            for n in indexes {
                if let Some(arg) = args.get(n) {
                    out.push(CodeCall {
                        at: i,
                        arg: arg.clone(),
                    });
                }
            }
        }
        out
    }

    /// Codes given by the expression `range`: its value literals, `&str` constants it names, and
    /// for a local variable the literals of its `let` (found before `at` in the same callable).
    fn codes_in_expr(
        &self,
        range: std::ops::Range<usize>,
        at: usize,
        consts: &HashMap<String, String>,
        found: &mut Vec<(String, usize)>,
    ) {
        let t = &self.toks;
        let expr = &t[range.clone()];
        for (lit, line) in value_literals(expr) {
            if is_code(&lit) {
                found.push((lit, line));
            }
        }
        for x in expr {
            if let Tok::Ident(s) = &x.tok {
                if let Some(v) = consts.get(s) {
                    found.push((v.clone(), x.line));
                }
            }
        }
        let Some(var) = single_ident(expr) else {
            return;
        };
        let scope = self
            .enclosing_callable(at)
            .map_or(0..at, |c| c.body.start..at);
        // The last `let` before the call binding `var`.
        for k in scope.rev() {
            if ident(t.get(k)) != Some("let") {
                continue;
            }
            let end = statement_end(t, k);
            let Some(eq) = (k..end).find(|&j| {
                t[j].tok == Tok::Punct('=')
                    && !punct(t.get(j + 1), '=')
                    && !matches!(t[j - 1].tok, Tok::Punct('=' | '!' | '<' | '>'))
            }) else {
                continue;
            };
            let pattern = &t[k + 1..eq];
            let init = &t[eq + 1..end];
            if single_ident(
                &pattern
                    .iter()
                    .filter(|x| x.tok != Tok::Ident("mut".into()))
                    .cloned()
                    .collect::<Vec<_>>(),
            ) == Some(var)
            {
                for (lit, line) in value_literals(init) {
                    if is_code(&lit) {
                        found.push((lit, line));
                    }
                }
                return;
            }
            if punct(pattern.first(), '(') && punct(pattern.last(), ')') {
                let elems = split_commas(&pattern[1..pattern.len() - 1], 0, false);
                let position = elems.iter().position(|r| {
                    let names: Vec<&str> = pattern[1..pattern.len() - 1][r.clone()]
                        .iter()
                        .filter_map(|x| ident(Some(x)))
                        .filter(|s| *s != "mut")
                        .collect();
                    names == [var]
                });
                if let Some(n) = position {
                    for (lit, line) in tuple_elements(init, elems.len(), n) {
                        if is_code(&lit) {
                            found.push((lit, line));
                        }
                    }
                    return;
                }
            }
        }
    }

    /// `code: …` fields of struct literals (and patterns).
    fn code_fields(&self, consts: &HashMap<String, String>, found: &mut Vec<(String, usize)>) {
        let t = &self.toks;
        for i in 1..t.len() {
            if ident(t.get(i)) != Some("code")
                || !matches!(t[i - 1].tok, Tok::Punct('{' | ','))
                || !punct(t.get(i + 1), ':')
                || punct(t.get(i + 2), ':')
            {
                continue;
            }
            // The value: up to the next comma or closing bracket outside brackets.
            let mut depth = 0i32;
            let mut end = i + 2;
            while end < t.len() {
                match t[end].tok {
                    Tok::Punct('(' | '[' | '{') => depth += 1,
                    Tok::Punct(')' | ']' | '}') if depth == 0 => break,
                    Tok::Punct(')' | ']' | '}') => depth -= 1,
                    Tok::Punct(',') if depth == 0 => break,
                    _ => {}
                }
                end += 1;
            }
            self.codes_in_expr(i + 2..end, i, consts, found);
        }
    }

    /// The literals returned by a `fn code(…) -> &str`.
    fn code_getters(&self, found: &mut Vec<(String, usize)>) {
        for c in &self.callables {
            if c.name == "code" && c.ret.contains(&Tok::Ident("str".into())) {
                let body = &self.toks[c.body.start + 1..c.body.end - 1];
                for (lit, line) in value_literals(body) {
                    if is_code(&lit) {
                        found.push((lit, line));
                    }
                }
            }
        }
    }
}

/// Parameter names of a parameter list (`self` for a receiver, `_` when not a plain name).
fn param_names(list: &[Token]) -> Vec<String> {
    split_commas(list, 0, true)
        .into_iter()
        .map(|r| {
            let p = &list[r];
            let colon = p
                .iter()
                .position(|x| x.tok == Tok::Punct(':'))
                .unwrap_or(p.len());
            let names: Vec<&str> = p[..colon]
                .iter()
                .filter_map(|x| ident(Some(x)))
                .filter(|s| *s != "mut")
                .collect();
            match names.as_slice() {
                [n] => n.to_string(),
                _ => "_".to_string(),
            }
        })
        .collect()
}

/// The index of the `;` ending the statement starting at `start` (or where its block closes).
fn statement_end(t: &[Token], start: usize) -> usize {
    let mut depth = 0i32;
    let mut j = start;
    while j < t.len() {
        match t[j].tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth -= 1;
                if depth < 0 {
                    return j;
                }
            }
            Tok::Punct(';') if depth == 0 => return j,
            _ => {}
        }
        j += 1;
    }
    t.len()
}

/// Whether the `(` or `[` at `t[j]` opens a call, a macro's arguments or an index.
fn opens_call(t: &[Token], j: usize) -> bool {
    match j.checked_sub(1).map(|k| &t[k].tok) {
        Some(Tok::Ident(s)) => !KEYWORDS.contains(&s.as_str()),
        Some(Tok::Punct(')' | ']' | '!' | '>' | '?')) => true,
        _ => false,
    }
}

/// String literals of an expression in value position: not inside a call's, a macro's or an
/// index's brackets.
fn value_literals(t: &[Token]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut stack: Vec<bool> = Vec::new();
    for (j, x) in t.iter().enumerate() {
        match &x.tok {
            Tok::Punct('(' | '[') => stack.push(opens_call(t, j)),
            Tok::Punct('{') => stack.push(false),
            Tok::Punct(')' | ']' | '}') => {
                stack.pop();
            }
            Tok::Str(s) if !stack.iter().any(|&call| call) => out.push((s.clone(), x.line)),
            _ => {}
        }
    }
    out
}

/// Value literals at position `n` of every tuple of `arity` elements in the expression `t`
/// (`if … { ("a.b", x, y) } else { ("c.d", x, y) }`).
fn tuple_elements(t: &[Token], arity: usize, n: usize) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for j in 0..t.len() {
        if t[j].tok != Tok::Punct('(') || opens_call(t, j) {
            continue;
        }
        let Some(close) = matching(t, j) else {
            continue;
        };
        let elems = split_commas(&t[j + 1..close], j + 1, false);
        if elems.len() == arity {
            out.extend(value_literals(&t[elems[n].clone()]));
        }
    }
    out
}
