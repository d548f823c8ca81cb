//! Typed records straight from Halo's response bytes. A ticket carries hundreds of fields, and
//! building all of them into a JSON value only to read thirty costs more than the rest of the
//! read; here the known fields are deserialised from the bytes and the others skipped unbuilt.
//! Errors read exactly as [`decode::one`]'s and [`envelope::unwrap_list`]'s do: a wrongly typed
//! field names the entity and the field's path inside its record, a list envelope is accepted
//! in every shape `unwrap_list` accepts, and a body that is not JSON is "malformed JSON".

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::decode::{self, Record, Records};
use crate::halo::client::{ReadPolicy, json, malformed};
use crate::halo::{HaloError, HaloSession, envelope};

impl HaloSession {
    /// GET one record, decoded from Halo's answer as it arrives.
    pub async fn read<T: Record>(
        &self,
        path: &str,
        query: &[(&str, String)],
        policy: ReadPolicy,
    ) -> Result<T, HaloError> {
        one(&self.get_body(path, query, policy).await?)
    }

    /// GET one page of a list endpoint, its records decoded from Halo's answer as it arrives.
    pub async fn read_list<T: Record>(
        &self,
        path: &str,
        key: &str,
        query: &[(&str, String)],
    ) -> Result<Records<T>, HaloError> {
        page(
            &self.get_body(path, query, ReadPolicy::default()).await?,
            key,
        )
    }
}

/// One record from a JSON body.
pub fn one<T: Record>(body: &[u8]) -> Result<T, HaloError> {
    if body.trim_ascii().is_empty() {
        return decode::one(Value::Null);
    }
    // Nearly every answer decodes, and tracking field paths costs a good part of the read;
    // so paths are tracked only on a second read that words a failure (which fails the same way).
    if let Ok(record) = serde_json::from_slice(body) {
        return Ok(record);
    }
    one_tracked(body)
}

/// One record from a non-empty JSON body, a wrongly typed field named by its path.
fn one_tracked<T: Record>(body: &[u8]) -> Result<T, HaloError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let record = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        field_error::<T>(&path, e.into_inner())
    })?;
    de.end().map_err(malformed)?;
    Ok(record)
}

/// One page of records from a list body: the named key, else the first array property, else
/// a bare array (as [`envelope::unwrap_list`]).
pub fn page<T: Record>(body: &[u8], key: &str) -> Result<Records<T>, HaloError> {
    if body.trim_ascii().is_empty() {
        return decode::page(envelope::unwrap_list(json(body)?, key)?);
    }
    // As in `one`: field paths are tracked only to word a failure.
    page_read(body, key, Paths::Untracked).or_else(|_| page_read(body, key, Paths::Tracked))
}

/// Whether record errors name their field path (which costs a good part of the read).
#[derive(Clone, Copy)]
enum Paths {
    Tracked,
    Untracked,
}

fn page_read<T: Record>(body: &[u8], key: &str, paths: Paths) -> Result<Records<T>, HaloError> {
    let mut failed = None;
    let mut de = serde_json::Deserializer::from_slice(body);
    let found = EnvelopeSeed::<T> {
        key,
        failed: &mut failed,
        paths,
        record: std::marker::PhantomData,
    }
    .deserialize(&mut de);
    let found = match (found, failed) {
        (Ok(found), _) => found,
        // A record's error (or a body that is no list) stopped the read.
        (Err(error), Some(failed)) if error.is_data() => return Err(failed),
        (Err(error), _) => return Err(malformed(error)),
    };
    de.end().map_err(malformed)?;
    let (items, record_count) = match found {
        Found::Named(items, count) => (items, count),
        Found::Other(items, count) => (
            items
                .into_iter()
                .map(decode::one)
                .collect::<Result<_, _>>()?,
            count,
        ),
        Found::Nothing(Some(0)) => (Vec::new(), Some(0)),
        Found::Nothing(_) => {
            return Err(HaloError::InvalidResponse(format!(
                "expected a list under '{key}'"
            )));
        }
    };
    Ok(Records {
        items,
        record_count,
    })
}

/// `decode::one`'s message for a wrongly typed field: the position in the body is left out,
/// because the field path already says where.
fn field_error<T: Record>(path: &str, error: serde_json::Error) -> HaloError {
    if !error.is_data() {
        return malformed(error);
    }
    invalid_field::<T>(path, error.to_string())
}

