//! The console's state: what was loaded, the plan with the admin's decisions, where the
//! cursor is and which dialog is open. [`super::update`] changes it; the views only read it.

use super::action::Context;
use super::input::TextInput;
use super::resolve::{Picker, RenameInput};
use crate::apply::engine::{Applied, ApplyProgress};
use crate::apply::outcome::ItemOutcome;
use crate::clock::Clock;
use crate::model::{DirectorySnapshot, FtrackSnapshot, Links};
use crate::reconcile::decision::{
    ApprovedPlan, Decision, Decisions, item_key, plan_with_decisions,
};
use crate::reconcile::plan::{FieldValue, PlanItem, Summary};
use crate::reconcile::prerequisites::Settled;
use crate::reconcile::{Action, Plan, Policy, Scope};
use crate::report::model::{CommitLog, DecisionEvent, Report, SessionLog};
use crate::source::mapping_rules::Mapping;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// Everything needed to plan, as loaded by the runtime.
#[derive(Debug, Clone)]
pub struct Session {
    /// The directory as read.
    pub directory: DirectorySnapshot,
    /// ftrack's users and groups as read.
    pub ftrack: FtrackSnapshot,
    /// Identity links from the state directory.
    pub links: Links,
    /// The policy (protected users, deactivation rules, managed groups).
    pub policy: Policy,
    /// The rollout scope of the command line.
    pub scope: Scope,
    /// ftrack URL shown in the status bar and the commit summary.
    pub server: String,
    /// The ftrack API user.
    pub api_user: String,
    /// LDAP URI or LDIF path.
    pub directory_source: String,
    /// How directory attributes became fields, to show where each value came from.
    pub mapping: Mapping,
    /// True when groups also come from a group search (nested groups resolved).
    pub group_search: bool,
}

/// How the console starts.
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    /// No colours; the selection is shown in reverse video and bold.
    pub monochrome: bool,
    /// Show the demo banner.
    pub demo: bool,
    /// Decisions to start with: the standing ones, with resumed ones laid over them.
    pub decisions: Decisions,
    /// The standing decisions in force for every run (the state directory's).
    pub recorded: Decisions,
    /// An autosave of an unfinished session to offer restoring.
    pub restore: Option<RestoreOffer>,
    /// Where the time comes from (the date in a report's default file name).
    pub clock: Clock,
    /// Who runs the console (the operating-system user), for the session's journal.
    pub operator: String,
}

/// Which side a load progress message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadStage {
    /// The LDAP directory (or LDIF file).
    Directory,
    /// The ftrack server.
    Ftrack,
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
    /// A report was written.
    Saved {
        /// What, in words.
        what: String,
    },
    /// A save or export failed.
    Failed {
        /// What, in words.
        what: String,
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

/// The buckets of the list, in key order (1-7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// New users.
    Create,
    /// Changed users.
    Update,
    /// Conflicts to resolve.
    Conflict,
    /// Users to deactivate.
    Deactivate,
    /// Users to activate again.
    Reactivate,
    /// Users in sync.
    Unchanged,
    /// Users left alone (skipped by the planner, ignored, out of scope).
    Skipped,
}

impl Bucket {
    /// Every bucket in key order.
    pub const ALL: [Bucket; 7] = [
        Self::Create,
        Self::Update,
        Self::Conflict,
        Self::Deactivate,
        Self::Reactivate,
        Self::Unchanged,
        Self::Skipped,
    ];

    /// The bucket of a planned action.
    pub fn of(action: Action) -> Self {
        match action {
            Action::Create => Self::Create,
            Action::Update => Self::Update,
            Action::Conflict => Self::Conflict,
            Action::Deactivate => Self::Deactivate,
            Action::Reactivate => Self::Reactivate,
            Action::Unchanged => Self::Unchanged,
            Action::Skip => Self::Skipped,
        }
    }

    /// The planned action of the bucket.
    pub fn action(self) -> Action {
        match self {
            Self::Create => Action::Create,
            Self::Update => Action::Update,
            Self::Conflict => Action::Conflict,
            Self::Deactivate => Action::Deactivate,
            Self::Reactivate => Action::Reactivate,
            Self::Unchanged => Action::Unchanged,
            Self::Skipped => Action::Skip,
        }
    }

