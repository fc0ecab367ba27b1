//! The report as JSON for automation: the [`Report`] value itself, pretty-printed, carrying
//! `format_version`.

use super::ReportError;
use crate::report::model::Report;

/// Renders the report as pretty JSON with a final newline.
pub(super) fn render(report: &Report) -> Result<String, ReportError> {
    let mut json = serde_json::to_string_pretty(report).map_err(|e| ReportError::Encode {
        format: "JSON",
        message: e.to_string(),
    })?;
    json.push('\n');
    Ok(json)
}