/// `decode::one`'s words for a record whose field at `path` is wrong.
fn invalid_field<T: Record>(path: &str, message: String) -> HaloError {
    HaloError::InvalidResponse(format!(
        "{} field '{path}' is not what Halo documents: {}",
        T::ENTITY,
        without_position(message)
    ))
}

/// A JSON error's message without the " at line L column C" the byte parser appends (a value
/// has no position, and the field path already says where).
fn without_position(mut message: String) -> String {
    if let Some((head, tail)) = message.rsplit_once(" at line ")
        && let Some((line, column)) = tail.split_once(" column ")
        && !line.is_empty()
        && line.bytes().all(|b| b.is_ascii_digit())
        && !column.is_empty()
        && column.bytes().all(|b| b.is_ascii_digit())
    {
        message.truncate(head.len());
    }
    message
}

/// What a list body held.
enum Found<T> {
    /// Records under the named key, or a bare array.
    Named(Vec<T>, Option<u64>),
    /// No array under the named key; the first other array property, not yet decoded.
    Other(Vec<Value>, Option<u64>),
    /// No array at all.
    Nothing(Option<u64>),
}

/// Reads a list envelope. A record that fails leaves its error in `failed` (the field path
/// relative to the record, as `decode::one` names it) and stops the read.
struct EnvelopeSeed<'a, T> {
    key: &'a str,
    failed: &'a mut Option<HaloError>,
    paths: Paths,
    record: std::marker::PhantomData<T>,
}

