//! Names where people use names: statuses, ticket types, priorities, teams, agents, outcomes,
//! customers, sites and end users, accepted by name or id and resolved through short-lived,
//! bounded caches (reference lists per Halo instance, customers, sites and end users per
//! caller). An unknown or ambiguous name becomes an error that lists the closest matches, so
//! the model can correct itself.

use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;
use serde_json::Value;

use super::records::decode;
use super::records::{
    Agent, Client, EndUser, Outcome, Priority, Service, Site, Status, Team, TicketType,
};
use super::{HaloError, HaloSession, Page};

/// The kinds of Halo records looked up by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LookupKind {
    Status,
    TicketType,
    Priority,
    Team,
    Agent,
    Outcome,
    Client,
    Site,
    User,
}

impl LookupKind {
    /// What a person calls it, for messages.
    pub fn label(self) -> &'static str {
        match self {
            LookupKind::Status => "status",
            LookupKind::TicketType => "ticket type",
            LookupKind::Priority => "priority",
            LookupKind::Team => "team",
            LookupKind::Agent => "agent",
            LookupKind::Outcome => "outcome",
            LookupKind::Client => "customer",
            LookupKind::Site => "site",
            LookupKind::User => "end user",
        }
    }

    fn path(self) -> &'static str {
        match self {
            LookupKind::Status => "Status",
            LookupKind::TicketType => "TicketType",
            LookupKind::Priority => "Priority",
            LookupKind::Team => "Team",
            LookupKind::Agent => "Agent",
            LookupKind::Outcome => "Outcome",
            LookupKind::Client => "Client",
            LookupKind::Site => "Site",
            LookupKind::User => "Users",
        }
    }

    fn key(self) -> &'static str {
        match self {
            LookupKind::Status => "statuses",
            LookupKind::TicketType => "tickettypes",
            LookupKind::Priority => "priorities",
            LookupKind::Team => "teams",
            LookupKind::Agent => "agents",
            LookupKind::Outcome => "outcomes",
            LookupKind::Client => "clients",
            LookupKind::Site => "sites",
            LookupKind::User => "users",
        }
    }

    /// Small, slow-changing lists are fetched whole and cached; customers, sites and users are
    /// searched on demand because a tenant can have thousands.
    fn cached_whole(self) -> bool {
        !matches!(
            self,
            LookupKind::Client | LookupKind::Site | LookupKind::User
        )
    }
}

/// A record reduced to what name resolution needs, with the typed record it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub id: i64,
    pub name: String,
    /// An e-mail address, for agents and end users.
    pub email: Option<String>,
    /// The record itself, for callers that need more than the name (an end user's customer,
    /// an outcome's defaults); read it through [`Named::user`], [`Named::outcome`] ...
    pub record: Entry,
}

/// The typed record behind a [`Named`], one variant per kind (and services, which tools
/// resolve by name without a lookup kind).
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Status(Status),
    TicketType(TicketType),
    Priority(Priority),
    Team(Team),
    Agent(Box<Agent>),
    Outcome(Box<Outcome>),
    Client(Client),
    Site(Box<Site>),
    User(Box<EndUser>),
    Service(Box<Service>),
}

impl Named {
    /// The record as a name to resolve against; `None` when it has no id.
    pub fn new(record: impl Into<Entry>) -> Option<Named> {
        let record = record.into();
        let (id, name, email) = match &record {
            Entry::Status(r) => (r.id, decode::text(&r.name), None),
            Entry::TicketType(r) => (r.id, decode::text(&r.name), None),
            Entry::Priority(r) => (r.id, decode::text(&r.name), None),
            Entry::Team(r) => (r.id, decode::text(&r.name), None),
            Entry::Agent(r) => (r.id, r.name(), r.email()),
            Entry::Outcome(r) => (r.id, r.display_name(), None),
            Entry::Client(r) => (r.id, decode::text(&r.name), None),
            Entry::Site(r) => (r.id, decode::text(&r.name), None),
            Entry::User(r) => (r.id, r.name(), r.email()),
            Entry::Service(r) => (r.id, r.name(), None),
        };
        Some(Named {
            id: id?,
            name: name.unwrap_or_default(),
            email,
            record,
        })
    }

