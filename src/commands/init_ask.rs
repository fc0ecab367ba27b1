//! Questions `init` asks: on standard error, answered by a line of standard input (so answers
//! can be piped in), secrets without echo when standard input is a terminal.

use secrecy::SecretString;
use std::io::{BufRead, IsTerminal, Write};

/// Why a question got no answer.
#[derive(Debug, thiserror::Error)]
pub enum AskError {
    /// `--no-input` and the value was not given.
    #[error("--no-input: {what} is needed; give {flag}")]
    Missing {
        /// What the value is.
        what: &'static str,
        /// The flag (and environment variable) that gives it.
        flag: &'static str,
    },
    /// Standard input ended before the answer.
    #[error(
        "standard input ended before an answer to \"{0}\"; give the value as a flag, with --no-input in scripts"
    )]
    Ended(String),
    /// Standard input or the terminal failed.
    #[error("cannot read the answer to \"{0}\": {1}")]
    Io(String, std::io::Error),
}

/// Asks questions, or refuses to when input is off.
pub struct Prompter {
    input: Box<dyn BufRead>,
    terminal: bool,
    enabled: bool,
}

impl Prompter {
    /// Questions on standard input, or none with `--no-input`.
    pub fn new(no_input: bool) -> Self {
        Self {
            input: Box::new(std::io::stdin().lock()),
            terminal: std::io::stdin().is_terminal(),
            enabled: !no_input,
        }
    }

    /// True unless `--no-input`.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// A value given as a flag, else the answer (never empty) to `question`.
    pub fn required(
        &mut self,
        given: Option<String>,
        question: &str,
        missing: AskError,
    ) -> Result<String, AskError> {
        match given {
            Some(value) => Ok(value),
            None if !self.enabled => Err(missing),
            None => loop {
                let answer = self.line(question, None)?;
                if !answer.is_empty() {
                    return Ok(answer);
                }
            },
        }
    }

    /// The answer to `question`; Enter keeps `default`, `-` means none.
    pub fn optional(
        &mut self,
        question: &str,
        default: Option<&str>,
    ) -> Result<Option<String>, AskError> {
        let answer = self.line(question, default)?;
        Ok(match answer.as_str() {
            "-" => None,
            "" => default.map(str::to_string),
            _ => Some(answer),
        })
    }

    /// The answer to `question`, `default` on Enter.
    pub fn text(&mut self, question: &str, default: &str) -> Result<String, AskError> {
        let answer = self.line(question, Some(default))?;
        Ok(if answer.is_empty() {
            default.to_string()
        } else {
            answer
        })
    }

    /// Yes or no; `default` on Enter.
    pub fn confirm(&mut self, question: &str, default: bool) -> Result<bool, AskError> {
        let hint = if default { "Y/n" } else { "y/N" };
        loop {
            let answer = self.line(&format!("{question} [{hint}]"), None)?;
            match answer.to_ascii_lowercase().as_str() {
                "" => return Ok(default),
                "y" | "yes" => return Ok(true),
                "n" | "no" => return Ok(false),
                _ => eprintln!("Please answer y or n."),
            }
        }
    }

    /// A secret, read without echo on a terminal; never empty.
    pub fn secret(&mut self, question: &str, missing: AskError) -> Result<SecretString, AskError> {
        if !self.enabled {
            return Err(missing);
        }
        loop {
            let answer = if self.terminal {
                rpassword::prompt_password(format!("{question}: "))
                    .map_err(|e| AskError::Io(question.to_string(), e))?
            } else {
                self.read(question, None, false)?
            };
            if !answer.is_empty() {
                return Ok(SecretString::from(answer));
            }
        }
    }

    /// One line of input after the question (and its default) on standard error.
    fn line(&mut self, question: &str, default: Option<&str>) -> Result<String, AskError> {
        self.read(question, default, true)
    }

    /// One line of input; a piped answer is shown after the question when `echo` is set.
    fn read(
        &mut self,
        question: &str,
        default: Option<&str>,
        echo: bool,
    ) -> Result<String, AskError> {
        match default {
            Some(default) if !default.is_empty() => eprint!("{question} [{default}]: "),
            _ => eprint!("{question}: "),
        }
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        let read = self
            .input
            .read_line(&mut line)
            .map_err(|e| AskError::Io(question.to_string(), e))?;
        if read == 0 || (!echo && !self.terminal) {
            eprintln!();
        }
        if read == 0 {
            return Err(AskError::Ended(question.to_string()));
        }
        if !self.terminal && echo {
            // Piped answers are not echoed by a terminal; show them so the transcript reads.
            eprintln!("{}", line.trim_end());
        }
        // A secret keeps its spaces; only the line ending goes.
        let answer = if echo {
            line.trim()
        } else {
            line.trim_end_matches(['\n', '\r'])
        };
        Ok(answer.to_string())
    }
}
