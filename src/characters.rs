//! Characters that must never reach a terminal, a report or an ftrack login as they are:
//! control characters, and the invisible formatting ones that reorder or hide text (a
//! right-to-left override can make `evil` read as `live`).

/// True for a control character or an invisible formatting one (bidirectional overrides,
/// isolates and marks, zero-width characters, the byte-order mark).
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{61c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// Escapes hidden characters (and nothing else), so that text from a file or a directory
/// cannot drive the terminal or disguise itself: `\u{202e}` is shown as those characters.
pub fn printable(text: &str) -> String {
    if !text.chars().any(is_hidden) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if is_hidden(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// [`printable`] for bytes that may not be UTF-8 (shown with replacement characters).
pub fn printable_bytes(bytes: &[u8]) -> String {
    printable(&String::from_utf8_lossy(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_invisible_formatting_are_hidden_letters_are_not() {
        for c in [
            '\u{7}', '\u{1b}', '\n', '\u{202e}', '\u{2066}', '\u{200b}', '\u{feff}',
        ] {
            assert!(is_hidden(c), "U+{:04X}", c as u32);
        }
        for c in ['a', 'é', '山', '-', ' ', '😀'] {
            assert!(!is_hidden(c), "{c}");
        }
    }
}