    /// Decodes a Halo record of `kind` (`Ok(None)` when it has no id); a field of the wrong
    /// type is an error naming the entity and the field.
    fn decode(kind: LookupKind, value: Value) -> Result<Option<Named>, HaloError> {
        let record = match kind {
            LookupKind::Status => Entry::from(decode::one::<Status>(value)?),
            LookupKind::TicketType => decode::one::<TicketType>(value)?.into(),
            LookupKind::Priority => decode::one::<Priority>(value)?.into(),
            LookupKind::Team => decode::one::<Team>(value)?.into(),
            LookupKind::Agent => decode::one::<Agent>(value)?.into(),
            LookupKind::Outcome => decode::one::<Outcome>(value)?.into(),
            LookupKind::Client => decode::one::<Client>(value)?.into(),
            LookupKind::Site => decode::one::<Site>(value)?.into(),
            LookupKind::User => decode::one::<EndUser>(value)?.into(),
        };
        Ok(Named::new(record))
    }

    /// Decodes a page of records of `kind`, skipping those without an id.
    fn decode_page(kind: LookupKind, page: Page) -> Result<Vec<Named>, HaloError> {
        let mut named = Vec::with_capacity(page.items.len());
        for value in page.items {
            named.extend(Named::decode(kind, value)?);
        }
        Ok(named)
    }

    /// The end user, when this is one.
    pub fn user(&self) -> Option<&EndUser> {
        match &self.record {
            Entry::User(u) => Some(u),
            _ => None,
        }
    }

    /// The agent, when this is one.
    pub fn agent(&self) -> Option<&Agent> {
        match &self.record {
            Entry::Agent(a) => Some(a),
            _ => None,
        }
    }

    /// The outcome, when this is one.
    pub fn outcome(&self) -> Option<&Outcome> {
        match &self.record {
            Entry::Outcome(o) => Some(o),
            _ => None,
        }
    }

    /// The site, when this is one.
    pub fn site(&self) -> Option<&Site> {
        match &self.record {
            Entry::Site(s) => Some(s),
            _ => None,
        }
    }

    /// The customer an end user or site belongs to: its id (when positive) and name.
    pub fn customer(&self) -> (Option<i64>, Option<String>) {
        match &self.record {
            Entry::User(u) => (u.client_id(), u.client_name()),
            Entry::Site(s) => (s.client_id(), s.client_name()),
            _ => (None, None),
        }
    }
}

macro_rules! entry_from {
    ($($variant:ident($record:ty)),* $(,)?) => {$(
        impl From<$record> for Entry {
            fn from(record: $record) -> Entry {
                Entry::$variant(record.into())
            }
        }
    )*};
}

entry_from!(
    Status(Status),
    TicketType(TicketType),
    Priority(Priority),
    Team(Team),
    Agent(Agent),
    Outcome(Outcome),
    Client(Client),
    Site(Site),
    User(EndUser),
    Service(Service),
);

/// Why a name could not be turned into one record.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("no {kind} matches '{input}'.{}", suggestions_text(.suggestions))]
    NotFound {
        kind: &'static str,
        input: String,
        suggestions: Vec<String>,
    },
    #[error("'{input}' matches more than one {kind}: {}. Use the exact name or the id.", .candidates.join(", "))]
    Ambiguous {
        kind: &'static str,
        input: String,
        candidates: Vec<String>,
    },
    #[error(transparent)]
    Halo(#[from] HaloError),
}

fn suggestions_text(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!(" Closest matches: {}.", suggestions.join(", "))
    }
}

fn normalize(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn describe(n: &Named) -> String {
    match &n.email {
        Some(email) => format!("{} <{}> (id {})", n.name, email, n.id),
        None => format!("{} (id {})", n.name, n.id),
    }
}

/// Picks the one record `input` names among `candidates`: by id, exact name or e-mail, then a
/// unique partial match.
pub fn pick(kind: LookupKind, input: &str, candidates: &[Named]) -> Result<Named, ResolveError> {
    let wanted = normalize(input);
    if wanted.is_empty() {
        return Err(ResolveError::NotFound {
            kind: kind.label(),
            input: input.to_string(),
            suggestions: vec![],
        });
    }
    if let Ok(id) = wanted.parse::<i64>()
        && let Some(found) = candidates.iter().find(|c| c.id == id)
    {
        return Ok(found.clone());
    }
    let exact: Vec<&Named> = candidates
        .iter()
        .filter(|c| {
            normalize(&c.name) == wanted
                || c.email.as_deref().map(normalize).as_deref() == Some(&wanted)
        })
        .collect();
    if exact.len() == 1 {
        return Ok(exact[0].clone());
    }
    if exact.len() > 1 {
        return Err(ResolveError::Ambiguous {
            kind: kind.label(),
            input: input.to_string(),
            candidates: exact.iter().map(|c| describe(c)).collect(),
        });
    }
    let partial: Vec<&Named> = candidates
        .iter()
        .filter(|c| normalize(&c.name).contains(&wanted))
        .collect();
    match partial.len() {
        1 => Ok(partial[0].clone()),
        0 => {
            let mut scored: Vec<(f64, &Named)> = candidates
                .iter()
                .map(|c| (strsim::jaro_winkler(&normalize(&c.name), &wanted), c))
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0));
            Err(ResolveError::NotFound {
                kind: kind.label(),
                input: input.to_string(),
                suggestions: scored.iter().take(5).map(|(_, c)| describe(c)).collect(),
            })
        }
        _ => Err(ResolveError::Ambiguous {
            kind: kind.label(),
            input: input.to_string(),
            candidates: partial.iter().take(10).map(|c| describe(c)).collect(),
        }),
    }
}

