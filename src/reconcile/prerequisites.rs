//! Committing some rows: the changes they need come along, or the rows are held back with
//! the reason. The console's scoped commits and `apply --decisions` share these rules.

use super::decision::item_key;
use super::needs::Need;
use super::plan::Plan;
use crate::ids::ItemKey;
use std::collections::HashMap;

/// A change added to a selection because a selected change needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulledIn {
    /// The plan position of the change added.
    pub item: usize,
    /// The plan position of the change that needs it.
    pub needed_by: usize,
}

/// A selected change left out: something it needs cannot come along.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldBack {
    /// Its plan position.
    pub item: usize,
    /// Why, in words ("needs rename ppatel -> priya.patel, which was skipped").
    pub reason: String,
}

/// What settling a selection did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settled {
    /// Changes added because selected ones need them, in the order they were added.
    pub pulled_in: Vec<PulledIn>,
    /// Selected changes taken out, with the reason.
    pub held_back: Vec<HeldBack>,
}

/// Completes `selected` (per plan item): every selected change's prerequisites are selected
/// too, transitively. A change whose prerequisite cannot come along is unselected instead:
/// `refusal` says why an item may not be pulled in (skipped by the admin, say), and a change
/// that is not in the plan or not a change cannot be pulled in either.
pub fn settle(
    plan: &Plan,
    selected: &mut [bool],
    refusal: impl Fn(usize) -> Option<String>,
) -> Settled {
    let position: HashMap<ItemKey, usize> = plan
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| Some((item_key(item)?, i)))
        .collect();
    let prerequisites = |i: usize| -> Vec<(Option<usize>, &Need)> {
        plan.items[i]
            .needs
            .iter()
            .filter_map(|need| match need {
                Need::Rename { key, .. } => Some((position.get(key).copied(), need)),
                Need::Group { .. } => None,
            })
            .collect()
    };
    let blocked = blocked_items(plan, &prerequisites, &refusal);
    let mut settled = Settled::default();
    for (i, chosen) in selected.iter_mut().enumerate() {
        if *chosen && let Some(reason) = &blocked[i] {
            *chosen = false;
            settled.held_back.push(HeldBack {
                item: i,
                reason: reason.clone(),
            });
        }
    }
    let mut todo: Vec<usize> = (0..selected.len()).filter(|&i| selected[i]).collect();
    while let Some(i) = todo.pop() {
        for (j, _) in prerequisites(i) {
            if let Some(j) = j
                && !selected[j]
            {
                selected[j] = true;
                settled.pulled_in.push(PulledIn {
                    item: j,
                    needed_by: i,
                });
                todo.push(j);
            }
        }
    }
    settled
}

/// Per item, why it cannot be committed whatever else is: a prerequisite it needs (directly
/// or through another) is missing, not a change, or refused.
fn blocked_items<'p>(
    plan: &'p Plan,
    prerequisites: &impl Fn(usize) -> Vec<(Option<usize>, &'p Need)>,
    refusal: &impl Fn(usize) -> Option<String>,
) -> Vec<Option<String>> {
    let mut blocked: Vec<Option<String>> = vec![None; plan.items.len()];
    // A chain of n renames settles in n rounds; each round blocks at least one more item.
    loop {
        let mut changed = false;
        for i in 0..plan.items.len() {
            if blocked[i].is_some() {
                continue;
            }
            let why = prerequisites(i).into_iter().find_map(|(j, need)| {
                let why = match j {
                    None => "which is not in this plan".to_string(),
                    Some(j) if !plan.items[j].action.is_change() => {
                        "which is not a change in this plan".to_string()
                    }
                    Some(j) => refusal(j)
                        .map(|r| format!("which {r}"))
                        .or_else(|| blocked[j].as_ref().map(|_| "which is held back too".into()))?,
                };
                Some(format!("needs {need}, {why}"))
            });
            if why.is_some() {
                blocked[i] = why;
                changed = true;
            }
        }
        if !changed {
            return blocked;
        }
    }
}
