//! Cross-kind hints: when a name or e-mail matches nothing of the kind asked for but is another
//! kind of record (an end user given as an agent, an agent given as an end user, a team given
//! as an agent, a user or site of another customer), the error says what it is and which
//! argument takes it. A literal model passing "assign the tickets to Ben.Castle@contoso.com" as
//! `agent` learns that Ben is an end user of Acorn Construction who belongs in `end_user`.

use crate::halo::lookups::{LookupKind, Named, ResolveError};
use crate::mcp::{CallContext, ToolError};

/// Adds a hint to a "no match" error for `input` given as `kind`, when the input is another
/// kind of record. Any other error, or no better reading, passes through unchanged.
pub async fn explain(
    ctx: &CallContext,
    error: ToolError,
    kind: LookupKind,
    input: &str,
    client_id: Option<i64>,
) -> ToolError {
    let ToolError::Resolve(resolve @ ResolveError::NotFound { .. }) = error else {
        return error;
    };
    match hint(ctx, kind, input.trim(), client_id).await {
        Some(hint) => ToolError::Hinted {
            error: resolve,
            hint,
        },
        None => ToolError::Resolve(resolve),
    }
}

/// An exact match (by name or e-mail, not a partial one) of `kind`, if there is exactly one.
async fn exact(
    ctx: &CallContext,
    kind: LookupKind,
    input: &str,
    client_id: Option<i64>,
) -> Option<Named> {
    let found = ctx
        .lookups
        .resolve_within(&ctx.halo, kind, input, client_id)
        .await
        .ok()?;
    let wanted = input.to_lowercase();
    let same = found.name.to_lowercase() == wanted
        || found.email.as_deref().map(str::to_lowercase).as_deref() == Some(wanted.as_str())
        || input.parse::<i64>() == Ok(found.id);
    same.then_some(found)
}

fn customer_of(n: &Named) -> String {
    match n.customer() {
        (_, Some(name)) => name,
        (Some(id), None) => format!("customer {id}"),
        (None, None) => "a customer".into(),
    }
}

async fn hint(
    ctx: &CallContext,
    kind: LookupKind,
    input: &str,
    client_id: Option<i64>,
) -> Option<String> {
    if input.is_empty() {
        return None;
    }
    match kind {
        LookupKind::Agent => {
            if let Some(user) = exact(ctx, LookupKind::User, input, None).await {
                return Some(format!(
                    "'{input}' is {} (id {}), an end user of {}, not an agent: give them as \
                     end_user (the person the ticket is for), and an agent's name as agent.",
                    user.name,
                    user.id,
                    customer_of(&user)
                ));
            }
            if let Some(team) = exact(ctx, LookupKind::Team, input, None).await {
                return Some(format!(
                    "'{input}' is the team {} (id {}), not an agent: give it as team.",
                    team.name, team.id
                ));
            }
            None
        }
        LookupKind::User | LookupKind::Site => {
            if client_id.is_some()
                && let Some(other) = exact(ctx, kind, input, None).await
            {
                return Some(format!(
                    "'{input}' is {} (id {}), {} of {}, not of the customer given: leave \
                     customer out to use theirs, or give the customer it belongs to.",
                    other.name,
                    other.id,
                    if kind == LookupKind::User {
                        "an end user"
                    } else {
                        "a site"
                    },
                    customer_of(&other)
                ));
            }
            if kind == LookupKind::User
                && let Some(agent) = exact(ctx, LookupKind::Agent, input, None).await
            {
                return Some(format!(
                    "'{input}' is {} (id {}), an agent, not an end user: give them as agent.",
                    agent.name, agent.id
                ));
            }
            None
        }
        LookupKind::Team => exact(ctx, LookupKind::Agent, input, None)
            .await
            .map(|agent| {
                format!(
                    "'{input}' is the agent {} (id {}), not a team: give them as agent.",
                    agent.name, agent.id
                )
            }),
        _ => None,
    }
}
