//! `resource_link` content items for the tickets and articles a tool returns, added after the
//! JSON text (which stays the first content item) so clients that read either keep working.
//! Copilot Studio finds resources this way: it reads a link with `resources/read` when it needs
//! the record, and never enumerates `resources/list` at run time.
//!
//! The links are read from the tool's result by id, not built inside the tools, so the tools'
//! JSON can change without touching them: an item's id is its `id`, `ticket_id` or
//! `article_id`, its title its `summary`, `title` or `name`.

use rmcp::model::{ContentBlock, Resource};
use serde_json::Value;

use super::Offered;
use super::markdown::MIME_TYPE;
use super::uri::ResourceUri;

/// More links than a page of results holds are never useful.
const MAX_LINKS: usize = 100;

#[derive(Clone, Copy)]
enum Kind {
    Ticket,
    Article,
}

/// Where a tool's result keeps its records: `None` is the result object itself.
fn places(tool: &str) -> &'static [(Option<&'static str>, Kind)] {
    match tool {
        "search_tickets" => &[(Some("tickets"), Kind::Ticket)],
        "get_ticket" => &[(None, Kind::Ticket)],
        "search_knowledge_base" => &[(Some("articles"), Kind::Article)],
        "get_article" => &[(None, Kind::Article)],
        "get_ticket_matches" => &[
            (None, Kind::Ticket),
            (Some("articles"), Kind::Article),
            (Some("tickets"), Kind::Ticket),
        ],
        _ => &[],
    }
}

fn first_id(item: &Value, keys: &[&str]) -> Option<i64> {
    keys.iter()
        .find_map(|k| item.get(*k).and_then(Value::as_i64))
        .filter(|id| *id > 0)
}

fn first_text(item: &Value, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| item.get(*k).and_then(Value::as_str))
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
}

/// The link for one record of a tool result.
fn link(kind: Kind, item: &Value) -> Option<Resource> {
    let (uri, label) = match kind {
        Kind::Ticket => {
            let id = first_id(item, &["ticket_id", "id"])?;
            (ResourceUri::Ticket(id), format!("Ticket {id}"))
        }
        Kind::Article => {
            let id = first_id(item, &["article_id", "id"])?;
            (ResourceUri::Article(id), format!("KB article {id}"))
        }
    };
    Some(resource(
        uri,
        &label,
        first_text(item, &["summary", "title", "name"]),
    ))
}

/// A resource as lists and links show it. `name` carries the title too, because clients on
/// revisions before 2025-06-18 (Copilot Studio among them) know no `title` and show the name.
pub fn resource(uri: ResourceUri, label: &str, title: Option<String>) -> Resource {
    let name = match &title {
        Some(title) => format!("{label}: {title}"),
        None => label.to_string(),
    };
    let resource = Resource::new(uri.to_string(), name).with_mime_type(MIME_TYPE);
    match title {
        Some(title) => resource.with_title(title),
        None => resource,
    }
}

/// The links for a tool's result, for the resource kinds this server offers.
pub fn for_result(offered: Offered, tool: &str, result: &Value) -> Vec<ContentBlock> {
    let mut seen = Vec::new();
    let mut links = Vec::new();
    for (key, kind) in places(tool) {
        let offered = match kind {
            Kind::Ticket => offered.tickets,
            Kind::Article => offered.articles,
        };
        if !offered {
            continue;
        }
        let items: Vec<&Value> = match key {
            None => vec![result],
            Some(key) => result
                .get(*key)
                .and_then(Value::as_array)
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
        };
        for item in items {
            if links.len() == MAX_LINKS {
                return links;
            }
            if let Some(resource) = link(*kind, item)
                && !seen.contains(&resource.uri)
            {
                seen.push(resource.uri.clone());
                links.push(ContentBlock::resource_link(resource));
            }
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ALL: Offered = Offered {
        tickets: true,
        articles: true,
    };

    fn uris(links: &[ContentBlock]) -> Vec<String> {
        links
            .iter()
            .filter_map(|l| l.as_resource_link().map(|r| r.uri.clone()))
            .collect()
    }

    #[test]
    fn lists_and_single_records_get_links() {
        let page = json!({"tickets": [{"id": 1, "summary": "A"}, {"id": 2}], "has_more": false});
        let links = for_result(ALL, "search_tickets", &page);
        assert_eq!(uris(&links), ["halo://tickets/1", "halo://tickets/2"]);
        let first = serde_json::to_value(&links[0]).unwrap();
        assert_eq!(first["type"], "resource_link");
        assert_eq!(first["name"], "Ticket 1: A");
        assert_eq!(first["title"], "A");
        assert_eq!(first["mimeType"], "text/markdown");
        let article = json!({"id": 4, "title": "Reset MFA"});
        assert_eq!(
            uris(&for_result(ALL, "get_article", &article)),
            ["halo://kb/4"]
        );
        assert!(for_result(ALL, "get_user_info", &json!({"id": 1})).is_empty());
    }

    #[test]
    fn matches_link_the_ticket_its_articles_and_tickets_once_each() {
        let matches = json!({"ticket_id": 1001, "summary": "Outlook",
            "articles": [{"article_id": 3, "title": "Outlook"}, {"id": 4}],
            "tickets": [{"ticket_id": 1007}, {"ticket_id": 1001}]});
        assert_eq!(
            uris(&for_result(ALL, "get_ticket_matches", &matches)),
            [
                "halo://tickets/1001",
                "halo://kb/3",
                "halo://kb/4",
                "halo://tickets/1007"
            ]
        );
    }

    #[test]
    fn kinds_the_server_does_not_offer_get_no_links() {
        let only_tickets = Offered {
            tickets: true,
            articles: false,
        };
        let matches = json!({"ticket_id": 1001, "articles": [{"article_id": 3}]});
        assert_eq!(
            uris(&for_result(only_tickets, "get_ticket_matches", &matches)),
            ["halo://tickets/1001"]
        );
        let no_ids = json!({"tickets": [{"summary": "no id"}, {"id": -1}]});
        assert!(for_result(ALL, "search_tickets", &no_ids).is_empty());
    }
}
