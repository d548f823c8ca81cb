//! Halo AI's "matched tickets" and "matched articles" for a ticket (`FaultVectorScore` rows),
//! computed with the deterministic similarity ranking instead of embeddings.

use std::sync::Arc;

use parking_lot::Mutex;
use serde_json::{Value, json};

use super::model::{KbArticle, Ticket};
use super::similarity::Corpus;
use super::store::Data;

const MAX_TICKET_MATCHES: usize = 5;
const MAX_ARTICLE_MATCHES: usize = 3;
const MIN_TICKET_SCORE: f64 = 0.1;
const MIN_ARTICLE_SCORE: f64 = 0.05;

/// `FaultVectorScore.use`: what the matched record is.
const USE_TICKET: i64 = 1;
const USE_ARTICLE: i64 = 2;

pub fn ticket_text(t: &Ticket) -> String {
    format!("{} {}", t.summary, t.details)
}

pub fn article_text(a: &KbArticle) -> String {
    format!(
        "{} {} {} {}",
        a.name,
        a.description_html,
        a.resolution_html,
        a.tags.join(" ")
    )
}

/// Both corpora, built once per state change: tokenising every ticket and article on every
/// single-ticket read made `GET /Tickets/{id}` the slowest call in the sandbox.
pub struct Corpora {
    pub tickets: Corpus,
    pub articles: Corpus,
}

/// The corpora for the current state; emptied by every write (see `SandboxState::write`).
#[derive(Default)]
pub struct CorpusCache(Mutex<Option<Arc<Corpora>>>);

impl CorpusCache {
    pub fn clear(&self) {
        *self.0.lock() = None;
    }
}

impl Clone for CorpusCache {
    /// A copied state rebuilds its own corpora.
    fn clone(&self) -> Self {
        CorpusCache::default()
    }
}

impl std::fmt::Debug for CorpusCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CorpusCache")
    }
}

/// The cached corpora, built on first use after a change.
pub fn corpora(d: &Data) -> Arc<Corpora> {
    let mut cache = d.corpus_cache.0.lock();
    if let Some(corpora) = cache.as_ref() {
        return corpora.clone();
    }
    let built = Arc::new(Corpora {
        tickets: ticket_corpus(d),
        articles: article_corpus(d),
    });
    *cache = Some(built.clone());
    built
}

fn ticket_corpus(d: &Data) -> Corpus {
    let docs: Vec<(i64, String)> = d.tickets.iter().map(|t| (t.id, ticket_text(t))).collect();
    let extra: Vec<String> = d.articles.iter().map(article_text).collect();
    Corpus::new(&docs, &extra)
}

fn article_corpus(d: &Data) -> Corpus {
    let docs: Vec<(i64, String)> = d
        .articles
        .iter()
        .filter(|a| !a.inactive)
        .map(|a| (a.id, article_text(a)))
        .collect();
    let extra: Vec<String> = d.tickets.iter().map(ticket_text).collect();
    Corpus::new(&docs, &extra)
}

pub fn matched_tickets(d: &Data, t: &Ticket) -> Vec<Value> {
    corpora(d)
        .tickets
        .rank(&ticket_text(t), MIN_TICKET_SCORE, Some(t.id))
        .into_iter()
        .take(MAX_TICKET_MATCHES)
        .zip(1..)
        .filter_map(|((id, score), n)| {
            let m = d.ticket(id)?;
            Some(json!({
                "id": n, "use": USE_TICKET, "ticket_id": t.id, "matched_id": id,
                "search_score": score, "name": m.summary,
                "client_name": d.client_name(m.client_id),
                "date_occurred": super::wire_dates::at(m.dateoccurred), "date_closed": super::wire_dates::maybe(m.dateclosed),
            }))
        })
        .collect()
}

/// Articles ranked by text similarity, with explicitly related articles first.
pub fn related_articles(d: &Data, t: &Ticket) -> Vec<(i64, f64)> {
    let mut ranked = corpora(d)
        .articles
        .rank(&ticket_text(t), MIN_ARTICLE_SCORE, None);
    let linked: Vec<i64> = d
        .articles
        .iter()
        .filter(|a| !a.inactive && a.related_ticket_ids.contains(&t.id))
        .map(|a| a.id)
        .collect();
    for &id in &linked {
        if !ranked.iter().any(|(x, _)| *x == id) {
            ranked.push((id, 0.0));
        }
    }
    ranked.sort_by(|a, b| {
        linked
            .contains(&b.0)
            .cmp(&linked.contains(&a.0))
            .then(b.1.total_cmp(&a.1))
            .then(a.0.cmp(&b.0))
    });
    ranked
}

pub fn matched_articles(d: &Data, t: &Ticket) -> Vec<Value> {
    related_articles(d, t)
        .into_iter()
        .take(MAX_ARTICLE_MATCHES)
        .zip(1..)
        .filter_map(|((id, score), n)| {
            let a = d.articles.iter().find(|a| a.id == id)?;
            Some(json!({
                "id": n, "use": USE_ARTICLE, "ticket_id": t.id, "matched_id": id,
                "search_score": score, "name": a.name, "client_name": "",
                "date_occurred": super::wire_dates::at(a.date_created), "date_closed": super::wire_dates::maybe(None),
            }))
        })
        .collect()
}
