//! Checks that make an item a conflict: required values, unusable values, taken names.

use super::plan::{Candidate, ConflictInfo, ConflictKind};
use crate::model::{DirectoryUser, FtrackUser};

/// Longest username accepted (ftrack stores usernames in a 255-character column).
const MAX_USERNAME_CHARS: usize = 255;

/// Why a username cannot be used, or `Ok`.
pub fn check_username(username: &str) -> Result<(), String> {
    if username.chars().count() > MAX_USERNAME_CHARS {
        return Err(format!(
            "username is longer than {MAX_USERNAME_CHARS} characters"
        ));
    }
    if let Some(c) = unusable_char(username) {
        return Err(format!(
            "username {username:?} contains {}, which ftrack logins cannot hold",
            describe_char(c)
        ));
    }
    Ok(())
}

/// Why an email address cannot be used, or `Ok`.
pub fn check_email(email: &str) -> Result<(), String> {
    let valid = unusable_char(email).is_none()
        && email.rsplit_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid {
        Ok(())
    } else {
        Err(format!(
            "email {email:?} is not a valid address (expected name@domain.tld)"
        ))
    }
}

/// The first whitespace or control character, checking bytes when the text is ASCII.
fn unusable_char(text: &str) -> Option<char> {
    if text.is_ascii() {
        text.bytes()
            .find(|b| b.is_ascii_whitespace() || b.is_ascii_control())
            .map(char::from)
    } else {
        text.chars().find(|c| c.is_whitespace() || c.is_control())
    }
}

fn describe_char(c: char) -> String {
    if c == ' ' {
        "a space".to_string()
    } else {
        format!("the character U+{:04X}", c as u32)
    }
}

/// The first reason a directory user's own values make it unusable, with its kind.
pub fn check_values(user: &DirectoryUser) -> Option<(ConflictKind, String)> {
    if !user.problems.is_empty() {
        return Some((ConflictKind::InvalidValue, user.problems.join("; ")));
    }
    let Some(username) = user.username.as_deref() else {
        return Some((
            ConflictKind::MissingValue,
            "the directory entry has no username".to_string(),
        ));
    };
    if let Err(why) = check_username(username) {
        return Some((ConflictKind::InvalidValue, why));
    }
    let Some(email) = user.email.as_deref() else {
        return Some((
            ConflictKind::MissingValue,
            "the directory entry has no email address".to_string(),
        ));
    };
    if let Err(why) = check_email(email) {
        return Some((ConflictKind::InvalidValue, why));
    }
    None
}

/// An ftrack user as a resolution candidate.
pub fn candidate(user: &FtrackUser) -> Candidate {
    Candidate {
        id: user.id.clone(),
        username: user.username.clone(),
        email: user.email.clone(),
        is_active: user.is_active,
    }
}

/// Conflict details with the given ftrack candidates and other directory entries.
///
/// Both lists are sorted so that the plan does not depend on the order the sources were read in.
pub fn info(
    kind: ConflictKind,
    candidates: &[&FtrackUser],
    mut other_entries: Vec<String>,
) -> ConflictInfo {
    let mut candidates: Vec<Candidate> = candidates.iter().map(|u| candidate(u)).collect();
    candidates.sort_by(|a, b| a.username.cmp(&b.username).then_with(|| a.id.cmp(&b.id)));
    candidates.dedup();
    other_entries.sort();
    other_entries.dedup();
    ConflictInfo {
        kind,
        candidates,
        other_entries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(check_username("jdoe").is_ok());
        assert!(check_username("jane.doe@studio.example").is_ok());
        assert!(check_username("山田").is_ok());
        assert!(check_username("anna k").unwrap_err().contains("a space"));
        assert!(check_username("a\tb").unwrap_err().contains("U+0009"));
        assert!(check_username(&"x".repeat(256)).is_err());
    }

    #[test]
    fn emails() {
        for good in [
            "a@b.example",
            "jane.o'brien@studio.example",
            "x+tag@sub.domain.example",
        ] {
            assert!(check_email(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "plain",
            "@b.example",
            "a@",
            "a@localhost",
            "a b@c.example",
            "a@.example",
            "a@b.example.",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }
}
