//! Saving and quitting: `w`, the question about unsaved decisions on quit, the answer about
//! an earlier session's autosave, and files the runtime wrote or could not.

use super::history::journal;
use super::{fail, note};
use crate::tui::action::Action;
use crate::tui::app::{App, Effect, Overlay, Writing};
use crate::tui::text::plural;
use jiff::Timestamp;
use std::path::Path;

/// `w`: writes the decisions file; they count as saved once the runtime says it is written.
pub(super) fn save_decisions(app: &mut App) -> Vec<Effect> {
    app.saving = Some(app.decisions.clone());
    note(app, "saving decisions…");
    vec![Effect::SaveDecisions(app.decisions.clone())]
}

/// `w` wrote the decisions file: what it holds counts as saved, its standing decisions as in
/// force.
pub(super) fn decisions_saved(app: &mut App, path: &Path) {
    if let Some(saved) = app.saving.take() {
        app.recorded = saved.standing();
        app.saved = saved;
    }
    note(
        app,
        format!(
            "decisions saved to {}; standing ones are in force",
            path.display()
        ),
    );
}

/// A file could not be written: says which and why; unsaved decisions stay unsaved.
pub(super) fn write_failed(app: &mut App, writing: Writing, error: String) {
    let text = match writing {
        Writing::Decisions => {
            app.saving = None;
            error
        }
        Writing::Autosave => format!("autosave failed: {error}"),
        Writing::AutosaveAside => {
            format!("the earlier autosave could not be moved aside: {error}")
        }
        Writing::Report => error,
    };
    fail(app, text);
}

/// `q`: quits, or asks first when decisions are unsaved.
pub(super) fn request_quit(app: &mut App) -> Vec<Effect> {
    if app.unsaved() {
        app.overlay = Overlay::QuitConfirm;
        Vec::new()
    } else {
        app.quit = true;
        vec![Effect::Quit]
    }
}

/// The answer to "quit with unsaved decisions?".
pub(super) fn quit_confirm(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::SaveAndQuit => {
            app.quit = true;
            app.saving = Some(app.decisions.clone());
            vec![Effect::SaveDecisions(app.decisions.clone()), Effect::Quit]
        }
        Action::QuitAnyway => {
            app.quit = true;
            vec![Effect::Quit]
        }
        _ => {
            app.overlay = Overlay::None;
            Vec::new()
        }
    }
}

/// The answer to "restore the autosave of an unfinished session?".
pub(super) fn restore(app: &mut App, action: Action, now: Timestamp) -> Vec<Effect> {
    let Overlay::Restore(offer) = std::mem::replace(&mut app.overlay, Overlay::None) else {
        return Vec::new();
    };
    match action {
        Action::Submit => {
            let count = offer.decisions.decisions.len();
            app.decisions = offer.decisions;
            journal(
                app,
                String::new(),
                format!("restore {count} decisions of an unfinished session"),
                now,
            );
            if let Some(review) = &mut app.review {
                review.replan(&app.decisions);
                review.rebuild_view();
            }
            app.scroll_list_to_cursor();
            note(
                app,
                format!(
                    "restored {count} decision{}: none is in force until committed or saved (w)",
                    plural(count)
                ),
            );
            vec![Effect::ContinueAutosave]
        }
        Action::Cancel => {
            note(
                app,
                "started afresh; the earlier autosave is kept as console-decisions.previous.json",
            );
            vec![Effect::SetAutosaveAside]
        }
        Action::Quit => request_quit(app),
        _ => {
            app.overlay = Overlay::Restore(offer);
            Vec::new()
        }
    }
}
