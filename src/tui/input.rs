//! A one-line text input with a cursor: the filter, the picker's search, the rename and the
//! report path. Keys as in a shell: arrows, Home/End, Ctrl-A/E, Ctrl-W, Ctrl-U, Delete,
//! Backspace, and pasted text; a long input scrolls sideways to keep the cursor in view.

use super::text::width;

/// An edit of a text input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edit {
    /// One character left.
    Left,
    /// One character right.
    Right,
    /// To the start (Home, Ctrl-A).
    Home,
    /// To the end (End, Ctrl-E).
    End,
    /// Delete the character before the cursor (Backspace).
    DeleteBack,
    /// Delete the character under the cursor (Delete).
    DeleteForward,
    /// Delete the word before the cursor (Ctrl-W).
    DeleteWord,
    /// Delete everything before the cursor (Ctrl-U).
    DeleteToStart,
}

/// The text and where the cursor is (in characters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    cursor: usize,
}

impl TextInput {
    /// An input holding `text`, the cursor at its end.
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Replaces the text, the cursor at its end.
    pub fn set(&mut self, text: &str) {
        *self = Self::new(text);
    }

    /// The byte offset of a character position.
    fn byte(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    /// Types text at the cursor (one key, or a paste: line breaks and other control
    /// characters are dropped, since a one-line input cannot hold them).
    pub fn insert(&mut self, typed: &str) {
        let clean: String = typed.chars().filter(|c| !c.is_control()).collect();
        let at = self.byte(self.cursor);
        self.text.insert_str(at, &clean);
        self.cursor += clean.chars().count();
    }

    /// Applies an edit.
    pub fn edit(&mut self, edit: Edit) {
        let len = self.text.chars().count();
        match edit {
            Edit::Left => self.cursor = self.cursor.saturating_sub(1),
            Edit::Right => self.cursor = (self.cursor + 1).min(len),
            Edit::Home => self.cursor = 0,
            Edit::End => self.cursor = len,
            Edit::DeleteBack if self.cursor > 0 => {
                self.remove(self.cursor - 1, self.cursor);
            }
            Edit::DeleteForward if self.cursor < len => self.remove(self.cursor, self.cursor + 1),
            Edit::DeleteWord => {
                let chars: Vec<char> = self.text.chars().take(self.cursor).collect();
                let mut start = chars.len();
                while start > 0 && chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                while start > 0 && !chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                self.remove(start, self.cursor);
            }
            Edit::DeleteToStart => self.remove(0, self.cursor),
            Edit::DeleteBack | Edit::DeleteForward => {}
        }
    }

    /// Removes the characters from `from` to `to` and puts the cursor at `from`.
    fn remove(&mut self, from: usize, to: usize) {
        let (start, end) = (self.byte(from), self.byte(to));
        self.text.replace_range(start..end, "");
        self.cursor = from;
    }

    /// What fits in `cells` columns with the cursor (`▏`) in view: the text scrolled sideways
    /// as needed, `…` where it is cut.
    pub fn view(&self, cells: usize) -> String {
        let chars: Vec<char> = self.text.chars().collect();
        let (before, after) = chars.split_at(self.cursor.min(chars.len()));
        let room = cells.saturating_sub(1);
        let mut left: Vec<char> = before.to_vec();
        let cut_left = width(&left.iter().collect::<String>()) > room;
        if cut_left {
            // Keep the end of what is before the cursor, behind a `…`.
            while width(&left.iter().collect::<String>()) > room.saturating_sub(1) {
                left.remove(0);
            }
        }
        let mut shown: String = if cut_left {
            "…".to_string()
        } else {
            String::new()
        };
        shown.extend(left);
        shown.push('▏');
        let mut used = width(&shown);
        for (i, c) in after.iter().enumerate() {
            let w = width(&c.to_string());
            let last = i + 1 == after.len();
            if used + w > cells || (!last && used + w + 1 > cells) {
                if used < cells {
                    shown.push('…');
                }
                break;
            }
            shown.push(*c);
            used += w;
        }
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> TextInput {
        let mut input = TextInput::default();
        input.insert(text);
        input
    }

    #[test]
    fn the_cursor_moves_and_edits_happen_where_it_is() {
        let mut input = typed("jdoe");
        input.edit(Edit::Home);
        input.insert("x.");
        assert_eq!(input.text(), "x.jdoe");
        input.edit(Edit::DeleteForward);
        assert_eq!(input.text(), "x.doe");
        input.edit(Edit::End);
        input.edit(Edit::Left);
        input.edit(Edit::DeleteBack);
        assert_eq!(input.text(), "x.de");
        input.edit(Edit::Right);
        input.edit(Edit::Right);
        input.insert("!");
        assert_eq!(input.text(), "x.de!");
    }

    #[test]
    fn ctrl_w_deletes_a_word_and_ctrl_u_everything_before_the_cursor() {
        let mut input = typed("report for  fx.html");
        input.edit(Edit::DeleteWord);
        assert_eq!(input.text(), "report for  ");
        input.edit(Edit::DeleteWord);
        assert_eq!(input.text(), "report ");
        input.insert("x");
        input.edit(Edit::Left);
        input.edit(Edit::DeleteToStart);
        assert_eq!(input.text(), "x");
    }

    #[test]
    fn a_paste_keeps_text_and_drops_line_breaks() {
        let mut input = typed("a");
        input.insert("b c\r\nd\te");
        assert_eq!(input.text(), "ab cde");
    }

    #[test]
    fn multibyte_text_is_edited_by_character() {
        let mut input = typed("山田太郎");
        input.edit(Edit::Left);
        input.edit(Edit::DeleteBack);
        assert_eq!(input.text(), "山田郎");
        input.edit(Edit::DeleteWord);
        assert_eq!(input.text(), "郎");
    }

    #[test]
    fn a_long_input_scrolls_to_keep_the_cursor_in_view() {
        let mut input = typed(&"abcdefghij".repeat(3));
        assert_eq!(input.view(10), "…cdefghij▏");
        input.edit(Edit::Home);
        assert_eq!(input.view(10), "▏abcdefgh…");
        assert_eq!(typed("short").view(10), "short▏");
    }
}
