//! Reading both sides, with progress per side; or why the read failed.

use crate::tui::app::{App, LoadStage, LoadState};
use crate::tui::text::sanitize;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

const SPINNER: [char; 4] = ['|', '/', '-', '\\'];

fn stage(name: &str, progress: Option<(usize, u32)>, spin: char, theme: &Theme) -> Line<'static> {
    let text = match progress {
        None => format!("{spin} waiting"),
        Some((read, pages)) => format!("{spin} {read} read, {pages} pages"),
    };
    Line::from(vec![
        Span::styled(format!("  {name:<11}"), theme.title),
        Span::raw(text),
    ])
}

/// Draws the loading screen, or the error with what to check.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &LoadState,
    error: Option<&String>,
    app: &App,
    theme: &Theme,
) {
    let lines = match error {
        None => {
            let spin = SPINNER[(app.tick % 4) as usize];
            vec![
                Line::raw(""),
                Line::from(Span::styled("  Reading both sides…", theme.title)),
                Line::raw(""),
                stage("directory", state.directory, spin, theme),
                stage("ftrack", state.ftrack, spin, theme),
                Line::raw(""),
                match &state.retrying {
                    Some((side, attempt, reason)) => Line::from(Span::styled(
                        format!(
                            "  The {} read failed ({}); trying again (attempt {attempt})",
                            match side {
                                LoadStage::Directory => "directory",
                                LoadStage::Ftrack => "ftrack",
                            },
                            sanitize(reason)
                        ),
                        theme.warn,
                    )),
                    None => Line::raw(""),
                },
                Line::from(Span::styled(
                    "  Decisions are kept; nothing is changed until you commit.",
                    theme.dim,
                )),
            ]
        }
        Some(error) => vec![
            Line::raw(""),
            Line::from(Span::styled("  The read failed", theme.error)),
            Line::raw(""),
            Line::raw(format!("  {}", sanitize(error))),
            Line::raw(""),
            Line::raw("  Check: the LDAP URI, bind DN and password (or the LDIF path); the ftrack"),
            Line::raw("  server URL, API user and key; the network and TLS trust; the log file."),
            Line::raw(""),
            Line::from(vec![
                Span::styled("  R", theme.key),
                Span::raw(" to retry  "),
                Span::styled("q", theme.key),
                Span::raw(" to quit"),
            ]),
        ],
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}
