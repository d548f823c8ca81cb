//! Get User Info: the signed-in agent, or an end user or agent found by e-mail, name or id.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::args::{me, optional_text, positive_id};
use super::shape::put;
use crate::halo::lookups::{LookupKind, Named, ResolveError};
use crate::halo::records::{Agent, EndUser, decode};
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
    #[schemars(length(max = 254))]
    pub email: Option<String>,
    /// Full or partial name of the person.
    pub name: Option<String>,
    /// Halo id of the person (an end user's id unless kind is agent).
    pub id: Option<i64>,
    /// Look only at end users or only at agents. Default: both for email and name, end users
    /// for id.
    pub kind: Option<PersonKind>,
}

fn end_user(u: &EndUser) -> Value {
    let mut out = Map::new();
    out.insert("kind".into(), json!("end_user"));
    put(&mut out, "id", u.id);
    put(&mut out, "name", u.name());
    put(&mut out, "email", u.email());
    put(&mut out, "phone", decode::text(&u.phone));
    put(&mut out, "client_id", u.client_id);
    put(&mut out, "client_name", u.client_name());
    put(&mut out, "site_id", u.site_id);
    put(&mut out, "site_name", u.site_name());
    put(&mut out, "inactive", u.inactive);
    put(&mut out, "linked_agent_id", u.linked_agent_id());
    Value::Object(out)
}

fn agent(a: &Agent) -> Value {
    let mut out = Map::new();
    out.insert("kind".into(), json!("agent"));
    put(&mut out, "id", a.id);
    put(&mut out, "name", a.name());
    put(&mut out, "email", a.email());
    put(&mut out, "team", decode::text(&a.team));
    let teams = a.team_names();
    if !teams.is_empty() {
        out.insert("teams".into(), json!(teams));
    }
    let roles = a.role_names();
    if !roles.is_empty() {
        out.insert("roles".into(), json!(roles));
    }
    put(&mut out, "disabled", a.disabled);
    Value::Object(out)
}

/// A person found by name: shaped by the kind of record they are.
fn person(n: &Named) -> Value {
    match (n.user(), n.agent()) {
        (Some(u), _) => end_user(u),
        (None, Some(a)) => agent(a),
        (None, None) => json!({"id": n.id, "name": n.name}),
    }
}

