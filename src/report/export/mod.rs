//! The reconciliation report as a file: JSON (automation), CSV (spreadsheets), Markdown
//! (tickets) and one self-contained HTML page (email). Every format renders the same
//! [`Report`]; this module is the only writer of report files.

mod chart;
mod columns;
mod csv;
mod html;
mod json;
mod markdown;
mod other;
mod words;

#[cfg(test)]
mod tests;

use super::model::Report;
use crate::atomic_file::write_atomically;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A report file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// The report as JSON with `format_version`.
    Json,
    /// One row per user (RFC 4180), formula-like cells neutralised.
    Csv,
    /// Markdown tables, for tickets.
    #[value(name = "md", alias = "markdown")]
    Markdown,
    /// One self-contained HTML page, for email and printing.
    Html,
}

/// A report that could not be made or written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Neither `--format` nor a known file extension says which format to write.
    #[error(
        "cannot tell the report format from the file name {}: name it .json, .csv, .md or .html, or give the format (json, csv, md, html)",
        path.display()
    )]
    UnknownFormat {
        /// The report file.
        path: PathBuf,
    },
    /// The report could not be encoded (never expected; the report is plain data).
    #[error("cannot encode the report as {format}: {message}")]
    Encode {
        /// The format's name.
        format: &'static str,
        /// What went wrong.
        message: String,
    },
    /// The file (or stdout) could not be written.
    #[error("cannot write the report to {}: {cause}; check that the directory exists and is writable", path.display())]
    Write {
        /// Where the report was going (`-` for stdout).
        path: PathBuf,
        /// The operating system's error.
        cause: io::Error,
    },
}

impl ReportFormat {
    /// The format for a `--format` name: `json`, `csv`, `md` or `markdown`, `html`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "json" => Some(Self::Json),
            "csv" => Some(Self::Csv),
            "md" | "markdown" => Some(Self::Markdown),
            "html" | "htm" => Some(Self::Html),
            _ => None,
        }
    }

    /// The format a file name implies: `.json`, `.csv`, `.md`, `.html` or `.htm`.
    pub fn from_path(path: &Path) -> Result<Self, ReportError> {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(Self::from_name)
            .ok_or_else(|| ReportError::UnknownFormat {
                path: path.to_path_buf(),
            })
    }

    /// The explicit format if given, else the one `path` implies, else Markdown
    /// (no path, or `-` for stdout).
    pub fn resolve(explicit: Option<Self>, path: Option<&Path>) -> Result<Self, ReportError> {
        match (explicit, path) {
            (Some(format), _) => Ok(format),
            (None, Some(path)) if !is_stdout(path) => Self::from_path(path),
            (None, _) => Ok(Self::Markdown),
        }
    }

    /// The format's short name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Csv => "csv",
            Self::Markdown => "md",
            Self::Html => "html",
        }
    }
}

/// Options that change the bytes of a report but not its content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Start CSV with a UTF-8 byte-order mark, so Excel reads the encoding right.
    pub csv_bom: bool,
}

/// Renders a report in a format.
pub fn render(
    report: &Report,
    format: ReportFormat,
    options: &RenderOptions,
) -> Result<String, ReportError> {
    match format {
        ReportFormat::Json => json::render(report),
        ReportFormat::Csv => csv::render(report, options.csv_bom),
        ReportFormat::Markdown => Ok(markdown::render(report)),
        ReportFormat::Html => Ok(html::render(report)),
    }
}

pub use other::{render_comparison, render_history};

/// Writes a report to `path` atomically (a temporary file in the same directory, synced,
/// then renamed over the target), or to stdout when `path` is `-`.
pub fn write_report(
    path: &Path,
    report: &Report,
    format: ReportFormat,
    options: &RenderOptions,
) -> Result<(), ReportError> {
    let text = render(report, format, options)?;
    write_text(path, &text)
}

/// Writes a rendered document to `path` atomically, or to stdout when `path` is `-`.
pub fn write_text(path: &Path, text: &str) -> Result<(), ReportError> {
    let written = if is_stdout(path) {
        let mut stdout = io::stdout().lock();
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
    } else {
        write_atomically(path, text.as_bytes())
    };
    written.map_err(|cause| ReportError::Write {
        path: path.to_path_buf(),
        cause,
    })
}

/// True for `-`, which means stdout.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}
