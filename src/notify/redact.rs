//! Webhook URLs as they may be shown: chat webhooks carry their token in the path or the
//! query, so only the scheme, host and port are kept.

/// `https://hooks.slack.com/services/T0/B0/XYZ?x=1` reads `https://hooks.slack.com/***`.
pub fn redacted_url(url: &str) -> String {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return "(an invalid URL)".to_string();
    };
    let host = parsed.host_str().unwrap_or_default();
    let port = parsed.port().map(|p| format!(":{p}")).unwrap_or_default();
    let has_secret_parts = parsed.path() != "/"
        || parsed.query().is_some()
        || parsed.fragment().is_some()
        || !parsed.username().is_empty()
        || parsed.password().is_some();
    let hidden = if has_secret_parts { "/***" } else { "/" };
    format!("{}://{host}{port}{hidden}", parsed.scheme())
}

/// Why `url` cannot be a webhook: not `http(s)://host/...`.
pub fn check_webhook_url(url: &str) -> Result<(), String> {
    // The URL itself is never quoted: it may hold its token.
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        format!("expected an http:// or https:// URL ({e}); not shown: it may hold a token")
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "expected an http:// or https:// URL, found a {}: URL",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("expected an http:// or https:// URL with a host".to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{check_webhook_url, redacted_url};

    #[test]
    fn tokens_in_the_path_query_or_userinfo_are_hidden() {
        let cases = [
            (
                "https://hooks.slack.com/services/T000/B000/XXXXsecret",
                "https://hooks.slack.com/***",
            ),
            ("https://user:pw@example.com/", "https://example.com/***"),
            (
                "http://127.0.0.1:8080/?token=abc",
                "http://127.0.0.1:8080/***",
            ),
            ("https://example.com", "https://example.com/"),
            ("not a url secret", "(an invalid URL)"),
        ];
        for (url, shown) in cases {
            assert_eq!(redacted_url(url), shown, "{url}");
        }
    }

    #[test]
    fn only_http_urls_with_a_host_are_webhooks() {
        assert!(check_webhook_url("https://example.com/hook").is_ok());
        assert!(check_webhook_url("http://127.0.0.1:9/x").is_ok());
        let ftp = check_webhook_url("ftp://example.com/x").unwrap_err();
        assert!(ftp.contains("ftp: URL"), "{ftp}");
        let bad = check_webhook_url("hooks.example/secret-token").unwrap_err();
        assert!(!bad.contains("secret-token"), "{bad}");
    }
}
