//! Resolving a conflict: the link picker (candidates ranked best first, searchable) and the
//! rename input (validated as the admin types).

use super::app::Session;
use super::input::TextInput;
use crate::ids::FtrackId;
use crate::model::{DirectoryUser, FtrackSnapshot, FtrackUser};
use crate::reconcile::conflict::check_username;
use crate::reconcile::needs::username_taken;
use crate::reconcile::plan::{Plan, PlanItem};
use crate::reconcile::policy::UsernameCase;
use std::collections::{HashMap, HashSet};

/// How well an ftrack user matches the entry being linked, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    /// The same email address.
    Email,
    /// The same first and last name.
    Name,
    /// The same username.
    Username,
    /// A similar username.
    Similar,
    /// Only named by the planner as involved in the conflict.
    Involved,
    /// Nothing in common.
    None,
}

impl Match {
    /// The words shown in the picker.
    pub fn label(self) -> &'static str {
        match self {
            Self::Email => "same email",
            Self::Name => "same name",
            Self::Username => "same username",
            Self::Similar => "similar username",
            Self::Involved => "in the conflict",
            Self::None => "",
        }
    }
}

/// One ftrack user offered by the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    /// Position in the session's ftrack users.
    pub index: usize,
    /// How well it matches.
    pub why: Match,
    /// Username similarity (0-1000), which orders the similar ones.
    pub similarity: u32,
    /// True when the planner named it as involved in the conflict (first within its kind).
    pub candidate: bool,
    /// The directory entry it is linked to already (its username), if another one.
    pub linked_to: Option<String>,
}

/// The link picker: every ftrack user, best matches first, narrowed by a search.
#[derive(Debug)]
pub struct Picker {
    ranked: Vec<Ranked>,
    /// The search as typed.
    pub query: TextInput,
    /// Positions in the ranking that match the search.
    pub matches: Vec<usize>,
    /// The highlighted match.
    pub selected: usize,
}

fn fold(text: &str) -> String {
    text.to_lowercase()
}

/// Character bigrams of a folded text.
fn bigrams(text: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// "first last", folded, for comparing names.
fn full_name(first: Option<&str>, last: Option<&str>) -> String {
    fold(&format!("{} {}", first.unwrap_or(""), last.unwrap_or("")))
}

/// Dice similarity of two folded texts (0-1000).
fn similarity(a: &[(char, char)], b: &str) -> u32 {
    let b = bigrams(b);
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    let mut pool = b.clone();
    let mut common = 0;
    for pair in a {
        if let Some(pos) = pool.iter().position(|p| p == pair) {
            pool.swap_remove(pos);
            common += 1;
        }
    }
    (2000 * common / (a.len() + b.len())) as u32
}

/// What the entry being linked looks for in an ftrack user.
struct Wanted<'a> {
    /// The ftrack users the planner named in the conflict.
    candidates: HashSet<&'a str>,
    email: Option<String>,
    name: Option<String>,
    username: String,
    username_pairs: Vec<(char, char)>,
}

impl<'a> Wanted<'a> {
    fn new(item: &'a PlanItem, entry: Option<&DirectoryUser>) -> Self {
        let username = fold(
            entry
                .and_then(|e| e.username.as_deref())
                .unwrap_or(&item.username),
        );
        Self {
            candidates: item
                .conflict
                .as_ref()
                .map(|c| c.candidates.iter().map(|c| c.id.as_str()).collect())
                .unwrap_or_default(),
            email: entry.and_then(|e| e.email.as_deref()).map(fold),
            name: entry
                .map(|e| full_name(e.first_name.as_deref(), e.last_name.as_deref()))
                .filter(|n| !n.trim().is_empty()),
            username_pairs: bigrams(&username),
            username,
        }
    }