/// Reference lists kept at most, as (Halo instance, kind) pairs: one instance has six.
const LIST_CAPACITY: u64 = 1_000;
/// Names resolved per caller kept at most; beyond it the least used are dropped.
const NAME_CAPACITY: u64 = 10_000;
/// Callers whose own agent record is kept at most.
const ME_CAPACITY: u64 = 10_000;
/// How long a caller's own agent record is kept. The key holds the caller's credential, so a
/// new token starts afresh; this bounds a token's entry by Halo's usual token lifetime (an
/// hour, halo-api.md §2).
pub const ME_TTL: Duration = Duration::from_secs(3600);

/// A name resolved by one caller: only that caller (the same credential on the same Halo) may
/// reuse it, because what a name finds depends on what the caller may see.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct NameKey {
    instance: String,
    caller: String,
    kind: LookupKind,
    client_id: Option<i64>,
    input: String,
}

impl NameKey {
    fn new(session: &HaloSession, kind: LookupKind, input: &str, client_id: Option<i64>) -> Self {
        NameKey {
            instance: session.client().base_url().to_string(),
            caller: session.credential().fingerprint(),
            kind,
            client_id,
            input: normalize(input),
        }
    }
}

/// Short-lived, bounded caches: reference lists (statuses, ticket types, priorities, teams,
/// agents, outcomes, and the outcomes of each ticket type) per Halo instance; customers, sites
/// and end users resolved by name or id per caller; and each caller's own agent record per
/// credential. Only successes are kept: a name that matched nothing is asked again, so a record
/// created meanwhile is found.
///
/// Agents, though resolved by name and e-mail, are a reference list like statuses: Halo has no
/// scope for directory data (halo-api.md §2), so any signed-in agent may list them, and every
/// caller that reaches a tool is one; a list per caller would show nobody anything new, and
/// would cost one `GET /Agent` per active agent per TTL (50 agents at the default 120 s: 125
/// of Halo's 300 calls per 5 minutes).
pub struct LookupCache {
    lists: Cache<(Arc<str>, LookupKind), Arc<Vec<Named>>>,
    /// Outcomes offered per ticket type, per Halo instance.
    outcomes: Cache<(String, i64), Arc<Vec<Named>>>,
    names: Cache<NameKey, Named>,
    me: Cache<(String, String), Arc<Agent>>,
}

impl LookupCache {
    /// Lists and names are kept for `ttl` (`HALO_LOOKUP_TTL_SECS`); own agent records for
    /// [`ME_TTL`].
    pub fn new(ttl: Duration) -> Self {
        LookupCache {
            lists: Cache::builder()
                .max_capacity(LIST_CAPACITY)
                .time_to_live(ttl)
                .support_invalidation_closures()
                .build(),
            outcomes: Cache::builder()
                .max_capacity(LIST_CAPACITY)
                .time_to_live(ttl)
                .support_invalidation_closures()
                .build(),
            names: Cache::builder()
                .max_capacity(NAME_CAPACITY)
                .time_to_live(ttl)
                .support_invalidation_closures()
                .build(),
            me: Cache::builder()
                .max_capacity(ME_CAPACITY)
                .time_to_live(ME_TTL)
                .build(),
        }
    }

    /// The agent the session's credential belongs to (`Agent/me`), asked of Halo once per
    /// credential.
    pub async fn me(&self, session: &HaloSession) -> Result<Arc<Agent>, HaloError> {
        let key = (
            session.client().base_url().to_string(),
            session.credential().fingerprint(),
        );
        cached(&self.me, key, async { Ok(Arc::new(session.me().await?)) }).await
    }

