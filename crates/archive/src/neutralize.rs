//! Text from registers and scans on its way out to other programs: a spreadsheet must never run
//! a cell as a formula (OWASP CSV injection), a terminal must never obey an escape sequence or
//! a bidirectional override hidden in a name, a web page must never take a name for markup.
//! Every CSV cell, terminal line and HTML text sohoa writes goes through here.

use std::borrow::Cow;

/// A plain number (`12`, `-3`, `4.5`, `12,5`): left as it is, a spreadsheet reads it as a number.
fn plain_number(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
        && body.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

/// A CSV cell a spreadsheet shows as text: one that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return (and is not a plain number) gets a leading `'` (OWASP), and identity numbers
/// are masked.
pub fn csv_cell(cell: &str) -> Cow<'_, str> {
    let masked = crate::privacy::mask_ids(cell);
    let risky = masked
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'))
        && !plain_number(&masked);
    match (risky, masked) {
        (true, m) => Cow::Owned(format!("'{m}")),
        (false, m) => m,
    }
}

/// Characters a terminal must not receive from data: C0 controls except line feed and tab,
/// DEL, C1 controls, and the bidirectional overrides and isolates that reorder what is shown.
fn is_unsafe_for_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A line for a terminal: escape sequences and other controls shown as `�` would only confuse,
/// so they are dropped (`ESC[31m` keeps its harmless printable tail `[31m`).
pub fn for_terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_for_terminal) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().filter(|c| !is_unsafe_for_terminal(*c)).collect())
}

/// Text for HTML content and attribute values: `& < > " '` escaped, identity numbers masked.
pub fn html(s: &str) -> String {
    let s = crate::privacy::mask_ids(s);
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_formulas_become_text() {
        for (cell, want) in [
            (
                "=HYPERLINK(\"http://x\",\"bấm\")",
                "'=HYPERLINK(\"http://x\",\"bấm\")",
            ),
            ("+1+2", "'+1+2"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("Nguyễn Văn An", "Nguyễn Văn An"),
            ("-3", "-3"),
            ("12,5", "12,5"),
            ("", ""),
        ] {
            assert_eq!(csv_cell(cell), want, "{cell}");
        }
        assert_eq!(csv_cell("CCCD 040093878972"), "CCCD 0400******72");
    }

    #[test]
    fn terminals_get_no_escape_sequences() {
        assert_eq!(
            for_terminal("Nguyễn \u{1b}[2J\u{1b}]0;pwned\u{7}An\u{202e}gnp.exe"),
            "Nguyễn [2J]0;pwnedAngnp.exe"
        );
        assert!(matches!(for_terminal("bình thường\n"), Cow::Borrowed(_)));
    }
}
