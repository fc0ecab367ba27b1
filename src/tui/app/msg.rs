//! The console's interface with its runtime: the messages `update` takes (keys, resizes,
//! worker results) and the effects it asks the runtime to carry out.

use super::session::Session;
use crate::apply::engine::{Applied, ApplyProgress};
use crate::apply::outcome::ItemOutcome;
use crate::reconcile::decision::{ApprovedPlan, Decisions};
use crate::report::model::Report;
use std::path::PathBuf;

/// Which side a load progress message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadStage {
    /// The LDAP directory (or LDIF file).
    Directory,
    /// The ftrack server.
    Ftrack,
}

/// What the runtime was writing for the console when a write failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writing {
    /// The decisions file and the standing decisions (`w`).
    Decisions,
    /// The crash-recovery autosave.
    Autosave,
    /// Moving an earlier session's autosave aside.
    AutosaveAside,
    /// A report (`x`).
    Report,
}

/// What happened: a key, a resize, or a result from a worker.
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "a few messages a second; the runtime's interface sends outcomes unboxed"
)]
pub enum Msg {
    /// A key was pressed.
    Key(crossterm::event::KeyEvent),
    /// The terminal has a new size (columns, rows).
    Resize(u16, u16),
    /// Text was pasted (bracketed paste).
    Paste(String),
    /// Entries read so far on one side.
    LoadProgress {
        /// Which side.
        stage: LoadStage,
        /// Users read so far.
        read: usize,
        /// Pages read so far.
        pages: u32,
    },
    /// A side's read failed for now and is tried again.
    LoadRetrying {
        /// Which side.
        stage: LoadStage,
        /// The attempt about to start (2 for the first retry).
        attempt: u32,
        /// What failed.
        reason: String,
    },
    /// Both sides were read.
    Loaded(Box<Session>),
    /// A side could not be read; shown with what to check, `R` retries.
    LoadFailed {
        /// The error, with what to check.
        error: String,
        /// The exit code the error maps to (78 configuration, 69 unreachable, ...).
        code: i32,
    },
    /// The apply finished a batch.
    ApplyProgress(ApplyProgress),
    /// One user was finished (applied or failed).
    ItemFinished(ItemOutcome),
    /// The engine's final result.
    Applied(Box<Applied>),
    /// The decisions file and the standing decisions were written (`w`).
    DecisionsSaved {
        /// Where the decisions file went.
        path: PathBuf,
    },
    /// The standing decisions of a commit were recorded before it applied anything.
    Recorded(Decisions),
    /// A report was written (`x`).
    ReportWritten {
        /// Where.
        path: PathBuf,
    },
    /// A file could not be written.
    WriteFailed {
        /// Which.
        writing: Writing,
        /// Why, with what to do.
        error: String,
    },
    /// About four times a second, for spinners and the ETA.
    Tick,
}

/// What the runtime must do after an update.
#[derive(Debug)]
pub enum Effect {
    /// Read both sides again; decisions are kept.
    Load,
    /// Record the standing decisions of a commit, then run the engine on its approved items.
    Apply {
        /// The plan and the items approved for this commit.
        approved: Box<ApprovedPlan>,
        /// The standing decisions in force once the commit is made.
        standing: Decisions,
    },
    /// Stop the apply after the current batch.
    CancelApply,
    /// Write the decisions file and record its standing decisions (`w`).
    SaveDecisions(Decisions),
    /// Write the crash-recovery autosave (after every change); nothing runs from it.
    Autosave(Decisions),
    /// The admin restored the earlier autosave: this session carries it on.
    ContinueAutosave,
    /// The admin declined the earlier autosave: move it aside as the previous one.
    SetAutosaveAside,
    /// Write a report (`x`).
    ExportReport {
        /// The report.
        report: Box<Report>,
        /// Where; the format follows the extension.
        path: PathBuf,
    },
    /// Leave the console.
    Quit,
}
