//! The `/Tickets` list filters the sandbox honours, all named as in Halo's OpenAPI document (the
//! ticket type filter is `requesttype_id`). A malformed value is a 400 naming the parameter, never
//! a silently unfiltered list.

use chrono::{DateTime, Utc};

use super::authz::Caller;
use super::demo::CATEGORIES;
use super::errors::{ApiError, ApiResult};
use super::model::Ticket;
use super::params::Params;
use super::similarity::strip_html;
use super::store::Data;

/// The date a `datesearch` range applies to.
#[derive(Debug, Clone, Copy)]
enum DateField {
    Opened,
    Closed,
    LastAction,
    RespondBy,
    FixBy,
}

impl DateField {
    /// Halo's document spells the opened date `dateoccured`; clients also send `dateoccurred`.
    fn parse(v: &str) -> ApiResult<DateField> {
        Ok(match v.to_ascii_lowercase().as_str() {
            "dateoccured" | "dateoccurred" => DateField::Opened,
            "datecleared" | "dateclosed" => DateField::Closed,
            "lastactiondate" => DateField::LastAction,
            "respondbydate" => DateField::RespondBy,
            "fixbydate" => DateField::FixBy,
            _ => {
                return Err(ApiError::field(
                    "datesearch",
                    format!(
                        "The value '{v}' is not valid for datesearch. Use dateoccured, datecleared, \
                         lastactiondate, respondbydate or fixbydate."
                    ),
                ));
            }
        })
    }

    fn of(self, t: &Ticket) -> Option<DateTime<Utc>> {
        match self {
            DateField::Opened => Some(t.dateoccurred),
            DateField::Closed => t.dateclosed,
            DateField::LastAction => Some(t.lastactiondate),
            DateField::RespondBy => Some(t.respondbydate),
            DateField::FixBy => Some(t.fixbydate),
        }
    }
}

/// `datesearch` with `startdate` and/or `enddate` (inclusive).
#[derive(Debug, Clone, Copy)]
struct DateRange {
    field: DateField,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
}

impl DateRange {
    fn from_params(p: &Params) -> ApiResult<Option<DateRange>> {
        let start = p.date("startdate")?;
        let end = p.date("enddate")?;
        match p.str("datesearch") {
            Some(v) => Ok(Some(DateRange {
                field: DateField::parse(v)?,
                start,
                end,
            })),
            None if start.is_some() || end.is_some() => Err(ApiError::field(
                "datesearch",
                "startdate and enddate need datesearch, the date field to search (e.g. dateoccured)",
            )),
            None => Ok(None),
        }
    }

    fn contains(&self, t: &Ticket) -> bool {
        self.field
            .of(t)
            .is_some_and(|d| self.start.is_none_or(|s| d >= s) && self.end.is_none_or(|e| d <= e))
    }
}

pub struct Filter {
    search: Vec<String>,
    search_summary: Option<String>,
    search_details: Option<String>,
    search_reportedby: Option<String>,
    username: Option<String>,
    open_only: bool,
    closed_only: bool,
    agents: Option<Vec<i64>>,
    clients: Option<Vec<i64>>,
    site_id: Option<i64>,
    user_id: Option<i64>,
    statuses: Option<Vec<i64>>,
    types: Option<Vec<i64>>,
    priorities: Option<Vec<i64>>,
    team_ids: Option<Vec<i64>>,
    team_name: Option<String>,
    ticket_ids: Option<Vec<i64>>,
    categories: Option<Vec<String>>,
    slas: Option<Vec<i64>>,
    asset_id: Option<i64>,
    /// Halo's "array of int" of flag states: 1 flagged, 0 not flagged.
    flagged: Option<Vec<i64>>,
    with_attachments: bool,
    dates: Option<DateRange>,
}

fn merge(a: Option<i64>, b: Option<Vec<i64>>) -> Option<Vec<i64>> {
    match (a, b) {
        (None, b) => b,
        (Some(a), None) => Some(vec![a]),
        (Some(a), Some(b)) => Some(b.into_iter().filter(|x| *x == a).collect()),
    }
}

