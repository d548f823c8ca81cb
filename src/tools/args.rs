//! Argument pieces shared by several tools: paging, positive ids, and turning names into Halo
//! ids through the lookup cache.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::halo::lookups::LookupKind;
use crate::mcp::{CallContext, ToolError};

/// The default and largest page sizes (Halo caps pages at 100).
pub const DEFAULT_PAGE_SIZE: u32 = 20;
pub const MAX_PAGE_SIZE: u32 = 100;

/// Validated paging.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: u32,
    pub page_size: u32,
}

impl Paging {
    pub fn new(page: Option<u32>, page_size: Option<u32>) -> Result<Paging, ToolError> {
        let page = page.unwrap_or(1);
        let page_size = page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if page == 0 {
            return Err(ToolError::InvalidArguments(
                "page starts at 1: use page 1 for the first page".into(),
            ));
        }
        if page_size == 0 || page_size > MAX_PAGE_SIZE {
            return Err(ToolError::InvalidArguments(format!(
                "page_size must be between 1 and {MAX_PAGE_SIZE}; got {page_size}"
            )));
        }
        Ok(Paging { page, page_size })
    }

    /// The page to ask Halo for.
    pub fn request(&self) -> crate::halo::PageRequest {
        crate::halo::PageRequest {
            page: self.page,
            page_size: self.page_size,
        }
    }

    /// The paging block every list result carries.
    pub fn describe(&self, record_count: Option<u64>, returned: usize) -> serde_json::Value {
        let shown_so_far = (self.page as u64 - 1) * self.page_size as u64 + returned as u64;
        let has_more = match record_count {
            Some(total) => shown_so_far < total,
            None => returned as u32 == self.page_size,
        };
        serde_json::json!({
            "page": self.page,
            "page_size": self.page_size,
            "record_count": record_count,
            "has_more": has_more,
        })
    }
}

/// A positive record id.
pub fn positive_id(name: &str, value: i64) -> Result<i64, ToolError> {
    if value <= 0 {
        return Err(ToolError::InvalidArguments(format!(
            "{name} must be a positive whole number"
        )));
    }
    Ok(value)
}

/// A required, non-blank text argument, trimmed.
pub fn required_text(name: &str, value: &str) -> Result<String, ToolError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ToolError::InvalidArguments(format!(
            "{name} must not be blank"
        )));
    }
    Ok(trimmed.to_string())
}

/// Resolves an optional name-or-id argument to a Halo id.
pub async fn resolve_opt(
    ctx: &CallContext,
    kind: LookupKind,
    value: Option<&str>,
) -> Result<Option<i64>, ToolError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Ok(Some(ctx.lookups.resolve(&ctx.halo, kind, v).await?.id)),
    }
}

/// The calling agent's own Halo record (`GET /api/Agent/me`, cached per credential).
pub async fn me(
    ctx: &CallContext,
) -> Result<std::sync::Arc<crate::halo::records::Agent>, ToolError> {
    Ok(ctx.lookups.me(&ctx.halo).await?)
}

/// Resolves an agent given as "me", a name, an e-mail or an id.
pub async fn resolve_agent(ctx: &CallContext, value: &str) -> Result<(i64, String), ToolError> {
    let trimmed = value.trim();
    if trimmed.eq_ignore_ascii_case("me") {
        let me = me(ctx).await?;
        let id = me.id.ok_or_else(|| {
            ToolError::Failed("Halo did not say which agent you are (Agent/me has no id)".into())
        })?;
        return Ok((id, me.name().unwrap_or_default()));
    }
    let agent = match ctx
        .lookups
        .resolve(&ctx.halo, LookupKind::Agent, trimmed)
        .await
    {
        Ok(agent) => agent,
        Err(e) => {
            let e = ToolError::from(e);
            return Err(super::hints::explain(ctx, e, LookupKind::Agent, trimmed, None).await);
        }
    };
    Ok((agent.id, agent.name))
}

/// Resolves a record of `kind` (optionally within one customer), explaining a miss that is
/// another kind of record (see [`super::hints`]).
pub async fn resolve_hinted(
    ctx: &CallContext,
    kind: LookupKind,
    input: &str,
    client_id: Option<i64>,
) -> Result<crate::halo::lookups::Named, ToolError> {
    match ctx
        .lookups
        .resolve_within(&ctx.halo, kind, input, client_id)
        .await
    {
        Ok(found) => Ok(found),
        Err(e) => Err(super::hints::explain(ctx, e.into(), kind, input, client_id).await),
    }
}

