//! Get User Info: the signed-in agent, or an end user or agent found by e-mail, name or id.

use std::sync::Arc;

use futures::future::BoxFuture;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::args::{me, optional_text, positive_id};
use super::shape::{int, put, text};
use crate::halo::HaloError;
use crate::halo::lookups::{LookupKind, Named, ResolveError};
use crate::mcp::registry::{TypedTool, typed};
use crate::mcp::{CallContext, Effect, ToolError, ToolHandler};

pub fn tools() -> Vec<Arc<dyn ToolHandler>> {
    vec![typed(
        GetUserInfo,
        "get_user_info",
        "Get User Info",
        "Get a person's Halo record. With no arguments: you, the signed-in agent. With email, \
         name or id: that end user (customer contact, with their customer and site) or agent \
         (with their teams). Set kind to look only at end users or only at agents.",
        Effect::Read,
    )]
}

/// Which people to look among.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PersonKind {
    EndUser,
    Agent,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserArgs {
    /// E-mail address of the person.
    pub email: Option<String>,
    /// Full or partial name of the person.
    pub name: Option<String>,
    /// Halo id of the person (an end user's id unless kind is agent).
    pub id: Option<i64>,
    /// Look only at end users or only at agents. Default: both for email and name, end users
    /// for id.
    pub kind: Option<PersonKind>,
}

fn end_user(raw: &Value) -> Value {
    let mut u = Map::new();
    u.insert("kind".into(), json!("end_user"));
    put(&mut u, "id", int(raw, "id"));
    put(&mut u, "name", text(raw, "name"));
    put(
        &mut u,
        "email",
        text(raw, "emailaddress").or_else(|| text(raw, "email")),
    );
    put(&mut u, "phone", text(raw, "phonenumber"));
    put(&mut u, "client_id", int(raw, "client_id"));
    put(&mut u, "client_name", text(raw, "client_name"));
    put(&mut u, "site_id", int(raw, "site_id"));
    put(&mut u, "site_name", text(raw, "site_name"));
    put(
        &mut u,
        "inactive",
        raw.get("inactive").and_then(Value::as_bool),
    );
    put(
        &mut u,
        "linked_agent_id",
        int(raw, "linked_agent_id").filter(|a| *a > 0),
    );
    Value::Object(u)
}

fn agent(raw: &Value) -> Value {
    let mut a = Map::new();
    a.insert("kind".into(), json!("agent"));
    put(&mut a, "id", int(raw, "id"));
    put(&mut a, "name", text(raw, "name"));
    put(&mut a, "email", text(raw, "email"));
    put(&mut a, "team", text(raw, "team"));
    if let Some(Value::Array(teams)) = raw.get("teams") {
        let names: Vec<Value> = teams
            .iter()
            .filter_map(|t| t.as_str().map(str::to_string).or_else(|| text(t, "name")))
            .map(Value::String)
            .collect();
        if !names.is_empty() {
            a.insert("teams".into(), Value::Array(names));
        }
    }
    if let Some(Value::Array(roles)) = raw.get("roles") {
        let names: Vec<Value> = roles
            .iter()
            .filter_map(|r| text(r, "name"))
            .map(Value::String)
            .collect();
        if !names.is_empty() {
            a.insert("roles".into(), Value::Array(names));
        }
    }
    put(
        &mut a,
        "disabled",
        raw.get("isdisabled").and_then(Value::as_bool),
    );
    Value::Object(a)
}

/// One person by id; a 404 becomes a plain "not found".
async fn by_id(ctx: &CallContext, id: i64, kind: PersonKind) -> Result<Value, ToolError> {
    let (path, label) = match kind {
        PersonKind::EndUser => (format!("Users/{id}"), "end user"),
        PersonKind::Agent => (format!("Agent/{id}"), "agent"),
    };
    match ctx.halo.get(&path, &[]).await {
        Ok(raw) if kind == PersonKind::Agent => Ok(agent(&raw)),
        Ok(raw) => Ok(end_user(&raw)),
        Err(HaloError::NotFound(_)) => Err(ToolError::Failed(format!(
            "No {label} with id {id} was found in Halo.{}",
            if kind == PersonKind::EndUser {
                " If this is an agent's id, set kind to agent."
            } else {
                ""
            }
        ))),
        Err(e) => Err(e.into()),
    }
}