    /// Position in [`Bucket::ALL`].
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|b| *b == self).unwrap_or(0)
    }

    /// The label in the bucket bar.
    pub fn label(self) -> &'static str {
        match self {
            Self::Create => "Create",
            Self::Update => "Update",
            Self::Conflict => "Conflict",
            Self::Deactivate => "Deactivate",
            Self::Reactivate => "Reactivate",
            Self::Unchanged => "Unchanged",
            Self::Skipped => "Skipped",
        }
    }
}

/// Which screen fills the terminal.
#[derive(Debug)]
pub(crate) enum Screen {
    /// Reading both sides.
    Loading(LoadState),
    /// A side could not be read.
    LoadFailed(String),
    /// The plan, bucket by bucket.
    Review,
    /// The apply is running.
    Applying(ApplyState),
    /// The apply finished.
    Results(ResultsState),
}

/// Progress of the read, per side.
#[derive(Debug, Default)]
pub(crate) struct LoadState {
    pub directory: Option<(usize, u32)>,
    pub ftrack: Option<(usize, u32)>,
    /// A side is being read again: which, the attempt and what failed.
    pub retrying: Option<(LoadStage, u32, String)>,
}

/// An autosave of an unfinished session, offered at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreOffer {
    /// Its decisions.
    pub decisions: Decisions,
    /// When it was written (UTC, RFC 3339), when it says.
    pub saved_at: Option<String>,
}

/// A running apply.
#[derive(Debug)]
pub(crate) struct ApplyState {
    /// Items approved for this apply.
    pub total: usize,
    pub progress: Option<ApplyProgress>,
    /// Items finished so far, latest last.
    pub finished: Vec<ItemOutcome>,
    /// Ctrl-C was pressed; the engine stops after the current batch.
    pub cancelling: bool,
    /// What counts as saved once the commit's standing decisions are recorded.
    pub saved_after: Decisions,
    /// Approved changes the commit leaves out.
    pub left_out: usize,
}

/// A finished apply.
#[derive(Debug)]
pub(crate) struct ResultsState {
    pub applied: Box<Applied>,
    pub scroll: usize,
    /// Approved changes the commit left out (its scope was the marked rows or a view).
    pub left_out: usize,
}

/// A dialog or input on top of the screen.
#[derive(Debug)]
pub(crate) enum Overlay {
    None,
    /// Typing a filter.
    Filter(TextInput),
    /// The full-screen detail.
    Detail {
        scroll: u16,
    },
    /// The key help of a context.
    Help {
        context: Context,
        scroll: u16,
    },
    /// The conflict dialog, the link picker or the rename input.
    Resolve(Box<Resolve>),
    /// A count confirmation for Y/N.
    Confirm(Confirm),
    /// The commit summary.
    Commit(Box<CommitModal>),
    /// The report path input.
    Export {
        path: TextInput,
    },
    /// Quitting with unsaved decisions.
    QuitConfirm,
    /// Restore the autosave of an unfinished session?
    Restore(RestoreOffer),
}

/// Resolving one item.
#[derive(Debug)]
pub(crate) struct Resolve {
    /// The item's key (it keeps its key when it is planned again).
    pub key: String,
    /// Its position in the plan when the dialog opened.
    pub index: usize,
    pub mode: ResolveMode,
    /// Esc goes back to the conflict dialog rather than the list.
    pub from_dialog: bool,
    /// Lines the conflict's explanation is scrolled by.
    pub scroll: u16,
}

/// The part of the resolve dialog that has the keyboard.
#[derive(Debug)]
pub(crate) enum ResolveMode {
    Menu,
    Picker(Picker),
    Rename(RenameInput),
    /// The chosen ftrack user is linked to another entry: take it over?
    TakeOver(Box<TakeOver>),
}

/// Linking to an ftrack user that another directory entry is linked to.
#[derive(Debug)]
pub(crate) struct TakeOver {
    /// The picker to go back to.
    pub picker: Picker,
    pub ftrack_id: String,
    pub username: String,
    /// The other entry (its username).
    pub other: String,
    /// What becomes of the other entry, in words.
    pub consequence: String,
}

/// What Y/N asks to confirm.
#[derive(Debug)]
pub(crate) struct Confirm {
    pub decision: Decision,
    pub items: Vec<usize>,
    /// Set when the rows are what an approved row needs: its username.
    pub needed_by: Option<String>,
}

/// What a commit covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitScope {
    /// Every approved item.
    All,
    /// Approved items that are marked.
    Marked,
    /// Approved items in the current bucket and filter.
    View,
}

