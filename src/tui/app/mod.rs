//! The console's state: what was loaded, the plan with the admin's decisions, where the
//! cursor is and which dialog is open. [`super::update`] changes it; the views only read it.
//!
//! By job: `session` (what the console starts with), `msg` (messages and effects),
//! `bucket` (the list's buckets), `review` (the plan on screen), `screen` and
//! `overlay` (what is shown), `unsaved` (what quitting would drop), `warnings` (the plan's
//! warnings, ranked).

pub mod bucket;
mod msg;
mod overlay;
mod review;
mod screen;
mod session;
mod unsaved;
mod warnings;

pub use bucket::Bucket;
pub use msg::{Effect, LoadStage, Msg, Writing};
pub use overlay::CommitScope;
pub(crate) use overlay::{CommitModal, Confirm, Overlay, Resolve, ResolveMode, TakeOver};
pub use review::{DecisionCounts, visible_range};
pub(crate) use review::{Review, needs_decision};
pub(crate) use screen::{ApplyState, LoadState, ResultsState, Screen};
pub use session::{AppOptions, RestoreOffer, Session, plan_session};
pub(crate) use warnings::{PlanWarning, WarningKind};

use super::action::Context;
use crate::ids::{FtrackId, ItemKey, Username};
use crate::reconcile::Plan;
use crate::reconcile::decision::{Decision, Decisions};
use crate::report::model::{CommitLog, DecisionEvent, SessionLog};

/// A one-line note in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Note {
    pub text: String,
    pub error: bool,
}

/// One decision that changed: the item's key, the decision before and after.
#[derive(Debug, Clone)]
pub(crate) struct DecisionChange {
    pub key: ItemKey,
    pub before: Option<Decision>,
    pub after: Option<Decision>,
}

/// One step of undo and redo: the decisions one action changed.
pub(crate) type UndoStep = Vec<DecisionChange>;

/// The console.
#[derive(Debug)]
pub struct App {
    pub(crate) monochrome: bool,
    pub(crate) demo: bool,
    pub(crate) decisions: Decisions,
    /// The decisions as last saved with `w` or committed: quitting asks about the others.
    pub(crate) saved: Decisions,
    /// The standing decisions in force for every run (the state directory's).
    pub(crate) recorded: Decisions,
    /// Decisions sent to be written with `w`, until `DecisionsSaved` arrives.
    pub(crate) saving: Option<Decisions>,
    pub(crate) undo: Vec<UndoStep>,
    pub(crate) redo: Vec<UndoStep>,
    pub(crate) screen: Screen,
    pub(crate) overlay: Overlay,
    pub(crate) review: Option<Box<Review>>,
    pub(crate) size: (u16, u16),
    pub(crate) note: Option<Note>,
    pub(crate) tick: u64,
    pub(crate) quit: bool,
    /// Keys to mark once the next load is in (the failures of an apply being retried).
    pub(crate) mark_after_load: Vec<ItemKey>,
    /// The exit code of the last failed read, until a read succeeds.
    pub(crate) load_failure: Option<i32>,
    /// The exit code of the last commit.
    pub(crate) last_commit: Option<i32>,
    /// The admin's choice of board (`b`); `None` follows the width.
    pub(crate) board: Option<bool>,
    pub(crate) operator: String,
    /// Every decision of the session, with who took it and when, for its report.
    pub(crate) journal: Vec<DecisionEvent>,
    /// Every commit of the session.
    pub(crate) commits: Vec<CommitLog>,
}

impl App {
    /// A console in the loading state.
    pub fn new(options: AppOptions) -> Self {
        Self {
            monochrome: options.monochrome,
            demo: options.demo,
            saved: options.recorded.clone(),
            recorded: options.recorded,
            decisions: options.decisions,
            saving: None,
            undo: Vec::new(),
            redo: Vec::new(),
            screen: Screen::Loading(LoadState::default()),
            overlay: options.restore.map_or(Overlay::None, Overlay::Restore),
            review: None,
            size: (80, 24),
            note: None,
            tick: 0,
            quit: false,
            mark_after_load: Vec::new(),
            load_failure: None,
            last_commit: None,
            board: None,
            operator: options.operator,
            journal: Vec::new(),
            commits: Vec::new(),
        }
    }