/// An optional text argument, trimmed; blank counts as absent.
pub fn optional_text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// The longest time one entry may record; more than a day is almost certainly a unit mistake
/// (minutes given as hours).
pub const MAX_HOURS: f64 = 24.0;

/// Time worked, given as hours or as minutes (not both), as Halo's decimal hours.
pub fn duration_hours(
    hours: Option<f64>,
    minutes: Option<u32>,
    required: bool,
) -> Result<Option<f64>, ToolError> {
    let value = match (hours, minutes) {
        (Some(_), Some(_)) => {
            return Err(ToolError::InvalidArguments(
                "give the time as hours or as minutes, not both".into(),
            ));
        }
        (Some(h), None) => h,
        (None, Some(m)) => f64::from(m) / 60.0,
        (None, None) if required => {
            return Err(ToolError::InvalidArguments(
                "give the time worked as hours (e.g. 1.5) or minutes (e.g. 90)".into(),
            ));
        }
        (None, None) => return Ok(None),
    };
    if !value.is_finite() || value <= 0.0 || value > MAX_HOURS {
        return Err(ToolError::InvalidArguments(format!(
            "the time must be more than 0 and at most {MAX_HOURS} hours (got {value} hours)"
        )));
    }
    // Halo stores time to the minute; rounding keeps 0.1 + 0.2-style noise out of the record.
    Ok(Some((value * 60.0).round() / 60.0))
}

/// Sort orders for ticket lists.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TicketOrder {
    DateOpened,
    LastAction,
    Id,
    FixBy,
}

impl TicketOrder {
    /// The search order this sorts by.
    pub fn sort(self) -> crate::halo::records::TicketSort {
        use crate::halo::records::TicketSort;
        match self {
            TicketOrder::DateOpened => TicketSort::DateOpened,
            TicketOrder::LastAction => TicketSort::LastAction,
            TicketOrder::Id => TicketSort::Id,
            TicketOrder::FixBy => TicketSort::FixBy,
        }
    }

    /// The date field a shaped ticket shows for this order, if it is a date.
    pub fn shown_as(self) -> Option<&'static str> {
        match self {
            TicketOrder::DateOpened => Some("date_opened"),
            TicketOrder::LastAction => Some("last_action_date"),
            TicketOrder::Id => None,
            TicketOrder::FixBy => Some("fix_by"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_is_validated_and_described() {
        assert!(Paging::new(Some(0), None).is_err());
        assert!(Paging::new(None, Some(101)).is_err());
        assert!(Paging::new(None, Some(0)).is_err());
        let p = Paging::new(Some(2), Some(10)).unwrap();
        assert_eq!(p.describe(Some(25), 10)["has_more"], true);
        assert_eq!(p.describe(Some(20), 10)["has_more"], false);
        assert_eq!(p.describe(None, 10)["has_more"], true);
        assert_eq!((p.request().page, p.request().page_size), (2, 10));
    }

    #[test]
    fn ids_and_text_are_checked() {
        assert!(positive_id("ticket_id", 0).is_err());
        assert_eq!(positive_id("ticket_id", 5).unwrap(), 5);
        assert!(required_text("summary", "  ").is_err());
        assert_eq!(required_text("summary", " a ").unwrap(), "a");
    }

    #[test]
    fn durations_are_hours_or_minutes_within_a_day() {
        assert_eq!(duration_hours(Some(1.5), None, true).unwrap(), Some(1.5));
        assert_eq!(duration_hours(None, Some(90), true).unwrap(), Some(1.5));
        assert_eq!(duration_hours(None, None, false).unwrap(), None);
        assert!(duration_hours(None, None, true).is_err());
        assert!(duration_hours(Some(1.0), Some(60), true).is_err());
        assert!(duration_hours(Some(0.0), None, true).is_err());
        assert!(duration_hours(Some(-1.0), None, true).is_err());
        assert!(duration_hours(Some(24.5), None, true).is_err());
        assert!(duration_hours(None, Some(0), true).is_err());
        assert!(duration_hours(Some(f64::NAN), None, true).is_err());
        assert_eq!(duration_hours(Some(24.0), None, true).unwrap(), Some(24.0));
    }

    #[test]
    fn optional_text_treats_blank_as_absent() {
        assert_eq!(optional_text(Some("  ")), None);
        assert_eq!(optional_text(Some(" x ")), Some("x".into()));
        assert_eq!(optional_text(None), None);
    }
}