    /// How well one ftrack user matches (not yet who it is linked to).
    fn rank(&self, index: usize, user: &FtrackUser) -> Ranked {
        let username = fold(&user.username);
        let similarity = similarity(&self.username_pairs, &username);
        let candidate = self.candidates.contains(user.id.as_str());
        let why = if self.email.is_some() && user.email.as_deref().map(fold) == self.email {
            Match::Email
        } else if self.name.is_some()
            && self.name == Some(full_name(Some(&user.first_name), Some(&user.last_name)))
        {
            Match::Name
        } else if username == self.username {
            Match::Username
        } else if similarity >= 400 {
            Match::Similar
        } else if candidate {
            Match::Involved
        } else {
            Match::None
        };
        Ranked {
            index,
            why,
            similarity,
            candidate,
            linked_to: None,
        }
    }
}

impl Picker {
    /// Ranks every ftrack user for the item: same email, then same full name, then same or
    /// similar username, then those the planner named in the conflict, then everyone else by
    /// username; within a kind the planner's candidates come first, so a weak match never
    /// outranks a strong one. `linked` maps ftrack ids to the other entries linked to them.
    /// Protected accounts (the API user, `protected_users`) are never offered.
    pub fn new(
        item: &PlanItem,
        entry: Option<&DirectoryUser>,
        ftrack: &FtrackSnapshot,
        protected: &[String],
        linked: &HashMap<FtrackId, String>,
    ) -> Self {
        let protected: HashSet<String> = protected.iter().map(|p| fold(p)).collect();
        let wanted = Wanted::new(item, entry);
        let mut ranked: Vec<Ranked> = ftrack
            .users
            .iter()
            .enumerate()
            .filter(|(_, user)| !protected.contains(&fold(&user.username)))
            .map(|(index, user)| Ranked {
                linked_to: linked.get(&user.id).cloned(),
                ..wanted.rank(index, user)
            })
            .collect();
        ranked.sort_by(|a, b| {
            a.why
                .cmp(&b.why)
                .then_with(|| b.candidate.cmp(&a.candidate))
                .then_with(|| b.similarity.cmp(&a.similarity))
                .then_with(|| {
                    ftrack.users[a.index]
                        .username
                        .cmp(&ftrack.users[b.index].username)
                })
        });
        Self {
            matches: (0..ranked.len()).collect(),
            ranked,
            query: TextInput::default(),
            selected: 0,
        }
    }

    /// A picker with nothing in it (a placeholder while the real one is elsewhere).
    pub fn empty() -> Self {
        Self {
            ranked: Vec::new(),
            query: TextInput::default(),
            matches: Vec::new(),
            selected: 0,
        }
    }

    /// The highlighted entry of the ranking.
    pub fn chosen_entry(&self) -> Option<&Ranked> {
        self.entry(self.selected)
    }

    /// Narrows the list to users whose username, name or email contains the search.
    pub fn search(&mut self, ftrack: &FtrackSnapshot) {
        let needle = fold(self.query.text());
        self.matches = self
            .ranked
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                let u = &ftrack.users[r.index];
                needle.is_empty()
                    || fold(&u.username).contains(&needle)
                    || fold(&format!("{} {}", u.first_name, u.last_name)).contains(&needle)
                    || u.email
                        .as_deref()
                        .is_some_and(|e| fold(e).contains(&needle))
            })
            .map(|(i, _)| i)
            .collect();
        self.selected = 0;
    }

    /// The match at a position of the filtered list.
    pub fn entry(&self, position: usize) -> Option<&Ranked> {
        self.matches.get(position).map(|&i| &self.ranked[i])
    }

    /// The highlighted ftrack user.
    pub fn chosen<'a>(&self, ftrack: &'a FtrackSnapshot) -> Option<&'a FtrackUser> {
        self.entry(self.selected).map(|r| &ftrack.users[r.index])
    }

    /// Moves the highlight by `delta` rows, staying inside the list.
    pub fn step(&mut self, delta: isize) {
        let last = self.matches.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
    }
}

/// The rename input: the new username, whether it can be used, and suggestions.
#[derive(Debug)]
pub struct RenameInput {
    /// As typed.
    pub input: TextInput,
    /// Why it cannot be used; `None` when it can.
    pub error: Option<String>,
    /// Usernames built from the entry that can be used (mail local part, given.family,
    /// initial and family name), best first.
    pub suggestions: Vec<String>,
    /// The suggestion Tab puts in next.
    next: usize,
    /// Every username the run will hold, keyed under the case rule -> who holds it, in words.
    holders: HashMap<String, String>,
    case: UsernameCase,
}

