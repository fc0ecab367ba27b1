//! The operations a run sends, in the order it sends them, each with the item that owns it.

use super::ReadError;
use super::ledger::Ledger;
use crate::apply::access::LiveAccess;
use crate::apply::api::FtrackApi;
use crate::apply::custom::LiveCustom;
use crate::apply::operations::{ItemOperations, Lookups, create_group, item_operations};
use crate::apply::outcome::ItemStatus;
use crate::apply::preflight::{LiveState, new_username};
use crate::ftrack::wire::Operation;
use crate::ids::FtrackId;
use crate::reconcile::plan::{Action, Plan, PlanItem};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// Operations in the order they will be sent, each with the item that owns it.
#[derive(Default)]
pub(super) struct Work {
    pub(super) operations: Vec<Operation>,
    pub(super) owners: Vec<Option<usize>>,
    /// Item -> (first, last) operation position.
    spans: HashMap<usize, (usize, usize)>,
    /// Position of each group create, and the group's name.
    pub(super) groups: Vec<(usize, String)>,
    /// Where each segment begins: a run of operations whose items do not depend on one
    /// another (the group creates, each phase, each round of renames). Segments are sent
    /// one after the other; the batches of one segment may go out together.
    segment_starts: Vec<usize>,
}

/// The work for the items of `todo` that are still open: missing managed groups first, then
/// each phase in turn. An item that cannot be turned into operations fails here.
pub(super) async fn prepare(
    api: &dyn FtrackApi,
    plan: &Plan,
    todo: &[usize],
    live: &LiveState,
    ledger: &mut Ledger,
) -> Result<Work, ReadError> {
    let items = &plan.items;
    let mut work = Work::default();
    let open: Vec<usize> = todo.iter().copied().filter(|&i| ledger.open(i)).collect();
    let group_ids = prepare_groups(api, &plan.groups_to_create, items, &open, &mut work).await?;
    let access = read_access_if_needed(api, items, &open).await?;
    let custom = read_custom_if_needed(api, items, &open).await?;
    let lookups = Lookups {
        access: access.as_ref(),
        custom: custom.as_ref(),
    };
    for round in Phase::ORDER
        .into_iter()
        .flat_map(|phase| phase.rounds(items, &open))
    {
        work.begin_segment();
        for i in round {
            let live_user = items[i].ftrack.as_ref().and_then(|f| live.by_id.get(&f.id));
            match item_operations(&items[i], live_user, &group_ids, lookups) {
                Ok(ItemOperations {
                    operations,
                    created_id,
                }) => {
                    ledger.created[i] = created_id;
                    work.add(Some(i), operations);
                }
                Err(error) => ledger.settle(
                    i,
                    ItemStatus::Failed {
                        error: error.to_string(),
                    },
                ),
            }
        }
    }
    Ok(work)
}

/// ftrack's roles, projects and users' roles, when an open item changes the roles of an
/// existing user (new users' roles are set once they exist).
async fn read_access_if_needed(
    api: &dyn FtrackApi,
    items: &[PlanItem],
    open: &[usize],
) -> Result<Option<LiveAccess>, ReadError> {
    let users: Vec<FtrackId> = open
        .iter()
        .map(|&i| &items[i])
        .filter(|item| !item.roles.is_empty() && item.action != Action::Create)
        .filter_map(|item| item.ftrack.as_ref().map(|f| f.id.clone()))
        .collect();
    if users.is_empty() {
        return Ok(None);
    }
    let access = api.access(&users).await.map_err(ReadError::Access)?;
    Ok(Some(LiveAccess::new(access)))
}

/// ftrack's user custom attributes, when an open item changes the values of an existing user
/// (new users' values are set once they exist).
async fn read_custom_if_needed(
    api: &dyn FtrackApi,
    items: &[PlanItem],
    open: &[usize],
) -> Result<Option<LiveCustom>, ReadError> {
    let changes_values =
        |i: usize| !items[i].custom.is_empty() && items[i].action != Action::Create;
    if !open.iter().any(|&i| changes_values(i)) {
        return Ok(None);
    }
    let configurations = api.custom_attributes().await.map_err(ReadError::Custom)?;
    Ok(Some(LiveCustom::new(configurations)))
}

/// Ids of every group the items need, adding creates for managed groups ftrack lacks.
async fn prepare_groups(
    api: &dyn FtrackApi,
    to_create: &[String],
    items: &[PlanItem],
    open: &[usize],
    work: &mut Work,
) -> Result<HashMap<String, String>, ReadError> {
    let needed: HashSet<&String> = open.iter().flat_map(|&i| &items[i].groups.add).collect();
    if needed.is_empty() {
        return Ok(HashMap::new());
    }
    let mut ids: HashMap<String, String> = api
        .groups()
        .await
        .map_err(ReadError::Groups)?
        .into_iter()
        .map(|g| (g.name, g.id))
        .collect();
    work.begin_segment();
    for name in to_create {
        if needed.contains(name) && !ids.contains_key(name) {
            let (id, operation) = create_group(name);
            work.groups.push((work.operations.len(), name.clone()));
            work.add(None, vec![operation]);
            ids.insert(name.clone(), id);
        }
    }
    Ok(ids)
}