/// The commit summary.
#[derive(Debug)]
pub(crate) struct CommitModal {
    pub scope: CommitScope,
    /// Per plan item: part of this commit.
    pub approved: Vec<bool>,
    pub counts: Summary,
    /// Changes pulled in because selected ones need them, and selected ones held back.
    pub settled: Settled,
    /// Approved changes this commit leaves pending.
    pub left_out: usize,
    /// The deactivation count as typed.
    pub typed: String,
}

/// A one-line note in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Note {
    pub text: String,
    pub error: bool,
}

/// One decision change, for undo and redo: key, before, after.
pub(crate) type Change = Vec<(String, Option<Decision>, Option<Decision>)>;

/// The plan and everything derived from it for the list.
#[derive(Debug)]
pub(crate) struct Review {
    pub session: Box<Session>,
    pub plan: Plan,
    /// Decision key per item.
    pub keys: Vec<Option<String>>,
    /// Folded text searched by the filter, per item.
    pub haystack: Vec<String>,
    /// Item positions per bucket.
    pub buckets: [Vec<usize>; 7],
    /// Directory id -> position in the session's directory.
    pub dir_index: HashMap<String, usize>,
    /// ftrack id -> position in the session's ftrack users.
    pub ftrack_index: HashMap<String, usize>,
    pub bucket: Bucket,
    /// The buckets whose rows the list shows: the bucket, and on a narrow board Reactivate
    /// with Create.
    pub lane: Vec<Bucket>,
    /// Where each bucket's cursor and scroll were when the focus left it.
    pub spots: HashMap<Bucket, (usize, usize)>,
    pub filter: String,
    /// The rows of the list: item positions in the lane matching the filter.
    pub view: Vec<usize>,
    pub cursor: usize,
    pub offset: usize,
    /// Marked item keys.
    pub marks: HashSet<String>,
    pub counts: DecisionCounts,
}

/// Decisions on the items that need one (changes and conflicts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecisionCounts {
    /// Changes that will be applied on commit.
    pub approved: usize,
    /// Skipped this time.
    pub skipped: usize,
    /// Still waiting for a decision.
    pub pending: usize,
}

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
    /// Decisions sent to be written with `w`, until `Saved` arrives.
    pub(crate) saving: Option<Decisions>,
    pub(crate) undo: Vec<Change>,
    pub(crate) redo: Vec<Change>,
    pub(crate) screen: Screen,
    pub(crate) overlay: Overlay,
    pub(crate) review: Option<Box<Review>>,
    pub(crate) size: (u16, u16),
    pub(crate) note: Option<Note>,
    pub(crate) tick: u64,
    pub(crate) quit: bool,
    /// Keys to mark once the next load is in (the failures of an apply being retried).
    pub(crate) mark_after_load: Vec<String>,
    /// The exit code of the last failed read, until a read succeeds.
    pub(crate) load_failure: Option<i32>,
    /// The exit code of the last commit.
    pub(crate) last_commit: Option<i32>,
    pub(crate) clock: Clock,
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
            clock: options.clock,
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

    /// True when decisions changed since they were last saved with `w` or committed.
    pub fn unsaved(&self) -> bool {
        self.decisions != self.saved
    }

    /// The standing decisions (ignore, link, rename) that differ from those in force, in words
    /// ("ignore jdoe", "rename ppatel -> pavan.patel"): what quitting without saving drops.
    pub(crate) fn unrecorded_standing(&self) -> Vec<String> {
        let now = self.decisions.standing();
        let keys: std::collections::BTreeSet<&String> = now
            .decisions
            .keys()
            .chain(self.recorded.decisions.keys())
            .collect();
        keys.into_iter()
            .filter_map(|key| {
                let new = now.decisions.get(key);
                let old = self.recorded.decisions.get(key);
                (new != old).then(|| self.describe_standing(key, new, old))
            })
            .collect()
    }

    fn describe_standing(
        &self,
        key: &str,
        new: Option<&Decision>,
        old: Option<&Decision>,
    ) -> String {
        let who = self.username_of(key);
        match (new, old) {
            (Some(Decision::Ignore), _) => format!("ignore {who}"),
            (Some(Decision::Rename { username }), _) => format!("rename {who} -> {username}"),
            (Some(Decision::Link { ftrack_id }), _) => {
                format!(
                    "link {who} -> ftrack user {}",
                    self.ftrack_username(ftrack_id)
                )
            }
            (_, Some(Decision::Ignore)) => format!("stop ignoring {who}"),
            (_, Some(Decision::Rename { .. })) => format!("drop the rename of {who}"),
            _ => format!("drop the link of {who}"),
        }
    }

    /// Approvals and skips for this run that were neither saved nor committed.
    pub(crate) fn unsaved_one_run(&self) -> usize {
        let one_run = |d: Option<&Decision>| d.is_some_and(|d| !d.is_standing());
        let keys: std::collections::BTreeSet<&String> = self
            .decisions
            .decisions
            .keys()
            .chain(self.saved.decisions.keys())
            .collect();
        keys.into_iter()
            .filter(|key| {
                let new = self.decisions.decisions.get(*key);
                let old = self.saved.decisions.get(*key);
                new != old && (one_run(new) || one_run(old))
            })
            .count()
    }

    /// Who an item key names: the directory entry's username, an ftrack-only user's
    /// username, or the key itself when neither is loaded.
    pub(crate) fn username_of(&self, key: &str) -> String {
        let Some(review) = &self.review else {
            return key.to_string();
        };
        if let Some(id) = key.strip_prefix("ftrack:") {
            return self.ftrack_username(id);
        }
        review
            .dir_index
            .get(key)
            .and_then(|&i| review.session.directory.users[i].username.clone())
            .unwrap_or_else(|| key.to_string())
    }

    /// The username of an ftrack user, or its id when it is not loaded.
    pub(crate) fn ftrack_username(&self, id: &str) -> String {
        self.review
            .as_ref()
            .and_then(|r| r.ftrack_index.get(id).map(|&i| &r.session.ftrack.users[i]))
            .map_or_else(|| id.to_string(), |u| u.username.clone())
    }

    /// Rows of the list on screen, for paging and scrolling.
    pub(crate) fn list_height(&self) -> usize {
        super::view::list_height(self)
    }
}

