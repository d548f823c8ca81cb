//! Turning Halo's HTML into plain text a model can read, and keeping long text short.

/// Converts an HTML fragment to plain text; plain text passes through unchanged.
pub fn html_to_text(html: &str) -> String {
    if !html.contains('<') && !html.contains('&') {
        return html.trim().to_string();
    }
    if let Some(text) = paragraphs_to_text(html) {
        return text;
    }
    rendered_to_text(html)
}

/// The general path: html2text renders any HTML (lists, tables, links, images).
fn rendered_to_text(html: &str) -> String {
    let text = html2text::from_read(html.as_bytes(), 10_000).unwrap_or_else(|_| html.to_string());
    compact(&text)
}

/// html2text keeps paragraph spacing; runs of blank lines are collapsed so bodies stay compact.
fn compact(text: &str) -> String {
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

/// The common case without building a document: Halo's editor stores most notes and ticket
/// bodies as `<p>` paragraphs and `<br>` breaks. Parsing those with html5ever cost about a tenth
/// of the server's CPU per `get_ticket` (docs/PERFORMANCE.md). Returns `None` for any other tag,
/// an entity it does not know, or a stray `<`, which then go through [`rendered_to_text`]; the
/// tests check both paths give the same text for every fragment this one accepts.
fn paragraphs_to_text(html: &str) -> Option<String> {
    // Separators are held back until the next character, so trailing breaks and spaces vanish.
    let mut text = String::with_capacity(html.len());
    let mut line_has_text = false;
    let mut pending_space = false;
    let mut pending_break: Option<&str> = None;
    let mut paragraph_open = false;
    let mut paragraph_start = 0;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                let end = rest.find('>')?;
                let tag = &rest[1..end];
                // A '>' inside a quoted attribute value ends the tag later than this scan
                // thinks: leave such tags to html2text.
                let unbalanced = |quote: char| !tag.matches(quote).count().is_multiple_of(2);
                if unbalanced('"') || unbalanced('\'') {
                    return None;
                }
                rest = &rest[end + 1..];
                let name = tag
                    .trim_start_matches('/')
                    .split(|ch: char| ch.is_ascii_whitespace() || ch == '/')
                    .next()
                    .unwrap_or("");
                if name.eq_ignore_ascii_case("p") {
                    let closing = tag.starts_with('/');
                    // A stray `</p>` makes an empty paragraph in HTML's parsing rules: rare
                    // enough to leave to html2text.
                    if closing && !paragraph_open {
                        return None;
                    }
                    // So does an empty paragraph (html2text gives it no line of its own).
                    if closing && text.len() == paragraph_start {
                        return None;
                    }
                    paragraph_open = !closing;
                    paragraph_start = text.len();
                    if line_has_text || pending_break.is_some() {
                        pending_break = Some("\n\n");
                    }
                } else if name.eq_ignore_ascii_case("br") && !tag.starts_with('/') {
                    pending_break = Some(match pending_break {
                        Some(_) => "\n\n",
                        None => "\n",
                    });
                } else {
                    return None;
                }
                line_has_text = false;
                pending_space = false;
            }
            '&' => {
                let end = rest[1..].find(';').filter(|end| *end <= 10)?;
                let name = &rest[1..=end];
                // html2text keeps a no-break space as U+00A0 (excerpts turn it into a space).
                let decoded = if name == "nbsp" {
                    '\u{a0}'
                } else {
                    decode_entity(name)?
                };
                // A character reference to a space or a control character follows HTML's
                // whitespace and replacement rules: html2text's job.
                if (decoded.is_whitespace() && decoded != '\u{a0}') || decoded.is_control() {
                    return None;
                }
                rest = &rest[end + 2..];
                push_word_char(
                    &mut text,
                    decoded,
                    &mut line_has_text,
                    &mut pending_space,
                    &mut pending_break,
                );
            }
            c => {
                rest = &rest[c.len_utf8()..];
                // HTML's whitespace, not Unicode's: a no-break space is a character.
                if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c') {
                    pending_space = line_has_text;
                } else {
                    push_word_char(
                        &mut text,
                        c,
                        &mut line_has_text,
                        &mut pending_space,
                        &mut pending_break,
                    );
                }
            }
        }
    }
    Some(compact(&text))
}

fn push_word_char(
    text: &mut String,
    c: char,
    line_has_text: &mut bool,
    pending_space: &mut bool,
    pending_break: &mut Option<&str>,
) {
    if let Some(separator) = pending_break.take() {
        if !text.is_empty() {
            text.push_str(separator);
        }
    } else if *pending_space {
        text.push(' ');
    }
    *pending_space = false;
    *line_has_text = true;
    text.push(c);
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
        // One character to show (this runs for every character of every listed ticket's
        // details, so nothing is allocated per character).
        let ch = match c {
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
                        ch
                    }
                    // Not an entity we know: keep the '&' as written.
                    None => '&',
                }
            }
            _ => c,
        };
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

    /// Every fragment of up to four pieces drawn from paragraph markup, breaks, entities and
    /// spacing renders the same through the fast path as through html2text.
    #[test]
    fn the_paragraph_fast_path_matches_html2text() {
        const PIECES: &[&str] = &[
            "<p>",
            "</p>",
            "<br>",
            "<br />",
            "<p style=\"margin:0\">",
            "Word",
            "two words",
            " ",
            "\n  ",
            "&amp;",
            "&nbsp;",
            "&lt;b&gt;",
            "caf&#233;",
            "<P>",
            "<br/>",
            "x \t y",
            "&#32;",
            "<p title=\"a>b\">",
            "&#0;",
        ];
        let mut checked = 0;
        for len in 1..=4 {
            let mut indices = vec![0usize; len];
            loop {
                let html: String = indices.iter().map(|&i| PIECES[i]).collect();
                if let Some(fast) = paragraphs_to_text(&html) {
                    assert_eq!(fast, rendered_to_text(&html), "fragment {html:?}");
                    checked += 1;
                }
                let Some(pos) = indices.iter().rposition(|&i| i + 1 < PIECES.len()) else {
                    break;
                };
                indices[pos] += 1;
                indices[pos + 1..].iter_mut().for_each(|i| *i = 0);
            }
        }
        assert!(checked > 20_000, "{checked}");
    }

    #[test]
    fn other_markup_takes_the_general_path() {
        for html in [
            "<ul><li>a</li></ul>",
            "<a href=\"x\">y</a>",
            "a < b",
            "&bogus; x",
            "<b>x</b>",
        ] {
            assert_eq!(paragraphs_to_text(html), None, "{html}");
        }
        assert_eq!(
            html_to_text("<ul><li>one</li><li>two</li></ul>"),
            "* one\n* two"
        );
    }

    #[test]
    fn truncation_is_marked() {
        assert_eq!(truncate("short", 10), "short");
        let cut = truncate(&"x".repeat(20), 5);
        assert!(cut.starts_with("xxxxx"));
        assert!(cut.ends_with(TRUNCATION_MARKER));
    }
}
