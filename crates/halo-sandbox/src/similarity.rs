//! Deterministic text similarity standing in for Halo AI's embeddings: TF-IDF weighted cosine over
//! word tokens. Ties break on id so rankings are stable across runs.

use std::collections::{BTreeMap, HashMap};

/// Words too common to say anything about a ticket.
const STOP_WORDS: &[&str] = &[
    "the", "a", "an", "and", "or", "to", "of", "in", "on", "for", "is", "it", "my", "i", "me",
    "we", "our", "with", "at", "from", "when", "after", "be", "as", "this", "that", "by", "are",
    "was", "has", "have", "not", "can", "cannot", "please", "every", "since", "keeps", "your",
    "you", "if", "up", "its", "what", "how", "do", "does",
];

/// Lowercase alphanumeric words, stop words and single letters removed.
pub fn tokens(text: &str) -> Vec<String> {
    strip_html(text)
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 1 && !STOP_WORDS.contains(w))
        .map(|w| {
            w.strip_suffix('s')
                .filter(|s| s.len() > 2)
                .unwrap_or(w)
                .to_string()
        })
        .collect()
}

/// Plain text from simple HTML (tags dropped, common entities decoded).
pub fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A corpus of documents keyed by id; scores a query against each.
pub struct Corpus {
    docs: Vec<(i64, BTreeMap<String, f64>)>,
    idf: HashMap<String, f64>,
}

impl Corpus {
    /// `docs` are (id, text); IDF is computed over `docs` plus `extra` texts (so a ticket corpus
    /// and an article corpus weigh words the same way).
    pub fn new(docs: &[(i64, String)], extra: &[String]) -> Corpus {
        let all: Vec<Vec<String>> = docs
            .iter()
            .map(|(_, t)| tokens(t))
            .chain(extra.iter().map(|t| tokens(t)))
            .collect();
        let n = all.len().max(1) as f64;
        let mut df: HashMap<String, f64> = HashMap::new();
        for toks in &all {
            let mut seen: Vec<&String> = toks.iter().collect();
            seen.sort();
            seen.dedup();
            for t in seen {
                *df.entry(t.clone()).or_default() += 1.0;
            }
        }
        let idf: HashMap<String, f64> = df
            .into_iter()
            .map(|(t, d)| (t, (1.0 + n / d).ln()))
            .collect();
        let docs = docs
            .iter()
            .zip(all)
            .map(|((id, _), toks)| (*id, weigh(&toks, &idf)))
            .collect();
        Corpus { docs, idf }
    }

    /// (id, score in 0..=1) best first, scores below `min` dropped, ties by ascending id.
    pub fn rank(&self, query: &str, min: f64, exclude: Option<i64>) -> Vec<(i64, f64)> {
        let q = weigh(&tokens(query), &self.idf);
        let mut scored: Vec<(i64, f64)> = self
            .docs
            .iter()
            .filter(|(id, _)| Some(*id) != exclude)
            .map(|(id, d)| (*id, (cosine(&q, d) * 10_000.0).round() / 10_000.0))
            .filter(|(_, s)| *s >= min && *s > 0.0)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
    }
}

fn weigh(toks: &[String], idf: &HashMap<String, f64>) -> BTreeMap<String, f64> {
    let mut tf: BTreeMap<String, f64> = BTreeMap::new();
    for t in toks {
        *tf.entry(t.clone()).or_default() += 1.0;
    }
    for (t, w) in tf.iter_mut() {
        *w *= idf.get(t).copied().unwrap_or(1.0);
    }
    tf
}

fn cosine(a: &BTreeMap<String, f64>, b: &BTreeMap<String, f64>) -> f64 {
    let dot: f64 = a.iter().filter_map(|(t, w)| b.get(t).map(|v| w * v)).sum();
    let na: f64 = a.values().map(|w| w * w).sum::<f64>().sqrt();
    let nb: f64 = b.values().map(|w| w * w).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_texts_rank_first_and_stably() {
        let docs = vec![
            (1, "Outlook password prompt".to_string()),
            (2, "Printer jam on tray 2".to_string()),
            (3, "Outlook keeps asking for password".to_string()),
        ];
        let c = Corpus::new(&docs, &[]);
        let r = c.rank("Outlook asking for my password again", 0.05, None);
        assert_eq!(r.first().map(|x| x.0), Some(3));
        assert!(r.iter().all(|x| x.0 != 2));
        assert_eq!(
            r,
            c.rank("Outlook asking for my password again", 0.05, None)
        );
    }

    #[test]
    fn strips_html() {
        assert_eq!(strip_html("<p>a &amp; b</p><br>c"), "a & b c");
    }
}