impl Filter {
    pub fn from_params(p: &Params, caller: &Caller) -> ApiResult<Filter> {
        let mut agents = merge(p.int("agent_id")?, p.ints("agent")?);
        if p.bool("mine")? {
            agents = merge(Some(caller.agent_id), agents);
        }
        let lower = |name: &str| p.str(name).map(str::to_lowercase);
        Ok(Filter {
            search: p
                .str("search")
                .map(|s| {
                    s.to_lowercase()
                        .split_whitespace()
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default(),
            search_summary: lower("search_summary"),
            search_details: lower("search_details"),
            search_reportedby: lower("search_reportedby"),
            username: lower("username"),
            open_only: p.bool("open_only")?,
            closed_only: p.bool("closed_only")?,
            agents,
            clients: merge(p.int("client_id")?, p.ints("client_ids")?),
            site_id: p.int("site_id")?,
            user_id: p.int("user_id")?,
            statuses: merge(p.int("status_id")?, p.ints("status")?),
            types: merge(p.int("requesttype_id")?, p.ints("requesttype")?),
            priorities: p.ints("priority")?,
            team_ids: p.ints("team")?,
            team_name: lower("team_name"),
            ticket_ids: p.ints("ticketids")?,
            categories: p.ints("category_1")?.map(|ids| {
                CATEGORIES
                    .iter()
                    .filter(|(id, _)| ids.contains(id))
                    .map(|(_, name)| name.to_lowercase())
                    .collect()
            }),
            slas: p.ints("sla")?,
            asset_id: p.int("asset_id")?,
            flagged: p.ints("flagged")?,
            with_attachments: p.bool("withattachments")?,
            dates: DateRange::from_params(p)?,
        })
    }

    pub fn matches(&self, d: &Data, t: &Ticket) -> bool {
        let in_list =
            |list: &Option<Vec<i64>>, v: i64| list.as_ref().is_none_or(|l| l.contains(&v));
        let closed = d.is_closed_status(t.status_id);
        if (self.open_only && closed) || (self.closed_only && !closed) {
            return false;
        }
        if !(in_list(&self.agents, t.agent_id)
            && in_list(&self.clients, t.client_id)
            && in_list(&self.statuses, t.status_id)
            && in_list(&self.types, t.tickettype_id)
            && in_list(&self.priorities, t.priority_id)
            && in_list(&self.ticket_ids, t.id)
            && in_list(&self.slas, t.extra.sla_id)
            && in_list(&self.flagged, i64::from(t.extra.flagged))
            && self.site_id.is_none_or(|s| s == t.site_id)
            && self.user_id.is_none_or(|u| u == t.user_id)
            && self.asset_id.is_none_or(|a| t.extra.asset_ids.contains(&a))
            && (!self.with_attachments || t.extra.attachment_count > 0)
            && self.dates.is_none_or(|r| r.contains(t)))
        {
            return false;
        }
        if self
            .categories
            .as_ref()
            .is_some_and(|c| !c.contains(&t.category_1.to_lowercase()))
        {
            return false;
        }
        let user = d.user(t.user_id);
        let user_name = user.map(|u| u.name.to_lowercase()).unwrap_or_default();
        if self.username.as_ref().is_some_and(|n| {
            *n != user_name && user.is_none_or(|u| u.emailaddress.to_lowercase() != *n)
        }) || self
            .search_reportedby
            .as_ref()
            .is_some_and(|s| !user_name.contains(s.as_str()))
        {
            return false;
        }
        if let Some(ids) = &self.team_ids {
            let names: Vec<&str> = d
                .teams
                .iter()
                .filter(|x| ids.contains(&x.id))
                .map(|x| x.name.as_str())
                .collect();
            if !names.iter().any(|n| n.eq_ignore_ascii_case(&t.team)) {
                return false;
            }
        }
        if self
            .team_name
            .as_ref()
            .is_some_and(|n| t.team.to_lowercase() != *n)
        {
            return false;
        }
        let details = strip_html(&t.details).to_lowercase();
        if self
            .search_summary
            .as_ref()
            .is_some_and(|s| !t.summary.to_lowercase().contains(s))
            || self
                .search_details
                .as_ref()
                .is_some_and(|s| !details.contains(s))
        {
            return false;
        }
        if !self.search.is_empty() {
            let hay = format!(
                "{} {} {} {} {}",
                t.id,
                t.summary.to_lowercase(),
                details,
                user_name,
                d.client_name(t.client_id).to_lowercase()
            );
            return self.search.iter().all(|w| hay.contains(w.as_str()));
        }
        true
    }
}