impl Work {
    /// Starts a new segment at the next operation.
    fn begin_segment(&mut self) {
        self.segment_starts.push(self.operations.len());
    }

    /// The segments, in order, without empty ones.
    pub(super) fn segments(&self) -> Vec<Range<usize>> {
        let mut starts = self.segment_starts.clone();
        starts.push(self.operations.len());
        starts
            .windows(2)
            .map(|pair| pair[0]..pair[1])
            .filter(|range| !range.is_empty())
            .collect()
    }

    /// The end of the unit the operation at `position` starts: its item's operations (an
    /// item's are contiguous), or the operation alone when no item owns it.
    pub(super) fn unit_end(&self, position: usize) -> usize {
        self.owners[position]
            .and_then(|i| self.spans.get(&i))
            .map_or(position + 1, |&(_, last)| last + 1)
    }

    fn add(&mut self, owner: Option<usize>, operations: Vec<Operation>) {
        for operation in operations {
            let position = self.operations.len();
            if let Some(i) = owner {
                let span = self.spans.entry(i).or_insert((position, position));
                span.1 = position;
            }
            self.operations.push(operation);
            self.owners.push(owner);
        }
    }

    /// How many operations there are.
    pub(super) fn len(&self) -> usize {
        self.operations.len()
    }

    /// The items owning operations in `start..end`, each once, in order (an item's
    /// operations are contiguous).
    pub(super) fn owners_between(&self, start: usize, end: usize) -> Vec<usize> {
        let mut owners: Vec<usize> = self.owners[start..end].iter().flatten().copied().collect();
        owners.dedup();
        owners
    }

    /// The position of the item's first operation, if it has any.
    pub(super) fn first_of(&self, item: usize) -> Option<usize> {
        self.spans.get(&item).map(|s| s.0)
    }

    /// Items whose last operation lies in `start..end`, in order.
    pub(super) fn finished_between(&self, start: usize, end: usize) -> Vec<usize> {
        let mut items: Vec<(usize, usize)> = self
            .spans
            .iter()
            .filter(|(_, (_, last))| (start..end).contains(last))
            .map(|(item, (_, last))| (*last, *item))
            .collect();
        items.sort_unstable();
        items.into_iter().map(|(_, item)| item).collect()
    }
}

/// The order of the work: renames first, because they free usernames that creates and other
/// renames may take; deactivations last, so nobody loses access before their changes land.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Renames,
    Creates,
    Updates,
    Deactivations,
}

impl Phase {
    const ORDER: [Self; 4] = [
        Self::Renames,
        Self::Creates,
        Self::Updates,
        Self::Deactivations,
    ];

    fn of(item: &PlanItem) -> Option<Self> {
        match item.action {
            Action::Create => Some(Self::Creates),
            Action::Update | Action::Reactivate if renames(item) => Some(Self::Renames),
            Action::Update | Action::Reactivate => Some(Self::Updates),
            Action::Deactivate => Some(Self::Deactivations),
            _ => None,
        }
    }

    /// The items of `open` in this phase, in the order they must be sent, in rounds: an item
    /// may depend on one of an earlier round (a rename taking a username another frees),
    /// never on one of its own.
    fn rounds(self, items: &[PlanItem], open: &[usize]) -> Vec<Vec<usize>> {
        let members: Vec<usize> = open
            .iter()
            .copied()
            .filter(|&i| Self::of(&items[i]) == Some(self))
            .collect();
        if self == Self::Renames {
            rename_rounds(items, members)
        } else {
            vec![members]
        }
    }
}

/// True for an update that gives an existing user a new username.
pub(super) fn renames(item: &PlanItem) -> bool {
    item.action != Action::Create && new_username(item).is_some()
}

/// Orders renames in rounds so that a user moves off a username (`b -> c`, first round)
/// before another takes it (`a -> b`, a later round). Cycles cannot be ordered; they keep
/// their order in a last round and the server decides.
fn rename_rounds(items: &[PlanItem], mut pending: Vec<usize>) -> Vec<Vec<usize>> {
    let mut ordered = Vec::new();
    while !pending.is_empty() {
        let held: HashSet<String> = pending
            .iter()
            .filter_map(|&i| items[i].ftrack.as_ref().map(|f| f.username.to_lowercase()))
            .collect();
        let (free, blocked): (Vec<usize>, Vec<usize>) = pending.iter().partition(|&&i| {
            new_username(&items[i]).is_none_or(|name| !held.contains(&name.to_lowercase()))
        });
        if free.is_empty() {
            ordered.push(blocked);
            break;
        }
        ordered.push(free);
        pending = blocked;
    }
    ordered
}

#[cfg(test)]
impl Work {
    /// Work of `segments`, each a list of units: the owning item (none for a group create)
    /// and how many operations it has.
    pub(super) fn of_units(segments: &[&[(Option<usize>, usize)]]) -> Self {
        let mut work = Self::default();
        for units in segments {
            work.begin_segment();
            for &(owner, count) in *units {
                let operation = Operation::QueryServerInformation { values: None };
                work.add(owner, vec![operation; count]);
            }
        }
        work
    }
}
