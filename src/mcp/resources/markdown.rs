//! The resources' documents: a Halo ticket or knowledge-base article as readable Markdown,
//! bodies turned from HTML into text, the whole within the result cap with a note when cut.

use crate::halo::records::{Action, Article, Ticket, decode};
use crate::halo::text::{html_to_text, truncate};
use crate::mcp::result::MAX_RESULT_BYTES;

/// The Markdown media type every resource has.
pub const MIME_TYPE: &str = "text/markdown";
/// Longest ticket details or article section, in characters, so one huge body cannot push the
/// rest of the document past the cap.
const SECTION_CHARS: usize = 40_000;
/// Longest action note, in characters.
const NOTE_CHARS: usize = 4_000;

/// One line of text for a heading or a field: line breaks become spaces.
fn inline(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn field(out: &mut String, label: &str, value: Option<String>) {
    if let Some(value) = value.filter(|v| !v.is_empty()) {
        out.push_str(&format!("- **{label}:** {}\n", inline(&value)));
    }
}

/// The first non-blank line of the first non-blank HTML or text body, for a resource's
/// description.
pub fn first_line(bodies: [&Option<String>; 2], max_chars: usize) -> Option<String> {
    let body = bodies.into_iter().find_map(decode::text)?;
    let text = html_to_text(&body);
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    Some(truncate(line, max_chars))
}

fn sla_state(code: Option<String>) -> Option<String> {
    code.map(|c| match c.as_str() {
        "I" => "inside target".to_string(),
        "O" => "outside target (missed)".to_string(),
        other => other.to_string(),
    })
}

fn with_state(date: Option<String>, state: Option<String>) -> Option<String> {
    match (date, state) {
        (Some(d), Some(s)) => Some(format!("{d} ({s})")),
        (Some(d), None) => Some(d),
        (None, Some(s)) => Some(s),
        (None, None) => None,
    }
}

/// A ticket with names already filled in (`status_name`, `agent_name` …) and its most recent
/// actions, newest first; `total_actions` is how many the ticket has.
pub fn ticket(t: &Ticket, actions: &[Action], total_actions: usize) -> String {
    let id = t.id.unwrap_or_default();
    let summary = decode::text(&t.summary).unwrap_or_else(|| "(no summary)".into());
    let mut out = format!("# Ticket {id}: {}\n\n", inline(&summary));
    field(&mut out, "Status", decode::text(&t.status_name));
    field(&mut out, "Type", decode::text(&t.ticket_type_name));
    field(&mut out, "Priority", decode::text(&t.priority_name));
    let site = decode::text(&t.site_name).map(|s| format!(" (site: {s})"));
    field(
        &mut out,
        "Customer",
        decode::text(&t.client_name).map(|c| c + site.as_deref().unwrap_or("")),
    );
    let email = decode::text(&t.user_email).map(|e| format!(" <{e}>"));
    field(
        &mut out,
        "End user",
        decode::text(&t.user_name).map(|u| u + email.as_deref().unwrap_or("")),
    );
    let agent = match t.agent_id.filter(|a| *a > 0) {
        Some(_) => decode::text(&t.agent_name),
        None => Some("Unassigned".into()),
    };
    let team = decode::text(&t.team).map(|t| format!(" (team: {t})"));
    field(
        &mut out,
        "Agent",
        agent.map(|a| a + team.as_deref().unwrap_or("")),
    );
    field(&mut out, "Category", decode::text(&t.category));
    field(&mut out, "Opened", decode::text(&t.date_opened));
    field(&mut out, "Last action", decode::text(&t.last_action_date));
    field(&mut out, "Closed", decode::text(&t.date_closed));

    let mut sla = String::new();
    field(
        &mut sla,
        "Respond by",
        with_state(
            decode::text(&t.respond_by),
            sla_state(decode::text(&t.sla_response_state)),
        ),
    );
    field(&mut sla, "Responded", decode::text(&t.responded));
    field(
        &mut sla,
        "Fix by",
        with_state(
            decode::text(&t.fix_by),
            sla_state(decode::text(&t.sla_fix_state)),
        ),
    );
    if !sla.is_empty() {
        out.push_str("\n## SLA\n\n");
        out.push_str(&sla);
    }

    out.push_str("\n## Details\n\n");
    out.push_str(
        &body_of(&[&t.details_html, &t.details], SECTION_CHARS)
            .unwrap_or_else(|| "(no details)".into()),
    );
    out.push('\n');

    if actions.is_empty() {
        out.push_str("\n## Recent actions\n\nNone.\n");
    } else {
        out.push_str(&format!(
            "\n## Recent actions ({} of {total_actions}, newest first)\n",
            actions.len()
        ));
        for action in actions {
            out.push_str(&action_section(action));
        }
    }
    out
}

/// Plain text of the first non-blank body of a record, cut to `limit` characters.
fn body_of(fields: &[&Option<String>], limit: usize) -> Option<String> {
    fields
        .iter()
        .find_map(|f| decode::text(f))
        .map(|html| truncate(&html_to_text(&html), limit))
        .filter(|t| !t.is_empty())
}

fn action_section(a: &Action) -> String {
    let mut heading: Vec<String> = Vec::new();
    heading.extend(decode::text(&a.date).or_else(|| decode::text(&a.date_created)));
    heading.extend(decode::text(&a.who));
    heading.extend(decode::text(&a.outcome));
    if a.private == Some(true) {
        heading.push("private".into());
    }
    let heading = if heading.is_empty() {
        format!("Action {}", a.id.unwrap_or_default())
    } else {
        inline(&heading.join(" · "))
    };
    let note = body_of(&[&a.note_html, &a.note], NOTE_CHARS).unwrap_or_else(|| "(no note)".into());
    format!("\n### {heading}\n\n{note}\n")
}

/// A knowledge-base article: title, description and resolution.
pub fn article(a: &Article) -> String {
    let id = a.id.unwrap_or_default();
    let title = decode::text(&a.title).unwrap_or_else(|| format!("Article {id}"));
    let mut out = format!("# {}\n\n", inline(&title));
    let mut facts = vec![format!("Knowledge base article {id}")];
    facts.extend(decode::text(&a.tags).map(|t| format!("tags: {}", inline(&t))));
    facts.extend(
        decode::text(&a.edited)
            .or_else(|| decode::text(&a.created))
            .map(|d| format!("updated {d}")),
    );
    if a.inactive == Some(true) {
        facts.push("inactive".into());
    }
    out.push_str(&format!("*{}*\n", facts.join(" · ")));
    for (heading, bodies) in [
        ("Description", [&a.description_html, &a.description]),
        ("Resolution", [&a.resolution_html, &a.resolution]),
    ] {
        out.push_str(&format!("\n## {heading}\n\n"));
        out.push_str(&section(bodies).unwrap_or_else(|| "(none)".into()));
        out.push('\n');
    }
    out
}

/// Plain text of an article's first non-blank body (HTML preferred), within the section limit.
fn section(bodies: [&Option<String>; 2]) -> Option<String> {
    bodies
        .into_iter()
        .find_map(decode::text)
        .map(|html| truncate(&html_to_text(&html), SECTION_CHARS))
        .filter(|t| !t.is_empty())
}

/// Keeps `doc` within the result cap; a cut document ends with a note saying so and where to
/// find the rest.
pub fn cap(doc: String, rest_hint: &str) -> String {
    if doc.len() <= MAX_RESULT_BYTES {
        return doc;
    }
    let note = format!(
        "\n\n---\n*This document was cut at {} KB. {rest_hint}*\n",
        MAX_RESULT_BYTES / 1024
    );
    let mut end = MAX_RESULT_BYTES.saturating_sub(note.len());
    while !doc.is_char_boundary(end) {
        end -= 1;
    }
    let mut cut = doc;
    cut.truncate(end);
    cut.push_str(&note);
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_ticket_reads_as_markdown() {
        let raw: Ticket = decode::one(json!({
            "id": 1001, "summary": "Outlook\nprompts", "status_name": "In Progress",
            "client_name": "Acorn Construction", "site_name": "Acorn HQ",
            "user_name": "Ben Castle", "user_email": "Ben.Castle@contoso.com",
            "agent_id": 2, "agent_name": "Sam Taylor", "team": "Service Desk",
            "respondbydate": "2026-11-20T10:00:00", "slaresponsestate": "O",
            "fixbydate": "2026-11-21T10:00:00", "slastate": "I",
            "details_html": "<p>Since <b>Monday</b></p>",
        }))
        .unwrap();
        let actions: [Action; 1] = [decode::one(json!({"id": 9, "who": "Sam Taylor", "outcome": "Email",
            "datetime": "2026-11-20T09:00:00", "note_html": "<p>Called Ben</p>", "hiddenfromuser": true}))
        .unwrap()];
        let doc = ticket(&raw, &actions, 3);
        assert!(doc.starts_with("# Ticket 1001: Outlook prompts\n"), "{doc}");
        for part in [
            "- **Status:** In Progress",
            "- **Customer:** Acorn Construction (site: Acorn HQ)",
            "- **End user:** Ben Castle <Ben.Castle@contoso.com>",
            "- **Agent:** Sam Taylor (team: Service Desk)",
            "- **Respond by:** 2026-11-20T10:00:00 (outside target (missed))",
            "- **Fix by:** 2026-11-21T10:00:00 (inside target)",
            "## Details\n\nSince Monday",
            "## Recent actions (1 of 3, newest first)",
            "### 2026-11-20T09:00:00 · Sam Taylor · Email · private\n\nCalled Ben",
        ] {
            assert!(doc.contains(part), "missing {part:?} in\n{doc}");
        }
        assert!(!doc.contains("<p>"));
        let unassigned: Ticket = decode::one(json!({"id": 2, "agent_id": 0})).unwrap();
        let unassigned = ticket(&unassigned, &[], 0);
        assert!(unassigned.contains("- **Agent:** Unassigned"));
        assert!(unassigned.contains("## Recent actions\n\nNone."));
    }

    #[test]
    fn an_article_reads_as_markdown() {
        let raw = json!({"id": 4, "name": "Reset MFA", "tag_string": "mfa",
            "description_html": "<p>When the app is lost</p>", "resolution": "Use the portal"});
        let doc = article(&decode::one(raw).unwrap());
        assert!(doc.starts_with("# Reset MFA\n\n*Knowledge base article 4 · tags: mfa*"));
        assert!(doc.contains("## Description\n\nWhen the app is lost"));
        assert!(doc.contains("## Resolution\n\nUse the portal"));
    }

    #[test]
    fn long_documents_are_cut_below_the_cap_with_a_note() {
        let doc = "é".repeat(MAX_RESULT_BYTES);
        let cut = cap(doc, "Use get_article.");
        assert!(cut.len() <= MAX_RESULT_BYTES);
        assert!(cut.ends_with("*This document was cut at 100 KB. Use get_article.*\n"));
        assert_eq!(cap("short".into(), "x"), "short");
    }

    #[test]
    fn the_first_line_describes() {
        let raw = json!({"description_html": "<p></p><p>First line</p><p>Second</p>"});
        let a: Article = decode::one(raw).unwrap();
        assert_eq!(
            first_line([&None, &a.description_html], 200).as_deref(),
            Some("First line")
        );
        assert_eq!(first_line([&None, &None], 200), None);
    }
}