    /// Keeps `agent` as the session's own agent record, read elsewhere (the halo-token
    /// validation reads it for every new token).
    pub fn remember_me(&self, session: &HaloSession, agent: Agent) {
        let key = (
            session.client().base_url().to_string(),
            session.credential().fingerprint(),
        );
        self.me.insert(key, Arc::new(agent));
    }

    /// Forgets the customers, sites and end users this caller resolved on this Halo, so they
    /// are looked up afresh: Halo rejected a write that used them, and one may be gone.
    pub fn forget_names(&self, session: &HaloSession) {
        let instance = session.client().base_url().to_string();
        let caller = session.credential().fingerprint();
        // Fails only when the cache was built without invalidation closures; then entries
        // expire with the TTL as before.
        let _ = self
            .names
            .invalidate_entries_if(move |k, _| k.instance == instance && k.caller == caller);
    }

    /// Forgets every list and name cached for this Halo instance, whoever resolved them: a
    /// runbook ran, and a runbook may change any record these caches hold (a new end user, a
    /// renamed customer, a team). Callers' own agent records stay: a runbook cannot change whose
    /// token is whose.
    pub fn forget_instance(&self, session: &HaloSession) {
        let instance = session.client().instance();
        // As in `forget_names`: without invalidation closures the entries expire with the TTL.
        let lists = instance.clone();
        let _ = self
            .lists
            .invalidate_entries_if(move |(cached, _), _| *cached == lists);
        let outcomes = instance.clone();
        let _ = self
            .outcomes
            .invalidate_entries_if(move |(cached, _), _| cached.as_str() == &*outcomes);
        let _ = self
            .names
            .invalidate_entries_if(move |k, _| k.instance.as_str() == &*instance);
    }

    /// Every record of a small lookup list (statuses, ticket types ...), cached for the TTL.
    pub async fn all(
        &self,
        session: &HaloSession,
        kind: LookupKind,
    ) -> Result<Arc<Vec<Named>>, HaloError> {
        let key = (session.client().instance(), kind);
        cached(&self.lists, key, async {
            let mut query: Vec<(&str, String)> = vec![];
            if kind == LookupKind::Agent {
                query.push(("includeenabled", "true".into()));
                // Tickets assigned to the Services application's API agent must show its name.
                query.push(("includeapiagents", "true".into()));
            }
            let page = session.list(kind.path(), kind.key(), &query).await?;
            Ok(Arc::new(Named::decode_page(kind, page)?))
        })
        .await
    }

    /// The outcomes offered for tickets of one ticket type, cached for the TTL.
    pub async fn outcomes_for_ticket_type(
        &self,
        session: &HaloSession,
        tickettype_id: i64,
    ) -> Result<Arc<Vec<Named>>, HaloError> {
        let key = (session.client().base_url().to_string(), tickettype_id);
        cached(&self.outcomes, key, async {
            let outcomes = session.outcomes_for_ticket_type(tickettype_id).await?;
            Ok(Arc::new(
                outcomes.into_iter().filter_map(Named::new).collect(),
            ))
        })
        .await
    }

    /// Resolves a name or id to one record.
    pub async fn resolve(
        &self,
        session: &HaloSession,
        kind: LookupKind,
        input: &str,
    ) -> Result<Named, ResolveError> {
        self.resolve_within(session, kind, input, None).await
    }

    /// Resolves a site or end user, optionally within one customer.
    pub async fn resolve_within(
        &self,
        session: &HaloSession,
        kind: LookupKind,
        input: &str,
        client_id: Option<i64>,
    ) -> Result<Named, ResolveError> {
        if kind.cached_whole() {
            let list = self.all(session, kind).await?;
            return pick(kind, input, &list);
        }
        let key = NameKey::new(session, kind, input, client_id);
        cached(
            &self.names,
            key,
            self.search(session, kind, input, client_id),
        )
        .await
    }

