//! Ticket actions: Action a Ticket (run an outcome), Add Note to Ticket, and Log Time. All three
//! post one action (`POST /Actions`, sent once, never retried) with the outcome chosen from the
//! tenant's own outcome list; the result shows the ticket's state afterwards, read back only when
//! Halo's answer says the action changed its status, agent or team.

use std::sync::Arc;

use chrono::{Duration, Utc};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::args::{
    duration_hours, optional_text, positive_id, required_text, resolve_agent, resolve_opt,
};
use super::effects;
use super::shape::{self, put};
use super::tickets::load_ticket;
use crate::halo::dates::wire as halo_date;
use crate::halo::lookups::{LookupKind, Named, pick};
use crate::halo::records::{Action, ActionWrite, Outcome, Ticket, decode};
use crate::halo::text::{html_to_text, truncate};
use crate::mcp::agent_dates::{self, Kind};
use crate::mcp::registry::{TypedTool, typed};
use crate::mcp::{CallContext, Effect, ToolError, ToolHandler};

pub fn action_tool() -> Arc<dyn ToolHandler> {
    typed(
        ActionTicket,
        "action_ticket",
        "Action a Ticket",
        "Run an outcome (action button) on a Halo ticket, e.g. \"Resolve\", \"Close Ticket\", \
         \"Escalate\", \"Change Status\", \"Email User\", with an optional note, new status, new \
         agent or team, time taken, and an e-mail to the end user. The outcome is matched by name \
         or id among those valid for the ticket's type. Returns the new action and the ticket's \
         status and agent afterwards.",
        Effect::Update,
    )
}

pub fn note_tool() -> Arc<dyn ToolHandler> {
    typed(
        AddTicketNote,
        "add_ticket_note",
        "Add Note to Ticket",
        "Add a note to a Halo ticket. Private (agents only) by default; set public to true to \
         make it visible to the end user in the portal (no e-mail is sent; use action_ticket \
         with an e-mail outcome to reply by e-mail).",
        Effect::Add,
    )
}

pub fn time_tool() -> Arc<dyn ToolHandler> {
    typed(
        LogTime,
        "log_time",
        "Log Time",
        "Record time you worked on a Halo ticket, as hours (e.g. 1.5) or minutes (e.g. 90), at \
         most 24 hours per entry, with an optional note, the date/time the work started, and \
         whether it is billable. Shows the ticket's total time afterwards.",
        Effect::Add,
    )
}

/// The outcomes that can be used on a ticket of `tickettype_id` (all outcomes when unknown).
async fn outcomes_for(
    ctx: &CallContext,
    tickettype_id: Option<i64>,
) -> Result<Vec<Named>, ToolError> {
    match tickettype_id.filter(|t| *t > 0) {
        Some(t) => Ok(ctx
            .lookups
            .outcomes_for_ticket_type(&ctx.halo, t)
            .await?
            .as_ref()
            .clone()),
        None => Ok(ctx
            .lookups
            .all(&ctx.halo, LookupKind::Outcome)
            .await?
            .as_ref()
            .clone()),
    }
}

/// The first outcome whose name is one of `preferred` (in that order of preference), else the
/// first whose name contains `fallback_word`.
fn outcome_by_role<'a>(
    outcomes: &'a [Named],
    preferred: &[&str],
    fallback_word: &str,
) -> Option<&'a Named> {
    preferred
        .iter()
        .find_map(|p| outcomes.iter().find(|o| o.name.eq_ignore_ascii_case(p)))
        .or_else(|| {
            outcomes
                .iter()
                .find(|o| o.name.to_lowercase().contains(fallback_word))
        })
}

/// The body of an action that adds `note` to ticket `id`, e-mailing nobody (callers that
/// e-mail say so explicitly).
fn note_action(id: i64, outcome_id: i64, note: &str, hidden_from_user: bool) -> ActionWrite {
    ActionWrite {
        ticket_id: id,
        outcome_id,
        note_html: Some(shape::html_body(note)),
        private: Some(hidden_from_user),
        send_email: Some(false),
        ..ActionWrite::default()
    }
}

