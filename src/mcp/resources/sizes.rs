//! The sizes of knowledge-base documents this instance has already rendered, for the `size` of
//! `resources/list` entries.
//!
//! Halo's article list (`GET /KBArticle`) carries neither the body nor the resolution, so a
//! document's real size is known only after `GET /KBArticle/{id}`. Reading every listed article
//! to size it would cost a page of 25 entries 26 Halo calls instead of one — a twelfth of Halo's
//! 300-calls-per-5-minutes budget per page — so a list entry carries its size only when the
//! document was read on this instance within the lookup TTL, which MCP allows ("if known").

use std::time::Duration;

use moka::sync::Cache;

/// Articles whose size is remembered; beyond this the least used are dropped.
const CAPACITY: u64 = 10_000;

/// Article id → size in bytes of its Markdown document, as last rendered.
pub struct ArticleSizes {
    sizes: Cache<i64, u64>,
}

impl ArticleSizes {
    /// Sizes are forgotten after `ttl`, so an edited article's old size does not linger.
    pub fn new(ttl: Duration) -> ArticleSizes {
        ArticleSizes {
            sizes: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(ttl)
                .build(),
        }
    }

    pub fn remember(&self, article_id: i64, document: &str) {
        self.sizes.insert(article_id, document.len() as u64);
    }

    pub fn get(&self, article_id: i64) -> Option<u64> {
        self.sizes.get(&article_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rendered_document_is_sized_in_bytes_and_others_are_unknown() {
        let sizes = ArticleSizes::new(Duration::from_secs(60));
        sizes.remember(7, "é\n");
        assert_eq!(sizes.get(7), Some(3));
        assert_eq!(sizes.get(8), None);
        sizes.remember(7, "longer now");
        assert_eq!(sizes.get(7), Some(10), "a re-read replaces the size");
    }
}