impl<'de, T: Record> DeserializeSeed<'de> for EnvelopeSeed<'_, T> {
    type Value = Found<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Found<T>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: Record> Visitor<'de> for EnvelopeSeed<'_, T> {
    type Value = Found<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list under '{}'", self.key)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Found<T>, A::Error> {
        Ok(Found::Named(records(seq, self.failed, self.paths)?, None))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Found<T>, A::Error> {
        let mut record_count = None;
        let mut named = None;
        // Arrays under other names, in a JSON map so "the first" is the one `unwrap_list`'s
        // map iteration finds first.
        let mut others = serde_json::Map::new();
        while let Some(name) = map.next_key::<String>()? {
            if name == "record_count" {
                match map.next_value::<Value>()? {
                    Value::Array(items) => {
                        others.insert(name, Value::Array(items));
                    }
                    value => record_count = value.as_u64(),
                }
            } else if name == self.key && named.is_none() {
                named = map.next_value_seed(RecordsSeed::<T> {
                    failed: &mut *self.failed,
                    paths: self.paths,
                    record: std::marker::PhantomData,
                })?;
            } else if let Some(items) = map.next_value_seed(ArrayOnly)? {
                others.insert(name, Value::Array(items));
            }
        }
        let other = others.into_iter().find_map(|(_, v)| match v {
            Value::Array(items) => Some(items),
            _ => None,
        });
        Ok(match (named, other) {
            (Some(items), _) => Found::Named(items, record_count),
            (None, Some(items)) => Found::Other(items, record_count),
            (None, None) => Found::Nothing(record_count),
        })
    }

    // Any other JSON (a string, a number, null) holds no list.
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Found<T>, E> {
        Err(E::custom(self.not_a_list()))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Found<T>, E> {
        Err(E::custom(self.not_a_list()))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Found<T>, E> {
        Err(E::custom(self.not_a_list()))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Found<T>, E> {
        Err(E::custom(self.not_a_list()))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Found<T>, E> {
        Err(E::custom(self.not_a_list()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Found<T>, E> {
        Err(E::custom(self.not_a_list()))
    }
}

impl<T> EnvelopeSeed<'_, T> {
    /// Records the error `unwrap_list` gives for a body that is no list, and stops the read.
    fn not_a_list(self) -> &'static str {
        *self.failed = Some(HaloError::InvalidResponse(format!(
            "expected a list under '{}'",
            self.key
        )));
        "not a list"
    }
}

/// The value under the named key: records when it is an array, `None` when it is anything else
/// (then another array property or the empty-list rule decides, as in `unwrap_list`).
struct RecordsSeed<'a, T> {
    failed: &'a mut Option<HaloError>,
    paths: Paths,
    record: std::marker::PhantomData<T>,
}

impl<'de, T: Record> DeserializeSeed<'de> for RecordsSeed<'_, T> {
    type Value = Option<Vec<T>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// The visitor methods of a property read only when it is an array: any scalar is "no list".
macro_rules! scalars_are_not_lists {
    () => {
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    };
}

impl<'de, T: Record> Visitor<'de> for RecordsSeed<'_, T> {
    type Value = Option<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        records(seq, self.failed, self.paths).map(Some)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    scalars_are_not_lists!();
}

/// Another property's value: kept (as JSON) only when it is an array.
struct ArrayOnly;

impl<'de> DeserializeSeed<'de> for ArrayOnly {
    type Value = Option<Vec<Value>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ArrayOnly {
    type Value = Option<Vec<Value>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Some(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    scalars_are_not_lists!();
}

/// Every element of an array as a record, each with its own field paths.
fn records<'de, T: Record, A: SeqAccess<'de>>(
    mut seq: A,
    failed: &mut Option<HaloError>,
    paths: Paths,
) -> Result<Vec<T>, A::Error> {
    let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
    while let Some(item) = seq.next_element_seed(RecordSeed::<T> {
        failed: &mut *failed,
        paths,
        record: std::marker::PhantomData,
    })? {
        items.push(item);
    }
    Ok(items)
}

/// One element of a list, read as a record of its own so its errors name the field inside it.
struct RecordSeed<'a, T> {
    failed: &'a mut Option<HaloError>,
    paths: Paths,
    record: std::marker::PhantomData<T>,
}

impl<'de, T: Record> DeserializeSeed<'de> for RecordSeed<'_, T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        if let Paths::Untracked = self.paths {
            // The caller reads the body again with paths to word the failure.
            return T::deserialize(deserializer);
        }
        serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            // The element's failure as `decode::one` words it; the JSON error only stops the
            // read (and is reported instead when it turns out to be a syntax error).
            *self.failed = Some(invalid_field::<T>(&path, inner.to_string()));
            inner
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::halo::records::{Action, Ticket};

    /// The result a body gave when it was read into a value first.
    fn through_value<T: Record>(body: &str, key: &str) -> Result<Records<T>, HaloError> {
        decode::page(envelope::unwrap_list(json(body.as_bytes())?, key)?)
    }

    fn ids(result: Result<Records<Ticket>, HaloError>) -> Result<(Vec<i64>, Option<u64>), String> {
        result
            .map(|r| {
                (
                    r.items.iter().filter_map(|t| t.id).collect(),
                    r.record_count,
                )
            })
            .map_err(|e| e.to_string())
    }

    #[test]
    fn every_list_shape_reads_as_it_did_through_a_value() {
        for body in [
            r#"{"record_count": 5, "tickets": [{"id": 1, "extra": {"deep": [1, {"x": null}]}}, {"id": "2"}]}"#,
            r#"{"tickets": [{"id": 1}], "record_count": 1}"#,
            r#"{"columns": [{"id": 9}], "tickets": [{"id": 1}]}"#,
            r#"{"results": [{"id": 1}, {"id": 2}], "other": [{"id": 3}]}"#,
            r#"{"tickets": null, "results": [{"id": 4}]}"#,
            r#"{"tickets": {"id": 1}, "name": "x"}"#,
            r#"{"record_count": 0}"#,
            r#"{"record_count": 0, "tickets": null}"#,
            r#"{"record_count": "7", "tickets": []}"#,
            r#"{"record_count": -1, "tickets": []}"#,
            r#"[{"id": 1}, {"id": 2}]"#,
            r#"[]"#,
            r#"{"x": 1}"#,
            r#""nope""#,
            r#"7"#,
            r#"null"#,
            "",
            "  ",
            r#"{"tickets": [{"id": 1}, {"id": [2]}]}"#,
            r#"{"results": [{"id": 1}, {"summary": 2}]}"#,
            r#"[{"id": 1}, null]"#,
            r#"{"tickets": [{"id": 1}"#,
            r#"{"tickets": []} x"#,
            "<html>",
        ] {
            assert_eq!(
                ids(page::<Ticket>(body.as_bytes(), "tickets")),
                ids(through_value::<Ticket>(body, "tickets")),
                "{body}"
            );
        }
    }

    #[test]
    fn a_bad_record_in_a_list_is_named_by_its_own_field_path() {
        let body =
            r#"{"record_count": 2, "actions": [{"id": 1}, {"id": 2, "hiddenfromuser": "yes"}]}"#;
        match page::<Action>(body.as_bytes(), "actions") {
            Err(HaloError::InvalidResponse(m)) => assert_eq!(
                m,
                "action field 'hiddenfromuser' is not what Halo documents: \
                 invalid type: string \"yes\", expected a boolean"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn one_record_reads_as_it_did_through_a_value() {
        for body in [
            r#"{"id": "12", "summary": "Printer", "unknown": {"deep": [1]}, "impact": 2, "timetaken": 1.5}"#,
            r#"{"id": 12.0}"#,
            r#"{"id": 1.5}"#,
            r#"{"id": 18446744073709551615}"#,
            r#"{"id": " 7 "}"#,
            r#"{"id": "seven"}"#,
            r#"{"id": true}"#,
            r#"{"id": [1]}"#,
            r#"{"id": {"a": 1}}"#,
            r#"{"summary": 3}"#,
            r#"{"onhold": "no"}"#,
            r#"{"ai_suggestions": [{"applied": "yes"}]}"#,
            r#"{"customfields": {}}"#,
            r#"[{"id": 1}]"#,
            "null",
            "",
            r#"{"id": 1"#,
            r#"{"id": 1} {}"#,
        ] {
            let from_bytes = one::<Ticket>(body.as_bytes()).map(|t| (t.id, t.summary));
            let from_value = json(body.as_bytes())
                .and_then(decode::one::<Ticket>)
                .map(|t| (t.id, t.summary));
            assert_eq!(
                from_bytes.map_err(|e| e.to_string()),
                from_value.map_err(|e| e.to_string()),
                "{body}"
            );
        }
    }

    /// `one` as it read before it tried an untracked read first.
    fn one_as_before<T: Record>(body: &[u8]) -> Result<T, HaloError> {
        if body.trim_ascii().is_empty() {
            return decode::one(Value::Null);
        }
        one_tracked(body)
    }

    /// Every body one edit away from a few list and record answers (cut short, a byte left
    /// out, a byte put in): the untracked read first gives what the tracked read alone gave,
    /// record and error message alike.
    #[test]
    fn reading_without_paths_first_changes_no_result_and_no_message() {
        let seeds = [
            r#"{"record_count": 2, "actions": [{"id": 1, "who": "Sam", "hiddenfromuser": false}, {"id": 2, "note": "x", "hiddenfromuser": true}]}"#,
            r#"{"tickets": [{"id": 1, "summary": "a"}, {"id": "x"}, {"id": 3}], "record_count": 3, "other": [{"id": 9}]}"#,
            r#"[{"id": 1, "onhold": false, "extra": {"deep": [1, {"x": null}]}}, {"id": 2, "summary": 3}]"#,
            r#"{"columns": [{"id": 9}], "tickets": null, "tickets": [{"id": 1}]}"#,
            r#"{"id": 12, "summary": "Printer", "id": 13, "onhold": "no", "customfields": [{"id": 1}]}"#,
        ];
        let bodies: Vec<Vec<u8>> = seeds
            .iter()
            .flat_map(|seed| {
                crate::one_edit::variants(
                    seed.as_bytes(),
                    &[b'"', b'}', b']', b',', b'x', b'1', b'-', 0xff],
                )
            })
            .collect();
        let text = |e: HaloError| e.to_string();
        for body in &bodies {
            let shown = String::from_utf8_lossy(body);
            // (`page` answers a blank body before either read.)
            for key in ["tickets", "actions"]
                .iter()
                .filter(|_| !body.trim_ascii().is_empty())
            {
                assert_eq!(
                    ids(page::<Ticket>(body, key)),
                    ids(page_read::<Ticket>(body, key, Paths::Tracked)),
                    "{shown}"
                );
                let actions = |r: Result<Records<Action>, HaloError>| {
                    r.map(|r| format!("{:?}", r.items)).map_err(text)
                };
                assert_eq!(
                    actions(page::<Action>(body, key)),
                    actions(page_read::<Action>(body, key, Paths::Tracked)),
                    "{shown}"
                );
            }
            assert_eq!(
                one::<Ticket>(body).map(|t| format!("{t:?}")).map_err(text),
                one_as_before::<Ticket>(body)
                    .map(|t| format!("{t:?}"))
                    .map_err(text),
                "{shown}"
            );
        }
    }

    #[test]
    fn positions_are_cut_only_where_the_parser_put_them() {
        assert_eq!(
            without_position("invalid type: null at line 1 column 20".into()),
            "invalid type: null"
        );
        assert_eq!(
            without_position("seen at line one column 2".into()),
            "seen at line one column 2"
        );
        assert_eq!(without_position("no position".into()), "no position");
    }
}
