//! People: agents (`GET /Agent`, `/Agent/{id}`, `/Agent/me`) and end users (`GET /Users`,
//! `/Users/{id}`), with the fields halo-mcp reads (halo-api.md §2 and §4.11; Halo's `Users`
//! schema in its OpenAPI document).

use serde::Deserialize;

use super::decode::{self, Record};
use crate::halo::client::ReadPolicy;
use crate::halo::{HaloError, HaloSession};

/// A Halo agent (technician), as the agent list, one agent and `Agent/me` return it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Agent {
    #[serde(default, deserialize_with = "decode::int")]
    pub id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// The agent's default team.
    #[serde(default)]
    pub team: Option<String>,
    /// Every team the agent is a member of.
    #[serde(default)]
    pub teams: Option<Vec<NameRef>>,
    #[serde(default)]
    pub roles: Option<Vec<NameRef>>,
    #[serde(default, rename = "isdisabled")]
    pub disabled: Option<bool>,
}

impl Record for Agent {
    const ENTITY: &'static str = "agent";
}

impl Agent {
    pub fn name(&self) -> Option<String> {
        decode::text(&self.name)
    }

    pub fn email(&self) -> Option<String> {
        decode::text(&self.email)
    }

    /// The names of the agent's teams (empty when Halo sent none).
    pub fn team_names(&self) -> Vec<String> {
        names(&self.teams)
    }

    /// The names of the agent's roles (empty when Halo sent none).
    pub fn role_names(&self) -> Vec<String> {
        names(&self.roles)
    }
}

/// A team or role as an agent record lists it: Halo sends plain names on some versions and
/// `{id, name}` objects on others.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum NameRef {
    Name(String),
    Record {
        #[serde(default)]
        name: Option<String>,
    },
}

impl NameRef {
    fn name(&self) -> Option<String> {
        match self {
            NameRef::Name(name) => decode::text(&Some(name.clone())),
            NameRef::Record { name } => decode::text(name),
        }
    }
}

fn names(list: &Option<Vec<NameRef>>) -> Vec<String> {
    list.iter().flatten().filter_map(NameRef::name).collect()
}

/// An end user (a customer's contact).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct EndUser {
    #[serde(default, deserialize_with = "decode::int")]
    pub id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
    /// Halo's field for a user's address is `emailaddress`; some answers carry `email` instead.
    #[serde(default, rename = "emailaddress")]
    pub email_address: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default, rename = "phonenumber")]
    pub phone: Option<String>,
    #[serde(default, deserialize_with = "decode::int")]
    pub client_id: Option<i64>,
    #[serde(default)]
    pub client_name: Option<String>,
    /// A number in Halo's schema, a whole one in practice.
    #[serde(default, deserialize_with = "decode::int")]
    pub site_id: Option<i64>,
    #[serde(default)]
    pub site_name: Option<String>,
    #[serde(default)]
    pub inactive: Option<bool>,
    /// The agent this user is, when the person is both (0 or absent: none).
    #[serde(default, deserialize_with = "decode::int")]
    pub linked_agent_id: Option<i64>,
}

impl Record for EndUser {
    const ENTITY: &'static str = "end user";
}

impl EndUser {
    pub fn name(&self) -> Option<String> {
        decode::text(&self.name)
    }

    pub fn email(&self) -> Option<String> {
        decode::text(&self.email_address).or_else(|| decode::text(&self.email))
    }

    pub fn client_name(&self) -> Option<String> {
        decode::text(&self.client_name)
    }

    pub fn site_name(&self) -> Option<String> {
        decode::text(&self.site_name)
    }

    /// The customer the user belongs to (ids of 0 or less mean none).
    pub fn client_id(&self) -> Option<i64> {
        self.client_id.filter(|id| *id > 0)
    }

    pub fn site_id(&self) -> Option<i64> {
        self.site_id.filter(|id| *id > 0)
    }

    pub fn linked_agent_id(&self) -> Option<i64> {
        self.linked_agent_id.filter(|id| *id > 0)
    }
}

impl HaloSession {
    /// The agent the session's credential belongs to.
    pub async fn me(&self) -> Result<Agent, HaloError> {
        self.me_with(ReadPolicy::default()).await
    }

    /// [`HaloSession::me`] with this call's retry and timeout policy.
    pub async fn me_with(&self, policy: ReadPolicy) -> Result<Agent, HaloError> {
        self.read("Agent/me", &[], policy).await
    }

    /// One agent by id.
    pub async fn agent(&self, id: i64) -> Result<Agent, HaloError> {
        self.read(&format!("Agent/{id}"), &[], ReadPolicy::default())
            .await
    }

    /// One end user by id.
    pub async fn end_user(&self, id: i64) -> Result<EndUser, HaloError> {
        self.read(&format!("Users/{id}"), &[], ReadPolicy::default())
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn expect_field_error<T: Record + std::fmt::Debug>(bad: serde_json::Value, prefix: &str) {
        match decode::one::<T>(bad) {
            Err(HaloError::InvalidResponse(m)) => assert!(m.starts_with(prefix), "{m}"),
            other => panic!("expected '{prefix}', got {other:?}"),
        }
    }

    #[test]
    fn agents_read_teams_and_roles_as_names_or_records() {
        let a: Agent = decode::one(json!({
            "id": "2", "name": " Sam Taylor ", "email": "sam@msp.example", "team": "Service Desk",
            "teams": ["Service Desk", {"id": 3, "name": "Projects"}],
            "roles": [{"id": 2, "name": "Technician"}], "isdisabled": false, "initials": "ST"
        }))
        .unwrap();
        assert_eq!(a.id, Some(2));
        assert_eq!(a.name().as_deref(), Some("Sam Taylor"));
        assert_eq!(a.team_names(), ["Service Desk", "Projects"]);
        assert_eq!(a.role_names(), ["Technician"]);
        assert_eq!(a.disabled, Some(false));
        let bare: Agent = decode::one(json!({"id": 1})).unwrap();
        assert!(bare.team_names().is_empty() && bare.email().is_none());
        expect_field_error::<Agent>(
            json!({"id": 1, "isdisabled": "no"}),
            "agent field 'isdisabled'",
        );
        expect_field_error::<Agent>(json!({"id": 1, "email": 5}), "agent field 'email'");
        expect_field_error::<Agent>(json!({"id": 1, "teams": [7]}), "agent field 'teams[0]'");
    }

    #[test]
    fn end_users_read_their_customer_site_and_linked_agent() {
        let u: EndUser = decode::one(json!({
            "id": 10, "name": "Ben Castle", "emailaddress": "Ben.Castle@contoso.com",
            "client_id": "1", "client_name": "Acorn Construction", "site_id": 4.0,
            "site_name": "Acorn HQ", "linked_agent_id": 0, "inactive": false, "notes": [{}]
        }))
        .unwrap();
        assert_eq!(u.email().as_deref(), Some("Ben.Castle@contoso.com"));
        assert_eq!((u.client_id(), u.site_id()), (Some(1), Some(4)));
        assert_eq!(u.linked_agent_id(), None);
        let other: EndUser =
            decode::one(json!({"id": 11, "email": "x@y", "client_id": 0})).unwrap();
        assert_eq!(other.email().as_deref(), Some("x@y"));
        assert_eq!(other.client_id(), None);
        expect_field_error::<EndUser>(
            json!({"id": 1, "client_id": "Acorn"}),
            "end user field 'client_id'",
        );
        expect_field_error::<EndUser>(json!({"id": 1, "inactive": 1}), "end user field 'inactive'");
    }
}
