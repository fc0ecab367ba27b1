//! Colours: a 16-colour theme and a monochrome one (`NO_COLOR`, `--color never`) in which the
//! selection is still visible through reverse video and bold.

use crate::reconcile::Action;
use ratatui::style::{Color, Modifier, Style};

/// The styles the views use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Ordinary text.
    pub text: Style,
    /// Secondary text (unchanged values, counts of zero).
    pub dim: Style,
    /// The selected row.
    pub selected: Style,
    /// Titles and the active bucket.
    pub title: Style,
    /// Keys in the hint bar and help.
    pub key: Style,
    /// Errors and failures.
    pub error: Style,
    /// Warnings and things that need attention.
    pub warn: Style,
    /// Successes.
    pub ok: Style,
    /// The status and hint bars.
    pub bar: Style,
    /// The demo banner.
    pub banner: Style,
    /// New values in a diff.
    pub added: Style,
    /// Old values in a diff.
    pub removed: Style,
    monochrome: bool,
}

impl Theme {
    /// The theme for the options.
    pub fn new(monochrome: bool) -> Self {
        if monochrome {
            Self::mono()
        } else {
            Self::colour()
        }
    }

    /// The 16-colour theme.
    pub fn colour() -> Self {
        Self {
            text: Style::new(),
            dim: Style::new().fg(Color::DarkGray),
            selected: Style::new()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD),
            title: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            key: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            warn: Style::new().fg(Color::Yellow),
            ok: Style::new().fg(Color::Green),
            bar: Style::new().bg(Color::DarkGray).fg(Color::White),
            banner: Style::new()
                .bg(Color::Magenta)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD),
            added: Style::new().fg(Color::Green),
            removed: Style::new().fg(Color::Red),
            monochrome: false,
        }
    }

    /// The monochrome theme: no colours, only bold, reverse and underline.
    pub fn mono() -> Self {
        let plain = Style::new();
        Self {
            text: plain,
            dim: plain,
            selected: plain.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            title: plain.add_modifier(Modifier::BOLD),
            key: plain.add_modifier(Modifier::BOLD),
            error: plain.add_modifier(Modifier::BOLD),
            warn: plain.add_modifier(Modifier::BOLD),
            ok: plain,
            bar: plain.add_modifier(Modifier::REVERSED),
            banner: plain.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            added: plain.add_modifier(Modifier::BOLD),
            removed: plain,
            monochrome: true,
        }
    }

    /// The style of an action's marker.
    pub fn action(&self, action: Action) -> Style {
        if self.monochrome {
            return match action {
                Action::Conflict | Action::Deactivate => self.error,
                _ => self.text,
            };
        }
        let colour = match action {
            Action::Create => Color::Green,
            Action::Update => Color::Cyan,
            Action::Conflict => Color::Red,
            Action::Deactivate => Color::Magenta,
            Action::Pending => Color::Yellow,
            Action::Reactivate => Color::Blue,
            Action::Unchanged | Action::Skip => Color::DarkGray,
        };
        Style::new().fg(colour)
    }
}