/// Finds one person by e-mail or name among end users and/or agents.
async fn by_text(
    ctx: &CallContext,
    input: &str,
    kind: Option<PersonKind>,
) -> Result<Value, ToolError> {
    let users = match kind {
        Some(PersonKind::Agent) => None,
        _ => Some(
            ctx.lookups
                .resolve_within(&ctx.halo, LookupKind::User, input, None)
                .await,
        ),
    };
    let agents = match kind {
        Some(PersonKind::EndUser) => None,
        _ => Some(
            ctx.lookups
                .resolve(&ctx.halo, LookupKind::Agent, input)
                .await,
        ),
    };
    let found: Vec<(PersonKind, &Named)> = [
        (PersonKind::EndUser, users.as_ref()),
        (PersonKind::Agent, agents.as_ref()),
    ]
    .into_iter()
    .filter_map(|(k, r)| Some((k, r?.as_ref().ok()?)))
    .collect();
    match found.as_slice() {
        [(PersonKind::EndUser, n)] => return Ok(end_user(&n.raw)),
        [(PersonKind::Agent, n)] => return Ok(agent(&n.raw)),
        [_, _] => {
            return Err(ToolError::Failed(format!(
                "'{input}' matches both an end user and an agent: {} (end user, id {}) and {} \
                 (agent, id {}). Set kind to end_user or agent.",
                found[0].1.name, found[0].1.id, found[1].1.name, found[1].1.id
            )));
        }
        _ => {}
    }
    // Neither matched exactly once: report what each side said, ambiguity first.
    let errors: Vec<ResolveError> = [users, agents]
        .into_iter()
        .flatten()
        .filter_map(Result::err)
        .collect();
    if let Some(i) = errors
        .iter()
        .position(|e| matches!(e, ResolveError::Ambiguous { .. } | ResolveError::Halo(_)))
    {
        return Err(errors
            .into_iter()
            .nth(i)
            .map(ToolError::from)
            .unwrap_or_else(|| ToolError::Failed(format!("No person matches '{input}'."))));
    }
    let texts: Vec<String> = errors.iter().map(ToString::to_string).collect();
    Err(ToolError::Failed(format!(
        "No person matches '{input}' in Halo: {}",
        texts.join(" ")
    )))
}

struct GetUserInfo;

impl TypedTool for GetUserInfo {
    type Args = UserArgs;
    fn run<'a>(
        &'a self,
        ctx: &'a CallContext,
        args: UserArgs,
    ) -> BoxFuture<'a, Result<Value, ToolError>> {
        Box::pin(async move {
            let email = optional_text(args.email.as_deref());
            let name = optional_text(args.name.as_deref());
            let given = [email.is_some(), name.is_some(), args.id.is_some()]
                .iter()
                .filter(|g| **g)
                .count();
            if given > 1 {
                return Err(ToolError::InvalidArguments(
                    "give one of email, name or id (or none for yourself)".into(),
                ));
            }
            if let Some(id) = args.id {
                let id = positive_id("id", id)?;
                return by_id(ctx, id, args.kind.unwrap_or(PersonKind::EndUser)).await;
            }
            if let Some(email) = email {
                if !email.contains('@') {
                    return Err(ToolError::InvalidArguments(format!(
                        "email '{email}' is not an e-mail address; use name to search by name"
                    )));
                }
                return by_text(ctx, &email, args.kind).await;
            }
            if let Some(name) = name {
                return by_text(ctx, &name, args.kind).await;
            }
            if args.kind == Some(PersonKind::EndUser) {
                return Err(ToolError::InvalidArguments(
                    "kind end_user needs an email, name or id".into(),
                ));
            }
            let mut out = agent(&me(ctx).await?);
            if let Value::Object(m) = &mut out {
                m.insert("is_you".into(), json!(true));
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_shaped_by_kind() {
        let u = end_user(&json!({
            "id": 1, "name": "Ben Castle", "emailaddress": "Ben.Castle@contoso.com",
            "client_id": 1, "client_name": "Acorn Construction", "site_id": 1, "site_name": "Acorn HQ",
            "linked_agent_id": null,
        }));
        assert_eq!(u["kind"], "end_user");
        assert_eq!(u["client_name"], "Acorn Construction");
        assert!(u.get("linked_agent_id").is_none());
        let a = agent(&json!({
            "id": 2, "name": "Sam Taylor", "teams": ["Service Desk"],
            "roles": [{"id": 2, "name": "Technician"}], "isdisabled": false,
        }));
        assert_eq!(a["teams"], json!(["Service Desk"]));
        assert_eq!(a["roles"], json!(["Technician"]));
    }

    #[test]
    fn kind_is_a_closed_set() {
        assert!(serde_json::from_value::<UserArgs>(json!({"kind": "agent"})).is_ok());
        assert!(serde_json::from_value::<UserArgs>(json!({"kind": "robot"})).is_err());
        assert!(serde_json::from_value::<UserArgs>(json!({"mail": "x@y"})).is_err());
    }
}