/// One person by id; a 404 becomes a plain "not found".
async fn by_id(ctx: &CallContext, id: i64, kind: PersonKind) -> Result<Value, ToolError> {
    let found = match kind {
        PersonKind::EndUser => ctx.halo.end_user(id).await.map(|u| end_user(&u)),
        PersonKind::Agent => ctx.halo.agent(id).await.map(|a| agent(&a)),
    };
    match found {
        Ok(person) => Ok(person),
        Err(e) if e.is_not_found() => Err(ToolError::Failed(format!(
            "No {} with id {id} was found in Halo.{}",
            match kind {
                PersonKind::EndUser => "end user",
                PersonKind::Agent => "agent",
            },
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
    combine(input, users, agents)
}

type Lookup = Option<Result<Named, ResolveError>>;

/// One person from the end-user and agent lookups (`None` = that side was not searched). An
/// agent's own end-user record (`linked_agent_id`) is the same person, not a clash.
fn combine(input: &str, users: Lookup, agents: Lookup) -> Result<Value, ToolError> {
    let is_ok = |r: &Lookup| matches!(r, Some(Ok(_)));
    let is_ambiguous = |r: &Lookup| matches!(r, Some(Err(ResolveError::Ambiguous { .. })));
    match (users, agents) {
        (Some(Err(ResolveError::Halo(e))), _) | (_, Some(Err(ResolveError::Halo(e)))) => {
            Err(e.into())
        }
        (Some(Ok(u)), Some(Ok(a))) => {
            if u.user().and_then(EndUser::linked_agent_id) == Some(a.id) {
                let mut out = person(&a);
                out["linked_end_user"] = person(&u);
                return Ok(out);
            }
            Err(ToolError::Failed(format!(
                "'{input}' matches both an end user and an agent: {} (end user, id {}) and {} \
                 (agent, id {}). Set kind to end_user or agent.",
                u.name, u.id, a.name, a.id
            )))
        }
        (Some(Ok(u)), a) if !is_ambiguous(&a) => Ok(person(&u)),
        (u, Some(Ok(a))) if !is_ambiguous(&u) => Ok(person(&a)),
        (users, agents)
            if is_ok(&users) || is_ok(&agents) || is_ambiguous(&users) || is_ambiguous(&agents) =>
        {
            // Ambiguous on at least one side: list every candidate so the model can pick.
            let describe = |label: &str, r: Lookup| match r {
                Some(Ok(n)) => Some(format!("{label}: {} (id {})", n.name, n.id)),
                Some(Err(ResolveError::Ambiguous { candidates, .. })) => {
                    Some(format!("{label}: {}", candidates.join(", ")))
                }
                _ => None,
            };
            let parts: Vec<String> = [describe("end users", users), describe("agents", agents)]
                .into_iter()
                .flatten()
                .collect();
            Err(ToolError::Failed(format!(
                "'{input}' matches more than one person. {}. Use the full name or the e-mail \
                 address, or set kind.",
                parts.join("; ")
            )))
        }
        (users, agents) => {
            let texts: Vec<String> = [users, agents]
                .into_iter()
                .flatten()
                .filter_map(Result::err)
                .map(|e| e.to_string())
                .collect();
            Err(ToolError::Failed(format!(
                "No person matches '{input}' in Halo: {}",
                texts.join(" ")
            )))
        }
    }
}

struct GetUserInfo;

impl TypedTool for GetUserInfo {
    type Args = UserArgs;
    async fn run(&self, ctx: &CallContext, args: UserArgs) -> Result<Value, ToolError> {
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
        let mut out = agent(me(ctx).await?.as_ref());
        if let Value::Object(m) = &mut out {
            m.insert("is_you".into(), json!(true));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_shaped_by_kind() {
        let u = end_user(&user_record(json!({
            "id": 1, "name": "Ben Castle", "emailaddress": "Ben.Castle@contoso.com",
            "client_id": 1, "client_name": "Acorn Construction", "site_id": 1, "site_name": "Acorn HQ",
            "linked_agent_id": null,
        })));
        assert_eq!(u["kind"], "end_user");
        assert_eq!(u["client_name"], "Acorn Construction");
        assert!(u.get("linked_agent_id").is_none());
        let a = agent(
            &decode::one(json!({
                "id": 2, "name": "Sam Taylor", "teams": ["Service Desk"],
                "roles": [{"id": 2, "name": "Technician"}], "isdisabled": false,
            }))
            .unwrap(),
        );
        assert_eq!(a["teams"], json!(["Service Desk"]));
        assert_eq!(a["roles"], json!(["Technician"]));
    }

    #[test]
    fn kind_is_a_closed_set() {
        assert!(serde_json::from_value::<UserArgs>(json!({"kind": "agent"})).is_ok());
        assert!(serde_json::from_value::<UserArgs>(json!({"kind": "robot"})).is_err());
        assert!(serde_json::from_value::<UserArgs>(json!({"mail": "x@y"})).is_err());
    }

    fn user_record(raw: Value) -> EndUser {
        decode::one(raw).unwrap()
    }

    /// An end user found by name (the agents' side is built with [`named_agent`]).
    fn named(id: i64, name: &str, raw: Value) -> Named {
        let mut user = user_record(raw);
        user.id = Some(id);
        user.name = Some(name.into());
        Named::new(user).unwrap()
    }

    fn named_agent(id: i64, name: &str) -> Named {
        Named::new(Agent {
            id: Some(id),
            name: Some(name.into()),
            ..Agent::default()
        })
        .unwrap()
    }

    #[test]
    fn an_agents_own_user_record_is_the_same_person() {
        let user = named(
            10,
            "Sam Taylor",
            json!({"id": 10, "name": "Sam Taylor", "linked_agent_id": 2, "client_name": "MSP"}),
        );
        let agent_rec = named_agent(2, "Sam Taylor");
        let out = combine(
            "Sam Taylor",
            Some(Ok(user.clone())),
            Some(Ok(agent_rec.clone())),
        )
        .unwrap();
        assert_eq!(out["kind"], "agent");
        assert_eq!(out["linked_end_user"]["id"], 10);
        let stranger = named(11, "Sam Taylor", json!({"id": 11, "name": "Sam Taylor"}));
        let err = combine("Sam Taylor", Some(Ok(stranger)), Some(Ok(agent_rec))).unwrap_err();
        assert!(err.to_string().contains("both an end user and an agent"));
    }

    #[test]
    fn ambiguity_on_either_side_lists_every_candidate() {
        let ambiguous = ResolveError::Ambiguous {
            kind: "end user",
            input: "Ali".into(),
            candidates: vec!["Alicia Stone (id 2)".into(), "Alice Admin (id 9)".into()],
        };
        let alice = named_agent(1, "Alice Admin");
        let err = combine("Ali", Some(Err(ambiguous)), Some(Ok(alice)))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("more than one person")
                && err.contains("Alicia Stone")
                && err.contains("agents: Alice Admin (id 1)"),
            "{err}"
        );
        let missing = || ResolveError::NotFound {
            kind: "agent",
            input: "Zed".into(),
            suggestions: vec![],
        };
        let user = named(3, "Zed Null", json!({"id": 3, "name": "Zed Null"}));
        let out = combine("Zed", Some(Ok(user)), Some(Err(missing()))).unwrap();
        assert_eq!(out["kind"], "end_user");
        let err = combine("Zed", Some(Err(missing())), None)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("No person matches 'Zed'"), "{err}");
    }
}
