//! Turning Halo's HTML into plain text a model can read, and keeping long text short.

/// Converts an HTML fragment to plain text; plain text passes through unchanged.
pub fn html_to_text(html: &str) -> String {
    if !html.contains('<') && !html.contains('&') {
        return html.trim().to_string();
    }
    let text = html2text::from_read(html.as_bytes(), 10_000).unwrap_or_else(|_| html.to_string());
    // html2text keeps paragraph spacing; collapse runs of blank lines so bodies stay compact.
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim().to_string()
}

/// The marker appended to text cut short, so a model (and a person) can see it was cut.
pub const TRUNCATION_MARKER: &str = "… [truncated]";

/// Cuts `text` to at most `max_chars` characters, adding a visible marker when it cuts.
pub fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max_chars).collect();
    cut.push_str(TRUNCATION_MARKER);
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_text() {
        let text = html_to_text("<p>Printer <b>jammed</b></p><p>Second&nbsp;floor</p>");
        assert!(text.contains("Printer"));
        assert!(text.contains("jammed"));
        assert!(!text.contains("<p>"));
        assert_eq!(html_to_text("  plain  "), "plain");
    }

    #[test]
    fn truncation_is_marked() {
        assert_eq!(truncate("short", 10), "short");
        let cut = truncate(&"x".repeat(20), 5);
        assert!(cut.starts_with("xxxxx"));
        assert!(cut.ends_with(TRUNCATION_MARKER));
    }
}