fn outcome_names(outcomes: &[Named]) -> String {
    outcomes
        .iter()
        .map(|o| format!("{} (id {})", o.name, o.id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An outcome's default (`read`), false for a record that is not an outcome.
fn flag(named: &Named, read: fn(&Outcome) -> bool) -> bool {
    named.outcome().is_some_and(read)
}

/// Posts one action and gives the ticket as it stands after it. A failed read-back does not
/// fail the call: the action was saved, and saying otherwise would invite a duplicate.
async fn post_action(
    ctx: &CallContext,
    before: &Ticket,
    body: ActionWrite,
) -> Result<(Action, Option<Ticket>), ToolError> {
    let ticket_id = body.ticket_id;
    let saved = ctx.halo.save_action(&body).await?;
    if let Some(after) = unchanged_by(before, &saved) {
        return Ok((saved, Some(after)));
    }
    let after = match load_ticket(ctx, ticket_id).await {
        Ok(raw) => Some(raw),
        Err(error) => {
            tracing::warn!(ticket_id, error = %error.user_message(), "ticket re-read after action failed");
            None
        }
    };
    Ok((saved, after))
}

/// The ticket after `saved`, from Halo's answer instead of a second read, when that answer says
/// the action set no status, agent or team (Halo echoes what an action changed, the outcome's
/// defaults included): what the tools show of it is then the ticket read before, with the
/// action's time added to its total. `None` when the answer does not say, or the total is
/// unknown; the ticket is then read back.
fn unchanged_by(before: &Ticket, saved: &Action) -> Option<Ticket> {
    let none = |id: Option<i64>| id.is_some_and(|id| id <= 0);
    if !none(saved.new_status) || !none(saved.new_agent) || decode::text(&saved.new_team).is_some()
    {
        return None;
    }
    let mut after = before.clone();
    let added = saved
        .time_taken
        .as_ref()
        .and_then(serde_json::Number::as_f64);
    if let Some(added) = added.filter(|h| *h != 0.0) {
        let total = before.time_taken.as_ref()?.as_f64()? + added;
        after.time_taken = Some(serde_json::Number::from_f64(total)?);
    }
    Some(after)
}

/// The action's id plus the ticket's state after it.
async fn describe(
    ctx: &CallContext,
    ticket_id: i64,
    saved: &Action,
    after: Option<&Ticket>,
) -> Map<String, Value> {
    let mut out = Map::new();
    put(&mut out, "action_id", saved.id);
    put(&mut out, "ticket_id", ticket_id);
    match after {
        Some(raw) => {
            let t = shape::ticket(ctx, raw, false).await;
            for key in [
                "summary",
                "status_id",
                "status_name",
                "agent_id",
                "agent_name",
                "team",
            ] {
                if let Some(v) = t.get(key) {
                    out.insert(key.into(), v.clone());
                }
            }
        }
        None => {
            out.insert(
                "warning".into(),
                json!("The action was saved, but the ticket could not be read back; use get_ticket to see its state."),
            );
        }
    }
    out
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionArgs {
    /// The ticket number (id).
    pub ticket_id: i64,
    /// The outcome (action button) to run, by name or id, e.g. "Resolve", "Close Ticket",
    /// "Escalate", "Change Status", "Email User".
    pub outcome: String,
    /// Note to record with the action: plain text or HTML. Some outcomes require one.
    #[schemars(length(max = 20000))]
    pub note: Option<String>,
    /// New status, by name or id, e.g. "Waiting on Customer". Default: the outcome's.
    pub status: Option<String>,
    /// New agent: "me", a name, an e-mail address or an id. Default: the outcome's.
    pub agent: Option<String>,
    /// New team, by name or id. Default: the outcome's.
    pub team: Option<String>,
    /// true: e-mail the note to the ticket's end user; false: never e-mail. Default: the
    /// outcome's setting.
    pub email_user: Option<bool>,
    /// true: hide the action from the end user; false: show it. Default: the outcome's setting.
    pub private: Option<bool>,
    /// Time spent, in hours (e.g. 0.25). Use this or time_taken_minutes.
    pub time_taken_hours: Option<f64>,
    /// Time spent, in minutes (e.g. 15). Use this or time_taken_hours.
    pub time_taken_minutes: Option<u32>,
}

struct ActionTicket;

impl TypedTool for ActionTicket {
    type Args = ActionArgs;
    async fn run(&self, ctx: &CallContext, args: ActionArgs) -> Result<Value, ToolError> {
        let id = positive_id("ticket_id", args.ticket_id)?;
        let wanted = required_text("outcome", &args.outcome)?;
        let hours = duration_hours(args.time_taken_hours, args.time_taken_minutes, false)?;
        let note = optional_text(args.note.as_deref());
        let before = load_ticket(ctx, id).await?;
        let outcomes = outcomes_for(ctx, before.ticket_type_id).await?;
        let outcome = pick(LookupKind::Outcome, &wanted, &outcomes).map_err(|e| {
            ToolError::Failed(format!(
                "{e} Outcomes available for this ticket: {}.",
                outcome_names(&outcomes)
            ))
        })?;
        if flag(&outcome, Outcome::must_add_note) && note.is_none() {
            return Err(ToolError::InvalidArguments(format!(
                "the outcome '{}' requires a note",
                outcome.name
            )));
        }
        let status = resolve_opt(ctx, LookupKind::Status, args.status.as_deref()).await?;
        let agent = match optional_text(args.agent.as_deref()) {
            Some(a) => Some(resolve_agent(ctx, &a).await?),
            None => None,
        };
        let team = match optional_text(args.team.as_deref()) {
            Some(t) => Some(super::args::resolve_hinted(ctx, LookupKind::Team, &t, None).await?),
            None => None,
        };
        let emails = args
            .email_user
            .unwrap_or(flag(&outcome, Outcome::send_email));
        let private = args
            .private
            .unwrap_or(flag(&outcome, Outcome::hide_from_user));
        if emails && private {
            return Err(ToolError::InvalidArguments(
                "a private action cannot e-mail the end user; set private to false or \
                 email_user to false"
                    .into(),
            ));
        }

        let body = ActionWrite {
            ticket_id: id,
            outcome_id: outcome.id,
            note_html: note.as_deref().map(shape::html_body),
            new_status: status,
            new_agent: agent.as_ref().map(|a| a.0),
            new_team: team.as_ref().map(|t| t.name.clone()),
            time_taken: hours,
            private: args.private,
            send_email: args.email_user,
            email_to: emails.then(|| decode::text(&before.user_email)).flatten(),
            ..ActionWrite::default()
        };
        let before_shaped = shape::ticket(ctx, &before, false).await;
        let (saved, after) = post_action(ctx, &before, body).await?;
        let mut out = describe(ctx, id, &saved, after.as_ref()).await;
        put(&mut out, "outcome", outcome.name.clone());
        put(&mut out, "outcome_id", outcome.id);
        let mut message = format!("Ran '{}' on ticket {id}.", outcome.name);
        let by_id = wanted.parse::<i64>() == Ok(outcome.id);
        if !by_id && !outcome.name.trim().eq_ignore_ascii_case(&wanted) {
            let note = format!(
                "'{wanted}' was taken to mean the outcome '{}'.",
                outcome.name
            );
            message = format!("{message} {note}");
            out.insert("outcome_matched".into(), json!(note));
        }
        // What Halo recorded, not what was asked: the outcome's defaults apply when the
        // caller left visibility or e-mail unset.
        let private = saved.private.unwrap_or(private);
        let emailed = saved.send_email.unwrap_or(emails);
        out.insert("private".into(), json!(private));
        out.insert("emailed_user".into(), json!(emailed));
        if emailed {
            let to = decode::text(&saved.email_to).or_else(|| decode::text(&before.user_email));
            put(&mut out, "emailed_to", to.clone());
            message = format!(
                "{message} Halo e-mailed the end user{}.",
                to.map(|t| format!(" ({t})")).unwrap_or_default()
            );
        }
        put(&mut out, "time_taken_hours", hours);
        if let Some(after) = &after {
            let after_shaped = shape::ticket(ctx, after, false).await;
            let changed = effects::changes(&before_shaped, &after_shaped);
            if !changed.is_empty() {
                message = format!("{message} Changed: {}.", effects::describe(&changed));
            }
            if let Some(warning) = effects::closed_reassignment(id, &before_shaped, &changed) {
                message = format!("{message} Warning: {warning}");
                out.insert("warning".into(), json!(warning));
            }
            out.insert("changes".into(), Value::Array(changed));
        }
        if let (Some(s), Some(a)) = (out.get("status_name"), out.get("agent_name")) {
            message = format!(
                "{message} It is now {} and assigned to {}.",
                s.as_str().unwrap_or_default(),
                a.as_str().unwrap_or_default()
            );
        }
        out.insert("message".into(), json!(message));
        Ok(Value::Object(out))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteArgs {
    /// The ticket number (id).
    pub ticket_id: i64,
    /// The note: plain text or HTML.
    #[schemars(length(max = 20000))]
    pub note: String,
    /// true: the end user can see it in the portal; false (default): private, agents only.
    pub public: Option<bool>,
    /// true: flag the note as important. Default false.
    pub important: Option<bool>,
}

/// Outcome names tenants use for notes the end user may see, most specific first.
const PUBLIC_NOTE_OUTCOMES: &[&str] = &["Public Note", "Note", "Add Note", "Update"];

/// Outcome names tenants use for plain notes, most specific first.
const NOTE_OUTCOMES: &[&str] = &["Private Note", "Note", "Add Note", "Internal Note"];

struct AddTicketNote;

impl TypedTool for AddTicketNote {
    type Args = NoteArgs;
    async fn run(&self, ctx: &CallContext, args: NoteArgs) -> Result<Value, ToolError> {
        let id = positive_id("ticket_id", args.ticket_id)?;
        let note = required_text("note", &args.note)?;
        let public = args.public.unwrap_or(false);
        let before = load_ticket(ctx, id).await?;
        let outcomes = outcomes_for(ctx, before.ticket_type_id).await?;
        // Visibility and e-mail are set explicitly below, so any note outcome serves for
        // both private and public notes.
        let (preferred, word) = if public {
            (PUBLIC_NOTE_OUTCOMES, "public")
        } else {
            (NOTE_OUTCOMES, "note")
        };
        // Halo's stock public-note button is "Public Note / Email User" on the "Email User"
        // outcome: e-mail is switched off explicitly below, so it records a public note.
        let by_button = || {
            outcomes.iter().find(|o| {
                o.outcome()
                    .and_then(Outcome::button_name)
                    .is_some_and(|b| b.to_lowercase().contains(word))
            })
        };
        let outcome = outcome_by_role(&outcomes, preferred, word)
            .or_else(by_button)
            .or_else(|| outcome_by_role(&outcomes, NOTE_OUTCOMES, "note"))
            .ok_or_else(|| {
                ToolError::Failed(format!(
                    "This Halo has no note outcome (looked for {}). Use action_ticket with one \
                 of: {}.",
                    NOTE_OUTCOMES.join(", "),
                    outcome_names(&outcomes)
                ))
            })?;
        let mut body = note_action(id, outcome.id, &note, !public);
        body.important = args.important;
        let (saved, after) = post_action(ctx, &before, body).await?;
        let mut out = describe(ctx, id, &saved, after.as_ref()).await;
        let private = saved.private.unwrap_or(!public);
        out.insert("private".into(), json!(private));
        out.insert(
            "emailed_user".into(),
            json!(saved.send_email.unwrap_or(false)),
        );
        put(&mut out, "outcome", outcome.name.clone());
        put(
            &mut out,
            "note",
            shape::action_note(&saved)
                .unwrap_or_else(|| truncate(&html_to_text(&note), shape::NOTE_LIMIT)),
        );
        let visibility = if private {
            "private note (agents only)"
        } else {
            "public note (the end user sees it in the portal; no e-mail was sent)"
        };
        out.insert(
            "message".into(),
            json!(format!(
                "Added a {visibility} to ticket {id}, recorded with Halo's '{}' outcome.",
                outcome.name
            )),
        );
        Ok(Value::Object(out))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeArgs {
    /// The ticket number (id).
    pub ticket_id: i64,
    /// Time worked in hours, e.g. 1.5. Use this or minutes. More than 0, at most 24.
    pub hours: Option<f64>,
    /// Time worked in minutes, e.g. 90. Use this or hours.
    pub minutes: Option<u32>,
    /// What was done. Default: "Time logged".
    #[schemars(length(max = 20000))]
    pub note: Option<String>,
    /// When the work started; the forms it takes are said once, in `mcp::agent_dates`.
    #[schemars(description = Kind::Moment.describe("When the work started. Default: now."))]
    pub started: Option<String>,
    /// true: billable; false: not billable. Default: Halo's setting for the ticket.
    pub billable: Option<bool>,
}

/// Outcome names tenants use for time entries.
const TIME_OUTCOMES: &[&str] = &["Time Entry", "Log Time", "Time"];

struct LogTime;

impl TypedTool for LogTime {
    type Args = TimeArgs;
    async fn run(&self, ctx: &CallContext, args: TimeArgs) -> Result<Value, ToolError> {
        let id = positive_id("ticket_id", args.ticket_id)?;
        let hours = duration_hours(args.hours, args.minutes, true)?.unwrap_or_default();
        let now = Utc::now();
        let started = match optional_text(args.started.as_deref()) {
            Some(s) => {
                let at = agent_dates::parse_moment("started", &s, now)?;
                if at > now + Duration::hours(1) {
                    return Err(ToolError::InvalidArguments(format!(
                        "started ({}) is in the future; time is logged for work done",
                        halo_date(at)
                    )));
                }
                Some(at)
            }
            None => None,
        };
        let note = optional_text(args.note.as_deref()).unwrap_or_else(|| "Time logged".into());
        let before = load_ticket(ctx, id).await?;
        let outcomes = outcomes_for(ctx, before.ticket_type_id).await?;
        // Time is recorded as an action's `timetaken` (halo-api.md §4.14 (a)) rather than a
        // TimesheetEvent: that is how Halo's own agent UI logs time on a ticket, it adds to
        // the ticket's time total and history, and it needs only the ticket permission the
        // other ticket tools need (a TimesheetEvent needs a timesheet scope and puts an
        // appointment in the agent's calendar instead).
        let outcome = outcome_by_role(&outcomes, TIME_OUTCOMES, "time")
            .or_else(|| outcome_by_role(&outcomes, NOTE_OUTCOMES, "note"))
            .ok_or_else(|| {
                ToolError::Failed(format!(
                    "This Halo has no time-entry or note outcome. Use action_ticket with \
                     time_taken_hours and one of: {}.",
                    outcome_names(&outcomes)
                ))
            })?;
        let mut body = note_action(id, outcome.id, &note, true);
        body.time_taken = Some(hours);
        let ended = started.map(|s| s + Duration::seconds((hours * 3600.0).round() as i64));
        if let (Some(s), Some(e)) = (started, ended) {
            body.started = Some(halo_date(s));
            body.ended = Some(halo_date(e));
        }
        body.billable = args.billable;
        let (saved, after) = post_action(ctx, &before, body).await?;
        let mut out = describe(ctx, id, &saved, after.as_ref()).await;
        out.insert("hours".into(), json!(hours));
        out.insert("minutes".into(), json!((hours * 60.0).round() as i64));
        put(&mut out, "outcome", outcome.name.clone());
        put(&mut out, "note", Some(note));
        put(&mut out, "started", started.map(halo_date));
        put(&mut out, "ended", ended.map(halo_date));
        put(&mut out, "billable", args.billable);
        put(
            &mut out,
            "ticket_total_hours",
            after
                .as_ref()
                .and_then(|t| t.time_taken.as_ref())
                .and_then(serde_json::Number::as_f64),
        );
        out.insert(
            "message".into(),
            json!(format!("Logged {hours} hours on ticket {id}.")),
        );
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(id: i64, name: &str) -> Named {
        Named::new(Outcome {
            id: Some(id),
            outcome: Some(name.into()),
            ..Outcome::default()
        })
        .unwrap()
    }

    #[test]
    fn note_and_time_outcomes_are_found_by_role() {
        let list = vec![
            outcome(2, "Email User"),
            outcome(1, "Private Note"),
            outcome(8, "Time Entry"),
        ];
        assert_eq!(outcome_by_role(&list, NOTE_OUTCOMES, "note").unwrap().id, 1);
        assert_eq!(outcome_by_role(&list, TIME_OUTCOMES, "time").unwrap().id, 8);
        let other = vec![outcome(4, "Agent note (internal)"), outcome(5, "Close")];
        assert_eq!(
            outcome_by_role(&other, NOTE_OUTCOMES, "note").unwrap().id,
            4
        );
        assert!(outcome_by_role(&other, TIME_OUTCOMES, "time").is_none());
    }

    #[test]
    fn arguments_are_strict() {
        let bad = serde_json::from_value::<NoteArgs>(
            json!({"ticket_id": 1, "note": "x", "private": true}),
        );
        assert!(bad.unwrap_err().to_string().contains("unknown field"));
        let bad = serde_json::from_value::<TimeArgs>(json!({"ticket_id": 1, "hours": "two"}));
        assert!(bad.is_err());
        let ok = serde_json::from_value::<ActionArgs>(json!({"ticket_id": 1, "outcome": "Close"}));
        assert!(ok.is_ok());
    }
}
