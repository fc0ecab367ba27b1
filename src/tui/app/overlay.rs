//! The dialogs and inputs shown on top of a screen: what each holds while it is open.

use super::session::RestoreOffer;
use crate::ids::{FtrackId, ItemKey, Username};
use crate::reconcile::decision::Decision;
use crate::reconcile::plan::Summary;
use crate::reconcile::prerequisites::Settled;
use crate::tui::action::Context;
use crate::tui::input::TextInput;
use crate::tui::resolve::{Picker, RenameInput};

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
    /// The plan's warnings in full.
    Warnings {
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
    pub key: ItemKey,
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
    pub ftrack_id: FtrackId,
    pub username: Username,
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

impl CommitScope {
    /// The scope Tab chooses after this one.
    pub fn next(self) -> Self {
        match self {
            Self::All => Self::Marked,
            Self::Marked => Self::View,
            Self::View => Self::All,
        }
    }
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
