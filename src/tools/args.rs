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
            return Err(ToolError::InvalidArguments("page starts at 1".into()));
        }
        if page_size == 0 || page_size > MAX_PAGE_SIZE {
            return Err(ToolError::InvalidArguments(format!(
                "page_size must be between 1 and {MAX_PAGE_SIZE}"
            )));
        }
        Ok(Paging { page, page_size })
    }

    /// Halo's paging parameters.
    pub fn query(&self) -> Vec<(&'static str, String)> {
        vec![
            ("pageinate", "true".into()),
            ("page_size", self.page_size.to_string()),
            ("page_no", self.page.to_string()),
        ]
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
        return Err(ToolError::InvalidArguments(format!("{name} must not be blank")));
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

/// The calling agent's own Halo record (`GET /api/Agent/me`).
pub async fn me(ctx: &CallContext) -> Result<serde_json::Value, ToolError> {
    Ok(ctx.halo.get("Agent/me", &[]).await?)
}

/// Resolves an agent given as "me", a name, an e-mail or an id.
pub async fn resolve_agent(ctx: &CallContext, value: &str) -> Result<(i64, String), ToolError> {
    let trimmed = value.trim();
    if trimmed.eq_ignore_ascii_case("me") {
        let me = me(ctx).await?;
        let id = me.get("id").and_then(serde_json::Value::as_i64).ok_or_else(|| {
            ToolError::Failed("Halo did not say which agent you are (Agent/me has no id)".into())
        })?;
        let name = me
            .get("name")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_string();
        return Ok((id, name));
    }
    let agent = ctx.lookups.resolve(&ctx.halo, LookupKind::Agent, trimmed).await?;
    Ok((agent.id, agent.name))
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
    pub fn halo_column(self) -> &'static str {
        match self {
            TicketOrder::DateOpened => "dateoccurred",
            TicketOrder::LastAction => "lastactiondate",
            TicketOrder::Id => "id",
            TicketOrder::FixBy => "fixbydate",
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
        assert_eq!(p.query()[2], ("page_no", "2".to_string()));
    }

    #[test]
    fn ids_and_text_are_checked() {
        assert!(positive_id("ticket_id", 0).is_err());
        assert_eq!(positive_id("ticket_id", 5).unwrap(), 5);
        assert!(required_text("summary", "  ").is_err());
        assert_eq!(required_text("summary", " a ").unwrap(), "a");
    }
}
