//! Tool-argument parsing: the input is a tool call's `arguments`, as JSON.
//!
//! Checks, for any JSON object:
//! - `mcp::registry::parse_args` into every system tool's argument type never panics, and
//!   neither do the validation helpers the tools apply to what it returns (paging, ids, text,
//!   durations, dates, the HTML note body);
//! - every registered tool (the 14 system tools and the demo tools file's custom tools) run
//!   with these arguments never panics, and answers either a result or a tool error: its own
//!   checks run for real, and whatever gets past them fails on a Halo that cannot be reached
//!   (see `halo_mcp_fuzz::dead_halo`), so no input touches the network.

#![no_main]

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use halo_mcp::mcp::agent_dates;
use halo_mcp::mcp::registry::parse_args;
use halo_mcp::mcp::schema::JsonObject;
use halo_mcp::mcp::{CallContext, ToolHandler};
use halo_mcp::tools::args::{self, Paging};
use halo_mcp::tools::{actions, ai, knowledge, people, services, shape, ticket_writes, tickets};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

struct Fixture {
    tools: Vec<Arc<dyn ToolHandler>>,
    ctx: CallContext,
    now: DateTime<Utc>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| Fixture {
        tools: halo_mcp_fuzz::all_tools(),
        ctx: halo_mcp_fuzz::call_context(),
        now: DateTime::parse_from_rfc3339("2026-11-24T15:00:00Z")
            .expect("a date")
            .with_timezone(&Utc),
    })
}

fn paging(page: Option<u32>, page_size: Option<u32>) {
    if let Ok(p) = Paging::new(page, page_size) {
        let _ = p.request().pairs();
        let _ = p.describe(Some(u64::MAX), usize::MAX);
        let _ = p.describe(None, 0);
    }
}

fn text(value: Option<&str>) {
    let _ = args::optional_text(value);
    if let Some(v) = value {
        let _ = args::required_text("text", v);
    }
}

/// Parses `obj` as each argument type and applies the checks its tool applies first.
fn typed(obj: &JsonObject, now: DateTime<Utc>) {
    if let Ok(a) = parse_args::<tickets::SearchArgs>(obj.clone()) {
        paging(a.page, a.page_size);
        for t in [&a.query, &a.status, &a.ticket_type, &a.agent, &a.customer] {
            text(t.as_deref());
        }
        if let Some(order) = a.order_by {
            let _ = (order.sort(), order.shown_as());
        }
    }
    if let Ok(a) = parse_args::<tickets::GetTicketArgs>(obj.clone()) {
        let _ = args::positive_id("ticket_id", a.ticket_id);
    }
    if let Ok(a) = parse_args::<tickets::AssignedArgs>(obj.clone()) {
        paging(a.page, a.page_size);
        text(a.agent.as_deref());
    }
    if let Ok(a) = parse_args::<ticket_writes::CreateArgs>(obj.clone()) {
        let _ = args::required_text("summary", &a.summary);
        let _ = args::required_text("ticket_type", &a.ticket_type);
        if let Some(details) = &a.details {
            let _ = shape::html_body(details);
        }
    }
    if let Ok(a) = parse_args::<ticket_writes::AssignArgs>(obj.clone()) {
        let _ = args::positive_id("ticket_id", a.ticket_id);
        text(a.team.as_deref());
    }
    if let Ok(a) = parse_args::<actions::ActionArgs>(obj.clone()) {
        let _ = args::required_text("outcome", &a.outcome);
        let _ = args::duration_hours(a.time_taken_hours, a.time_taken_minutes, false);
        if let Some(note) = args::optional_text(a.note.as_deref()) {
            let _ = shape::html_body(&note);
        }
    }
    if let Ok(a) = parse_args::<actions::NoteArgs>(obj.clone()) {
        if let Ok(note) = args::required_text("note", &a.note) {
            let _ = shape::html_body(&note);
        }
    }
    if let Ok(a) = parse_args::<actions::TimeArgs>(obj.clone()) {
        let _ = args::duration_hours(a.hours, a.minutes, true);
        if let Some(started) = args::optional_text(a.started.as_deref())
            && let Ok(at) = agent_dates::parse_moment("started", &started, now)
        {
            let _ = halo_mcp::halo::dates::wire(at);
        }
    }
    if let Ok(a) = parse_args::<knowledge::SearchArgs>(obj.clone()) {
        paging(a.page, a.page_size);
        text(Some(&a.query));
    }
    if let Ok(a) = parse_args::<knowledge::ArticleArgs>(obj.clone()) {
        let _ = args::positive_id("article_id", a.article_id);
    }
    if let Ok(a) = parse_args::<knowledge::MatchArgs>(obj.clone()) {
        paging(Some(1), a.limit);
    }
    if let Ok(a) = parse_args::<people::UserArgs>(obj.clone()) {
        text(a.email.as_deref());
        text(a.name.as_deref());
    }
    if let Ok(a) = parse_args::<services::SearchArgs>(obj.clone()) {
        paging(a.page, a.page_size);
        text(a.query.as_deref());
        text(a.user.as_deref());
    }
    if let Ok(a) = parse_args::<ai::ApplyArgs>(obj.clone()) {
        let _ = args::positive_id("ticket_id", a.ticket_id);
        let _ = args::positive_id("suggestion_id", a.suggestion_id);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let fixture = fixture();
    typed(&obj, fixture.now);
    // Every string argument is also a date and a note somewhere; try the free-text parsers on
    // each one directly, since the tools only reach them after Halo answers.
    for value in obj.values() {
        if let Some(s) = value.as_str() {
            let _ = agent_dates::parse_moment("date", s, fixture.now);
            let _ = agent_dates::parse_day("date", s, fixture.now).map(agent_dates::canonical_day);
            let _ = shape::html_body(s);
        }
    }
    halo_mcp_fuzz::runtime().block_on(async {
        for tool in &fixture.tools {
            // A result or a tool error are both fine; only a panic is a finding.
            let _ = tool.call(&fixture.ctx, obj.clone()).await;
        }
    });
});
