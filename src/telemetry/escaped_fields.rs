//! Field formatting for text logs that escapes every control character in every value.
//!
//! Log fields carry caller-supplied text (client names, tool names and arguments in error
//! messages, header values). tracing-subscriber's default text format writes `%display` values
//! as they are, so a value holding a newline could start a forged log line. JSON logs escape by
//! construction; this does the same for text: `\n`, `\r`, `\t` and every other control
//! character (plus the Unicode line and paragraph separators) are written as escapes.

use std::fmt::{self, Write as _};

use tracing::field::{Field, Visit};
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::FormatFields;
use tracing_subscriber::fmt::format::Writer;

/// `message key=value key=value`, like the default format, with values escaped.
#[derive(Debug, Default, Clone, Copy)]
pub struct EscapedFields;

impl<'writer> FormatFields<'writer> for EscapedFields {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'writer>, fields: R) -> fmt::Result {
        let mut visitor = Visitor {
            writer,
            first: true,
            result: Ok(()),
        };
        fields.record(&mut visitor);
        visitor.result
    }
}

struct Visitor<'writer> {
    writer: Writer<'writer>,
    first: bool,
    result: fmt::Result,
}

impl Visitor<'_> {
    fn write(&mut self, field: &Field, value: &str) {
        if self.result.is_err() {
            return;
        }
        let separator = if self.first { "" } else { " " };
        self.first = false;
        self.result = if field.name() == "message" {
            write!(self.writer, "{separator}{}", Escaped(value))
        } else {
            write!(
                self.writer,
                "{separator}{}={}",
                field.name(),
                Escaped(value)
            )
        };
    }
}

impl Visit for Visitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.write(field, value);
        } else {
            // Quoted, as the default format writes strings.
            self.write(field, &format!("{value:?}"));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let mut text = String::new();
        if write!(text, "{value:?}").is_err() {
            text = "<unprintable>".into();
        }
        self.write(field, &text);
    }
}

/// Writes a value with its control characters escaped.
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
                    write!(f, "\\u{{{:x}}}", c as u32)?
                }
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        let escaped = Escaped("a\nb\r\nc\td\u{1b}[31me\u{7f}f\u{85}g\u{2028}h").to_string();
        assert_eq!(
            escaped,
            "a\\nb\\r\\nc\\td\\u{1b}[31me\\u{7f}f\\u{85}g\\u{2028}h"
        );
        assert_eq!(
            Escaped("plain text, ünïcode").to_string(),
            "plain text, ünïcode"
        );
    }
}
