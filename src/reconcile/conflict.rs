//! Checks that make an item a conflict: required values, unusable values, taken names.

use super::plan::{Candidate, ConflictInfo, ConflictKind};
use crate::characters::is_hidden;
use crate::model::{DirectoryUser, FtrackUser};

/// Longest username accepted (ftrack stores usernames in a 255-character column).
const MAX_USERNAME_CHARS: usize = 255;

/// Punctuation an ftrack login may hold besides letters and digits.
pub const USERNAME_PUNCTUATION: [char; 6] = ['.', '_', '-', '@', '+', '\''];

/// Why a username cannot be used, or `Ok`: the one check every username goes through,
/// whatever its source (directory, decisions file, saved plan, console). Not empty, at most
/// 255 characters, only letters, digits and [`USERNAME_PUNCTUATION`].
pub fn check_username(username: &str) -> Result<(), String> {
    if username.is_empty() {
        return Err("username is empty".to_string());
    }
    if username.chars().count() > MAX_USERNAME_CHARS {
        return Err(format!(
            "username is longer than {MAX_USERNAME_CHARS} characters"
        ));
    }
    if let Some(c) = username
        .chars()
        .find(|&c| !(c.is_alphanumeric() || USERNAME_PUNCTUATION.contains(&c)) || is_hidden(c))
    {
        return Err(format!(
            "username {username:?} contains {}, which ftrack logins cannot hold (use letters, digits and . _ - @ + ')",
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
    match c {
        ' ' => "a space".to_string(),
        c if is_hidden(c) && !c.is_control() => {
            format!("the invisible formatting character U+{:04X}", c as u32)
        }
        c if is_hidden(c) || c.is_whitespace() => format!("the character U+{:04X}", c as u32),
        c => format!("the character {c:?}"),
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
    fn one_check_for_every_username() {
        assert_eq!(check_username(""), Err("username is empty".to_string()));
        for fine in [
            "jdoe",
            "priya.patel",
            "mchen.contractor",
            "o'brien",
            "a+b@x",
            "山田",
            "zoë",
        ] {
            assert_eq!(check_username(fine), Ok(()), "{fine}");
        }
        let why = check_username("evil\u{202e}lived").unwrap_err();
        assert!(
            why.contains("invisible formatting character U+202E"),
            "{why}"
        );
        assert!(
            !why.contains('\u{202e}'),
            "the character itself is not printed: {why}"
        );
        assert!(check_username("a b").unwrap_err().contains("a space"));
        assert!(check_username("x!").unwrap_err().contains("'!'"));
        assert!(check_username("zero\u{200b}width").is_err());
        assert!(
            check_username(&"x".repeat(256))
                .unwrap_err()
                .contains("255")
        );
    }

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
