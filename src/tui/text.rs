//! Text for the terminal: control characters made visible, and truncation and padding by
//! display width (CJK and most emoji take two cells).

use std::borrow::Cow;
use std::fmt::Write as _;
use unicode_width::UnicodeWidthChar;

/// True for characters that must never reach the terminal raw: C0/C1 controls, DEL, and the
/// bidirectional overrides and isolates that could reorder what the admin sees.
fn is_unsafe(c: char) -> bool {
    crate::characters::is_hidden(c)
}

/// The text with control characters shown as visible escapes (`\n`, `\t`, `\x1b`, `\u{202e}`).
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_unsafe(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:04x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// Cells a character takes; zero-width characters take none.
fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// "s" for counts other than one.
pub fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// Display width of a text, counted per character (never less than the terminal's cells).
pub fn width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// The sanitised text cut to at most `max` cells, ending in `…` when it was cut.
pub fn truncate(text: &str, max: usize) -> String {
    let clean = sanitize(text);
    if width(&clean) <= max {
        return clean.into_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in clean.chars() {
        let w = char_width(c);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// The sanitised text cut or padded with spaces to exactly `cells` cells.
pub fn fit(text: &str, cells: usize) -> String {
    let mut out = truncate(text, cells);
    let used = width(&out);
    out.extend(std::iter::repeat_n(' ', cells.saturating_sub(used)));
    out
}

/// The sanitised text broken at spaces into lines of at most `cells` cells (a word longer
/// than a line is cut across lines).
pub fn wrap(text: &str, cells: usize) -> Vec<String> {
    let cells = cells.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in sanitize(text).split(' ') {
        let needed = width(word) + usize::from(!line.is_empty());
        if !line.is_empty() && width(&line) + needed > cells {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        for c in word.chars() {
            if width(&line) + char_width(c) > cells {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_at_spaces_and_cuts_only_overlong_words() {
        assert_eq!(
            wrap("refused: ftrack could not be read", 12),
            ["refused:", "ftrack could", "not be read"]
        );
        assert_eq!(wrap("abcdefgh ij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("山田太郎 x", 4), ["山田", "太郎", "x"]);
        assert_eq!(wrap("", 10), [""]);
        for line in wrap("a\x1b[2J long enough text to wrap", 7) {
            assert!(width(&line) <= 7 && !line.contains('\x1b'), "{line}");
        }
    }

    #[test]
    fn control_characters_become_visible_escapes() {
        assert_eq!(sanitize("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(sanitize("line\nnext\ttab\r"), "line\\nnext\\ttab\\r");
        assert_eq!(sanitize("evil\u{202e}txt"), "evil\\u{202e}txt");
        assert_eq!(sanitize("\u{9b}"), "\\x9b");
        assert!(matches!(sanitize("plain 山田"), Cow::Borrowed(_)));
    }

    #[test]
    fn truncation_counts_display_cells() {
        assert_eq!(width("山田太郎"), 8);
        assert_eq!(truncate("山田太郎", 8), "山田太郎");
        // Seven cells: three wide characters and the ellipsis; never half a character.
        assert_eq!(truncate("山田太郎", 7), "山田太…");
        assert_eq!(truncate("山田太郎", 6), "山田…");
        assert_eq!(width(&truncate("🎬🎬🎬", 4)), 3);
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(fit("山田", 5), "山田 ");
        assert_eq!(width(&fit("山田太郎", 5)), 5);
        assert_eq!(fit("a\x07", 6), "a\\x07 ");
    }
}
