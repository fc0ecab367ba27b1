//! Resolving a conflict: the link picker (candidates ranked best first, searchable) and the
//! rename input (validated as the admin types).

use super::app::Session;
use crate::model::{DirectoryUser, FtrackSnapshot, FtrackUser};
use crate::reconcile::needs::username_taken;
use crate::reconcile::plan::{Plan, PlanItem};
use crate::reconcile::policy::UsernameCase;
use std::collections::{HashMap, HashSet};

/// Longest ftrack username.
const MAX_USERNAME: usize = 255;

/// One ftrack user offered by the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    /// Position in the session's ftrack users.
    pub index: usize,
    /// Higher is a better match.
    pub score: u32,
    /// Why it is offered, in words (empty for the rest of the users).
    pub why: &'static str,
}

/// The link picker: every ftrack user, best matches first, narrowed by a search.
#[derive(Debug)]
pub struct Picker {
    ranked: Vec<Ranked>,
    /// The search as typed.
    pub query: String,
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

impl Picker {
    /// Ranks every ftrack user for the item: the planner's candidates first, then same email,
    /// same name, similar username, then everyone else by username. Protected accounts (the
    /// API user, `protected_users`) are never offered: this tool must not manage them.
    pub fn new(
        item: &PlanItem,
        entry: Option<&DirectoryUser>,
        ftrack: &FtrackSnapshot,
        protected: &[String],
    ) -> Self {
        let protected: HashSet<String> = protected.iter().map(|p| fold(p)).collect();
        let candidates: Vec<&str> = item
            .conflict
            .as_ref()
            .map(|c| c.candidates.iter().map(|c| c.id.as_str()).collect())
            .unwrap_or_default();
        let email = entry.and_then(|e| e.email.as_deref()).map(fold);
        let name = entry.map(|e| {
            fold(&format!(
                "{} {}",
                e.first_name.as_deref().unwrap_or(""),
                e.last_name.as_deref().unwrap_or("")
            ))
        });
        let name = name.filter(|n| !n.trim().is_empty());
        let wanted = fold(
            entry
                .and_then(|e| e.username.as_deref())
                .unwrap_or(&item.username),
        );
        let wanted_pairs = bigrams(&wanted);
        let mut ranked: Vec<Ranked> = ftrack
            .users
            .iter()
            .enumerate()
            .filter(|(_, user)| !protected.contains(&fold(&user.username)))
            .map(|(index, user)| {
                let username = fold(&user.username);
                let (score, why) = if let Some(p) = candidates.iter().position(|c| *c == user.id) {
                    (10_000 - p.min(1000) as u32, "conflict candidate")
                } else if email.is_some() && user.email.as_deref().map(fold) == email {
                    (5_000, "same email")
                } else if name.as_deref()
                    == Some(fold(&format!("{} {}", user.first_name, user.last_name)).as_str())
                {
                    (4_000, "same name")
                } else if username == wanted {
                    (3_000, "same username")
                } else {
                    let s = similarity(&wanted_pairs, &username);
                    if s >= 400 {
                        (s, "similar username")
                    } else {
                        (0, "")
                    }
                };
                Ranked { index, score, why }
            })
            .collect();
        ranked.sort_by(|a, b| {
            b.score.cmp(&a.score).then_with(|| {
                ftrack.users[a.index]
                    .username
                    .cmp(&ftrack.users[b.index].username)
            })
        });
        let mut picker = Self {
            matches: (0..ranked.len()).collect(),
            ranked,
            query: String::new(),
            selected: 0,
        };
        picker.selected = 0;
        picker
    }

    /// Narrows the list to users whose username, name or email contains the search.
    pub fn set_query(&mut self, query: String, ftrack: &FtrackSnapshot) {
        let needle = fold(&query);
        self.query = query;
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
    pub input: String,
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
            input: item.username.clone(),
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
        self.error = self.problem(&self.input);
    }

    /// Puts the next suggestion in the input (Tab), cycling.
    pub fn take_suggestion(&mut self) -> bool {
        let Some(next) = self
            .suggestions
            .get(self.next % self.suggestions.len().max(1))
        else {
            return false;
        };
        self.input = next.clone();
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

    fn problem(&self, text: &str) -> Option<String> {
        if text.is_empty() {
            return Some("a username cannot be empty".into());
        }
        let length = text.chars().count();
        if length > MAX_USERNAME {
            return Some(format!(
                "at most {MAX_USERNAME} characters ({length} typed)"
            ));
        }
        if let Some(c) = text
            .chars()
            .find(|c| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')))
        {
            return Some(format!(
                "{} is not allowed: use letters, digits, '.', '_', '-' and '@'",
                describe(c)
            ));
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

fn describe(c: char) -> String {
    match c {
        ' ' => "a space".into(),
        c if c.is_control() => format!("U+{:04X}", c as u32),
        c => format!("{c:?}"),
    }
}
