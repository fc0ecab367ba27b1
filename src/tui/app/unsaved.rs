//! What quitting would drop: decisions of the session that are neither saved nor committed,
//! in words for the quit question.

use super::App;
use crate::ids::ItemKey;
use crate::reconcile::decision::Decision;
use std::collections::BTreeSet;

impl App {
    /// True when decisions changed since they were last saved with `w` or committed.
    pub fn unsaved(&self) -> bool {
        self.decisions != self.saved
    }

    /// The standing decisions (ignore, link, rename) that differ from those in force, in words
    /// ("ignore jdoe", "rename ppatel -> pavan.patel"): what quitting without saving drops.
    pub(crate) fn unrecorded_standing(&self) -> Vec<String> {
        let now = self.decisions.standing();
        let keys: BTreeSet<&ItemKey> = now
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
        key: &ItemKey,
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
        let keys: BTreeSet<&ItemKey> = self
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
}
