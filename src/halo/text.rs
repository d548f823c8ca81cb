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

/// A short plain-text preview of an HTML fragment, for list results.
///
/// Full bodies go through [`html_to_text`]; a preview only needs the words, and building an HTML
/// document per row made long ticket lists measurably slower (see docs/PERFORMANCE.md), so this
/// scans tags and decodes the common entities itself, reading no more than it needs.
pub fn html_excerpt(html: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(max_chars.min(html.len()) + 8);
    let mut count = 0usize;
    let mut pending_space = false;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        let decoded: &str;
        let entity_char: String;
        match c {
            '<' => {
                // Skip the tag; any tag separates words.
                rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
                pending_space = true;
                continue;
            }
            '&' => {
                let end = rest
                    .char_indices()
                    .take(10)
                    .find(|(_, e)| *e == ';')
                    .map(|(i, _)| i);
                match end.and_then(|end| decode_entity(&rest[..end]).map(|ch| (end, ch))) {
                    Some((end, ch)) => {
                        rest = &rest[end + 1..];
                        entity_char = ch.to_string();
                        decoded = &entity_char;
                    }
                    // Not an entity we know: keep the '&' as written.
                    None => decoded = "&",
                }
            }
            _ => {
                entity_char = c.to_string();
                decoded = &entity_char;
            }
        }
        for ch in decoded.chars() {
            if ch.is_whitespace() {
                pending_space = true;
                continue;
            }
            let needed = if pending_space && !out.is_empty() {
                2
            } else {
                1
            };
            if count + needed > max_chars {
                out.push_str(TRUNCATION_MARKER);
                return out;
            }
            if needed == 2 {
                out.push(' ');
            }
            pending_space = false;
            out.push(ch);
            count += needed;
        }
    }
    out
}

fn decode_entity(entity: &str) -> Option<char> {
    match entity {
        "nbsp" => Some(' '),
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" | "#39" => Some('\''),
        e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
            .ok()
            .and_then(char::from_u32),
        e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
        _ => None,
    }
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
    fn excerpts_strip_tags_and_entities_and_mark_cuts() {
        assert_eq!(
            html_excerpt(
                "<p>Printer&nbsp;<b>jammed</b></p><p>on floor&nbsp;2 &amp; 3</p>",
                100
            ),
            "Printer jammed on floor 2 & 3"
        );
        assert_eq!(
            html_excerpt("a &#233;t&#xE9; &bogus; x", 100),
            "a été &bogus; x"
        );
        let cut = html_excerpt(&"word ".repeat(100), 20);
        assert!(cut.ends_with(TRUNCATION_MARKER), "{cut}");
        assert!(cut.chars().count() <= 20 + TRUNCATION_MARKER.chars().count());
        assert_eq!(html_excerpt("<br/>", 10), "");
        assert_eq!(html_excerpt("", 10), "");
    }

    #[test]
    fn truncation_is_marked() {
        assert_eq!(truncate("short", 10), "short");
        let cut = truncate(&"x".repeat(20), 5);
        assert!(cut.starts_with("xxxxx"));
        assert!(cut.ends_with(TRUNCATION_MARKER));
    }
}