    /// What the session did, for the report it exports.
    pub(crate) fn session_log(&self) -> SessionLog {
        SessionLog {
            decisions: self.journal.clone(),
            commits: self.commits.clone(),
        }
    }

    /// The board's columns when the board is shown: it is on for this width and the focused
    /// bucket has a column (Unchanged and Skipped are shown as a list).
    pub(crate) fn board_columns(&self) -> Option<Vec<Vec<Bucket>>> {
        let width = self.size.0;
        let review = self.review.as_ref()?;
        if !super::board::on(self.board, width) {
            return None;
        }
        let columns = super::board::columns(width);
        super::board::column_of(&columns, review.bucket).map(|_| columns)
    }

    /// The buckets a list focused on `bucket` shows, as the screen is now.
    pub(crate) fn lane_for(&self, bucket: Bucket) -> Vec<Bucket> {
        let width = self.size.0;
        if super::board::on(self.board, width) {
            let columns = super::board::columns(width);
            if let Some(c) = super::board::column_of(&columns, bucket) {
                return columns[c].clone();
            }
        }
        vec![bucket]
    }

    /// True once the admin has quit.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// The exit code when the console closes: a read still failing, else the last commit's
    /// (3 when users failed, ...), else 0.
    pub fn exit_code(&self) -> i32 {
        self.load_failure
            .or(self.last_commit)
            .unwrap_or(crate::exit::OK)
    }

    /// The decisions taken so far (and resumed ones).
    pub fn decisions(&self) -> &Decisions {
        &self.decisions
    }

    /// The current plan, once loaded.
    pub fn plan(&self) -> Option<&Plan> {
        self.review.as_ref().map(|r| &r.plan)
    }

    /// Where the keyboard focus is.
    pub fn context(&self) -> Context {
        match &self.overlay {
            Overlay::Filter(_) => Context::Filter,
            Overlay::Detail { .. } => Context::Detail,
            Overlay::Help { .. } => Context::Help,
            Overlay::Warnings { .. } => Context::Warnings,
            Overlay::Resolve(r) => match r.mode {
                ResolveMode::Menu => Context::Dialog,
                ResolveMode::Picker(_) => Context::Picker,
                ResolveMode::Rename(_) => Context::Rename,
                ResolveMode::TakeOver(_) => Context::TakeOver,
            },
            Overlay::Confirm(_) => Context::Confirm,
            Overlay::Commit(_) => Context::Commit,
            Overlay::Export { .. } => Context::Export,
            Overlay::QuitConfirm => Context::QuitConfirm,
            Overlay::Restore(_) => Context::Restore,
            Overlay::None => match self.screen {
                Screen::Loading(_) | Screen::LoadFailed(_) => Context::Loading,
                Screen::Review => Context::List,
                Screen::Applying(_) => Context::Progress,
                Screen::Results(_) => Context::Results,
            },
        }
    }

    /// Who an item key names: the directory entry's username, an ftrack-only user's
    /// username, or the key itself when neither is loaded.
    pub(crate) fn username_of(&self, key: &ItemKey) -> String {
        let Some(review) = &self.review else {
            return key.to_string();
        };
        match key {
            ItemKey::FtrackOnly(id) => self.ftrack_username(id),
            ItemKey::Directory(id) => review
                .dir_index
                .get(id)
                .and_then(|&i| review.session.directory.users[i].username.as_ref())
                .map_or_else(|| key.to_string(), Username::to_string),
        }
    }

    /// The username of an ftrack user, or its id when it is not loaded.
    pub(crate) fn ftrack_username(&self, id: &FtrackId) -> String {
        self.review
            .as_ref()
            .and_then(|r| r.ftrack_index.get(id).map(|&i| &r.session.ftrack.users[i]))
            .map_or_else(|| id.to_string(), |u| u.username.to_string())
    }

    /// Rows of the list on screen, for paging and scrolling.
    pub(crate) fn list_height(&self) -> usize {
        super::view::list_height(self)
    }

    /// Scrolls the list so that the cursor's row is on screen (after the cursor, the rows or
    /// the layout changed).
    pub(crate) fn scroll_list_to_cursor(&mut self) {
        let height = self.list_height();
        if let Some(review) = &mut self.review {
            review.scroll_to_cursor(height);
        }
    }
}