    /// Finds a customer, site or end user by id, or by name through Halo's search.
    async fn search(
        &self,
        session: &HaloSession,
        kind: LookupKind,
        input: &str,
        client_id: Option<i64>,
    ) -> Result<Named, ResolveError> {
        let trimmed = input.trim();
        let mut query = super::PageRequest::first(50).pairs();
        if let Some(client_id) = client_id {
            query.push(("client_id", client_id.to_string()));
        }
        if let Ok(id) = trimmed.parse::<i64>() {
            let path = format!("{}/{id}", kind.path());
            return match session.get(&path, &[]).await {
                Ok(raw) => Named::decode(kind, raw)?.ok_or_else(|| {
                    ResolveError::Halo(HaloError::InvalidResponse(format!(
                        "{} {id} has no id",
                        kind.label()
                    )))
                }),
                Err(HaloError::Rejected(super::Rejection::NotFound(_))) => {
                    Err(ResolveError::NotFound {
                        kind: kind.label(),
                        input: input.to_string(),
                        suggestions: vec![],
                    })
                }
                Err(e) => Err(e.into()),
            };
        }
        query.push(("search", trimmed.to_string()));
        let page = session.list(kind.path(), kind.key(), &query).await?;
        let candidates = Named::decode_page(kind, page)?;
        match pick(kind, input, &candidates) {
            Err(ResolveError::NotFound { .. }) if candidates.is_empty() => {
                // Nothing matched the search: offer the nearest names from a broader list.
                let first_word = trimmed.split_whitespace().next().unwrap_or(trimmed);
                let mut broad = query.clone();
                broad.retain(|(k, _)| *k != "search");
                if first_word.len() >= 3 && first_word != trimmed {
                    broad.push(("search", first_word.to_string()));
                }
                // Only suggestions: a failure here leaves the plain "not found".
                let broader: Vec<Named> = match session.list(kind.path(), kind.key(), &broad).await
                {
                    Ok(page) => Named::decode_page(kind, page).unwrap_or_default(),
                    Err(_) => vec![],
                };
                Err(match pick(kind, input, &broader) {
                    Err(ResolveError::NotFound { suggestions, .. }) => ResolveError::NotFound {
                        kind: kind.label(),
                        input: input.to_string(),
                        suggestions,
                    },
                    _ => ResolveError::NotFound {
                        kind: kind.label(),
                        input: input.to_string(),
                        suggestions: broader.iter().take(5).map(describe).collect(),
                    },
                })
            }
            other => other,
        }
    }

    /// The reference lists of `kinds`, each taken once (fetched together when not cached), for
    /// shaping many records without a cache look-up per record. A list that cannot be read
    /// is left out: its ids are shown without names.
    pub async fn snapshot(&self, session: &HaloSession, kinds: &[LookupKind]) -> NameLists {
        let lists = futures::future::join_all(
            kinds
                .iter()
                .filter(|kind| kind.cached_whole())
                .map(|&kind| async move { Some((kind, self.all(session, kind).await.ok()?)) }),
        )
        .await;
        NameLists(lists.into_iter().flatten().collect())
    }

    /// The cached name for an id, when the list is cached and has it.
    pub async fn name_of(
        &self,
        session: &HaloSession,
        kind: LookupKind,
        id: i64,
    ) -> Option<String> {
        if id <= 0 || !kind.cached_whole() {
            return None;
        }
        let list = self.all(session, kind).await.ok()?;
        list.iter().find(|n| n.id == id).map(|n| n.name.clone())
    }
}

/// Reference lists taken from the cache once for one call (see [`LookupCache::snapshot`]).
#[derive(Debug, Default)]
pub struct NameLists(Vec<(LookupKind, Arc<Vec<Named>>)>);

impl NameLists {
    /// The name for an id, when the list of `kind` was taken and has it.
    pub fn name_of(&self, kind: LookupKind, id: i64) -> Option<String> {
        if id <= 0 {
            return None;
        }
        let (_, list) = self.0.iter().find(|(k, _)| *k == kind)?;
        list.iter().find(|n| n.id == id).map(|n| n.name.clone())
    }
}

