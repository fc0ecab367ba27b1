//! Which screen fills the terminal, and the state of each: the read, the running apply and
//! its results.

use super::msg::LoadStage;
use crate::apply::engine::{Applied, ApplyProgress};
use crate::apply::outcome::ItemOutcome;
use crate::reconcile::decision::Decisions;

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