/// The plan for a session with decisions applied, as `plan_with_state` makes it.
pub fn plan_session(session: &Session, decisions: &Decisions) -> Plan {
    plan_with_decisions(
        &session.directory,
        &session.ftrack,
        &session.links,
        &session.policy,
        &session.scope,
        decisions,
    )
}

/// True for items that wait for an admin's decision.
pub(crate) fn needs_decision(action: Action) -> bool {
    action.is_change() || action == Action::Conflict
}

impl Review {
    /// The review of a freshly loaded session.
    pub fn new(session: Box<Session>, decisions: &Decisions) -> Self {
        let dir_index = session
            .directory
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.clone(), i))
            .collect();
        let ftrack_index = session
            .ftrack
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.clone(), i))
            .collect();
        let plan = plan_session(&session, decisions);
        let mut review = Self {
            session,
            plan,
            keys: Vec::new(),
            haystack: Vec::new(),
            buckets: Default::default(),
            dir_index,
            ftrack_index,
            bucket: Bucket::Create,
            lane: vec![Bucket::Create],
            spots: HashMap::new(),
            filter: String::new(),
            view: Vec::new(),
            cursor: 0,
            offset: 0,
            marks: HashSet::new(),
            counts: DecisionCounts::default(),
        };
        review.derive();
        review.bucket = Bucket::ALL
            .into_iter()
            .find(|b| !review.buckets[b.index()].is_empty())
            .unwrap_or(Bucket::Create);
        review.lane = vec![review.bucket];
        review.recount(decisions);
        review.rebuild_view();
        review
    }

    /// Plans again after a standing decision changed. The cursor stays on its item while the
    /// item stays in the view, else on the row that took its place (the next conflict, when
    /// a conflict was resolved).
    pub fn replan(&mut self, decisions: &Decisions) {
        let current = self.current().and_then(|i| self.keys[i].clone());
        let row = self.cursor;
        self.set_plan(plan_session(&self.session, decisions), decisions);
        // The view holds positions in the old plan: rebuild it from nothing.
        self.view.clear();
        self.rebuild_view();
        self.cursor = current
            .and_then(|key| self.position_of(&key))
            .unwrap_or_else(|| row.min(self.view.len().saturating_sub(1)));
    }

    /// Takes a new plan and derives the buckets, keys and counts from it.
    pub fn set_plan(&mut self, plan: Plan, decisions: &Decisions) {
        self.plan = plan;
        self.derive();
        self.recount(decisions);
    }

    fn derive(&mut self) {
        self.keys = self.plan.items.iter().map(item_key).collect();
        let haystack: Vec<String> = self
            .plan
            .items
            .iter()
            .map(|item| self.searchable_text(item))
            .collect();
        self.haystack = haystack;
        let mut buckets: [Vec<usize>; 7] = Default::default();
        for (i, item) in self.plan.items.iter().enumerate() {
            buckets[Bucket::of(item.action).index()].push(i);
        }
        self.buckets = buckets;
    }

    /// What the filter searches for an item, folded: username, name, DN, both sides' emails
    /// and groups, and the groups the item adds or removes.
    fn searchable_text(&self, item: &PlanItem) -> String {
        let mut parts: Vec<&str> = vec![&item.username, &item.name];
        if let Some(entry) = item
            .directory
            .as_ref()
            .and_then(|d| self.dir_index.get(&d.id))
            .map(|&i| &self.session.directory.users[i])
        {
            parts.push(&entry.dn);
            parts.extend(entry.email.as_deref());
            parts.extend(entry.groups.iter().map(String::as_str));
        }
        if let Some(user) = item
            .ftrack
            .as_ref()
            .and_then(|f| self.ftrack_index.get(&f.id))
            .map(|&i| &self.session.ftrack.users[i])
        {
            parts.extend(user.email.as_deref());
            parts.extend(user.groups.iter().map(String::as_str));
        }
        for change in &item.changes {
            if let Some(FieldValue::Text(value)) = &change.to {
                parts.push(value);
            }
        }
        parts.extend(item.groups.add.iter().map(String::as_str));
        parts.extend(item.groups.remove.iter().map(String::as_str));
        parts.join("\u{0}").to_lowercase()
    }

    /// Counts approved, skipped and pending items.
    pub fn recount(&mut self, decisions: &Decisions) {
        let mut counts = DecisionCounts::default();
        for (item, key) in self.plan.items.iter().zip(&self.keys) {
            if !needs_decision(item.action) {
                continue;
            }
            let decision = key.as_ref().and_then(|k| decisions.decisions.get(k));
            match decision {
                Some(Decision::Skip) => counts.skipped += 1,
                Some(Decision::Approve | Decision::Link { .. } | Decision::Rename { .. })
                    if item.action.is_change() =>
                {
                    counts.approved += 1
                }
                _ => counts.pending += 1,
            }
        }
        self.counts = counts;
    }

    /// The rows of the current bucket that match the filter; the cursor stays on its item
    /// when it is still there.
    pub fn rebuild_view(&mut self) {
        let current = self
            .view
            .get(self.cursor)
            .and_then(|&i| self.keys[i].clone());
        self.view = self.rows_of(&self.lane);

        let found = current.and_then(|key| self.position_of(&key));
        self.cursor = found.unwrap_or(self.cursor.min(self.view.len().saturating_sub(1)));
    }

    /// The items of these buckets that match the filter, in plan order.
    pub fn rows_of(&self, buckets: &[Bucket]) -> Vec<usize> {
        let needle = self.filter.to_lowercase();
        let mut rows: Vec<usize> = buckets
            .iter()
            .flat_map(|b| &self.buckets[b.index()])
            .copied()
            .filter(|&i| needle.is_empty() || self.haystack[i].contains(&needle))
            .collect();
        if buckets.len() > 1 {
            rows.sort_unstable();
        }
        rows
    }

    /// The row of an item in the view.
    pub fn position_of(&self, key: &str) -> Option<usize> {
        self.view
            .iter()
            .position(|&i| self.keys[i].as_deref() == Some(key))
    }

    /// The plan position of an item.
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.keys.iter().position(|k| k.as_deref() == Some(key))
    }

    /// The item under the cursor.
    pub fn current(&self) -> Option<usize> {
        self.view.get(self.cursor).copied()
    }

    /// Keeps the cursor row on screen.
    pub fn scroll_to_cursor(&mut self, height: usize) {
        self.offset = visible_range(self.view.len(), self.cursor, self.offset, height).start;
    }
}

/// The rows to draw: starts at `offset` unless that hides the cursor; at most `height` rows.
pub fn visible_range(
    len: usize,
    cursor: usize,
    offset: usize,
    height: usize,
) -> std::ops::Range<usize> {
    if height == 0 || len == 0 {
        return 0..0;
    }
    let cursor = cursor.min(len - 1);
    let mut start = offset.min(len.saturating_sub(height));
    if cursor < start {
        start = cursor;
    } else if cursor >= start + height {
        start = cursor + 1 - height;
    }
    start..(start + height).min(len)
}