/// The cached value for `key`, else what `fetch` gives, kept when it succeeded (a failure or
/// a miss is asked again next time).
async fn cached<K, V, E>(
    cache: &Cache<K, V>,
    key: K,
    fetch: impl Future<Output = Result<V, E>>,
) -> Result<V, E>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    if let Some(value) = cache.get(&key) {
        return Ok(value);
    }
    let value = fetch.await?;
    cache.insert(key, value.clone());
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn named(id: i64, name: &str) -> Named {
        Named::new(Status {
            id: Some(id),
            name: Some(name.into()),
        })
        .unwrap()
    }

    fn statuses() -> Vec<Named> {
        vec![
            named(1, "New"),
            named(2, "In Progress"),
            named(3, "Waiting on Customer"),
            named(4, "Waiting on Supplier"),
            named(9, "Closed"),
        ]
    }

    #[tokio::test]
    async fn only_successes_are_cached() {
        let cache: Cache<&str, i64> = Cache::builder().max_capacity(10).build();
        let failed: Result<i64, &str> = cached(&cache, "k", async { Err("down") }).await;
        assert_eq!(failed, Err("down"));
        assert_eq!(cached(&cache, "k", async { Ok::<_, &str>(1) }).await, Ok(1));
        let again = cached(&cache, "k", async { Err::<i64, _>("not asked") }).await;
        assert_eq!(again, Ok(1), "a cached value answers without fetching");
    }

    #[test]
    fn resolves_by_id_exact_name_and_unique_part() {
        assert_eq!(pick(LookupKind::Status, "9", &statuses()).unwrap().id, 9);
        assert_eq!(
            pick(LookupKind::Status, " closed ", &statuses())
                .unwrap()
                .id,
            9
        );
        assert_eq!(
            pick(LookupKind::Status, "progress", &statuses())
                .unwrap()
                .id,
            2
        );
    }

    #[test]
    fn name_lists_name_ids_of_the_lists_taken_only() {
        let names = NameLists(vec![(LookupKind::Status, Arc::new(statuses()))]);
        assert_eq!(
            names.name_of(LookupKind::Status, 9).as_deref(),
            Some("Closed")
        );
        assert_eq!(names.name_of(LookupKind::Status, 5), None, "unknown id");
        assert_eq!(names.name_of(LookupKind::Status, 0), None, "unset id");
        assert_eq!(names.name_of(LookupKind::Agent, 9), None, "list not taken");
    }

    #[test]
    fn ambiguous_names_list_the_candidates() {
        let err = pick(LookupKind::Status, "waiting", &statuses()).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("Waiting on Customer") && text.contains("Waiting on Supplier"));
    }

    #[test]
    fn unknown_names_suggest_the_closest() {
        let err = pick(LookupKind::Status, "Closd", &statuses()).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("no status matches 'Closd'"), "{text}");
        assert!(text.contains("Closed (id 9)"), "{text}");
    }

    #[test]
    fn emails_match_exactly() {
        let mut ben = named(7, "Ben Castle");
        ben.email = Some("Ben.Castle@contoso.com".into());
        let users = vec![ben, named(8, "Ben Carter")];
        assert_eq!(
            pick(LookupKind::User, "ben.castle@CONTOSO.com", &users)
                .unwrap()
                .id,
            7
        );
        assert!(matches!(
            pick(LookupKind::User, "ben", &users),
            Err(ResolveError::Ambiguous { .. })
        ));
    }

    #[test]
    fn priorities_use_the_integer_priorityid() {
        let p = Named::decode(
            LookupKind::Priority,
            json!({"id": "5f1c-guid", "priorityid": 2, "name": "P2 High"}),
        )
        .unwrap()
        .unwrap();
        assert_eq!(p.id, 2);
        let o = Named::decode(
            LookupKind::Outcome,
            json!({"id": 5, "outcome": "Private Note"}),
        )
        .unwrap()
        .unwrap();
        assert_eq!(o.name, "Private Note");
        assert!(o.outcome().is_some() && o.user().is_none());
    }

    #[test]
    fn records_become_named_with_their_typed_record() {
        let u = Named::decode(
            LookupKind::User,
            json!({"id": 7, "name": "Ben Castle", "emailaddress": "ben@contoso.com",
                   "client_id": 1, "client_name": "Acorn", "unknown": [1]}),
        )
        .unwrap()
        .unwrap();
        assert_eq!(u.email.as_deref(), Some("ben@contoso.com"));
        assert_eq!(u.customer(), (Some(1), Some("Acorn".to_string())));
        assert_eq!(u.user().and_then(|u| u.client_id()), Some(1));
        let a = Named::decode(LookupKind::Agent, json!({"id": 2, "email": "sam@msp"}))
            .unwrap()
            .unwrap();
        assert_eq!(a.email.as_deref(), Some("sam@msp"));
        assert_eq!(a.customer(), (None, None));
        let no_id = Named::decode(LookupKind::Team, json!({"name": "Nobody"})).unwrap();
        assert!(no_id.is_none());
        match Named::decode(LookupKind::Site, json!({"id": 4, "client_id": "HQ"})) {
            Err(HaloError::InvalidResponse(m)) => {
                assert!(m.starts_with("site field 'client_id'"), "{m}")
            }
            other => panic!("{other:?}"),
        }
    }
}