impl RenameInput {
    /// An input for one item, starting with its current username. A name counts as taken
    /// when any ftrack user holds it, a planned create or rename takes it, or any other
    /// directory entry maps to it, compared by the configured case rule.
    pub fn new(plan: &Plan, index: usize, session: &Session) -> Self {
        let item = &plan.items[index];
        let case = session.policy.username_case;
        let own_user = item.ftrack.as_ref().map(|f| f.id.as_str());
        let own_entry = item.directory.as_ref().map(|d| d.id.as_str());
        let mut holders = HashMap::new();
        let mut hold = |name: &str, who: String| {
            holders.entry(key(case, name)).or_insert(who);
        };
        for user in &session.ftrack.users {
            if Some(user.id.as_str()) != own_user {
                hold(&user.username, format!("ftrack user {}", user.username));
            }
        }
        for (i, other) in plan.items.iter().enumerate() {
            if i != index
                && let Some(name) = username_taken(other)
            {
                hold(
                    name,
                    format!("the planned {} of {}", other.action.name(), other.name),
                );
            }
        }
        for entry in &session.directory.users {
            if Some(entry.id.as_str()) != own_entry
                && let Some(name) = &entry.username
            {
                hold(name, format!("directory entry {}", entry.dn));
            }
        }
        let mut input = Self {
            input: TextInput::new(&item.username),
            error: None,
            suggestions: Vec::new(),
            next: 0,
            holders,
            case,
        };
        let entry = own_entry.and_then(|id| session.directory.users.iter().find(|u| u.id == id));
        input.suggestions = input.suggest(entry);
        input.validate();
        input
    }

    /// Checks the input: not empty, allowed characters, length, not held by anyone else.
    pub fn validate(&mut self) {
        self.error = self.problem(self.input.text());
    }

    /// Puts the next suggestion in the input (Tab), cycling.
    pub fn take_suggestion(&mut self) -> bool {
        let Some(next) = self
            .suggestions
            .get(self.next % self.suggestions.len().max(1))
        else {
            return false;
        };
        self.input.set(next);
        self.next += 1;
        self.validate();
        true
    }

    /// Usernames built from the entry that pass validation, without repeats.
    fn suggest(&self, entry: Option<&DirectoryUser>) -> Vec<String> {
        let Some(entry) = entry else {
            return Vec::new();
        };
        let squash = |text: &str| -> String {
            text.to_lowercase()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect()
        };
        let given = entry.first_name.as_deref().map(squash).unwrap_or_default();
        let family = entry.last_name.as_deref().map(squash).unwrap_or_default();
        let mut ideas = Vec::new();
        if let Some((local, _)) = entry.email.as_deref().and_then(|e| e.split_once('@')) {
            ideas.push(squash(local));
        }
        if !given.is_empty() && !family.is_empty() {
            ideas.push(format!("{given}.{family}"));
            ideas.extend(
                given
                    .chars()
                    .next()
                    .map(|initial| format!("{initial}{family}")),
            );
        }
        let mut found: Vec<String> = Vec::new();
        for idea in ideas {
            if self.problem(&idea).is_none() && !found.contains(&idea) {
                found.push(idea);
            }
        }
        found
    }

    /// Why a username cannot be used: the planner's check of every username, then whether
    /// anyone in the run holds it.
    fn problem(&self, text: &str) -> Option<String> {
        if let Err(why) = check_username(text) {
            return Some(why);
        }
        self.holders
            .get(&key(self.case, text))
            .map(|who| format!("{text:?} is taken: {who} has it"))
    }
}

/// A username as the case rule compares it.
fn key(case: UsernameCase, name: &str) -> String {
    match case {
        UsernameCase::Insensitive => fold(name),
        UsernameCase::Sensitive => name.to_string(),
    }
}
