//! Logging set-up: JSON lines under Azure Functions (or `LOG_FORMAT=json`), readable text otherwise.
//! Both escape caller-supplied values, so no one can forge a log line.
//!
//! Warnings and errors go to stderr, everything else to stdout. The Functions host logs a custom
//! handler's stdout lines as Information and its stderr lines as Error, or Warning when the line
//! contains "warn" (`WorkerProcess.ParseErrorMessageAndLog` in Azure/azure-functions-host), so
//! this split is what gives each line its right severity in Application Insights.

mod escaped_fields;

use tracing::Level;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::writer::MakeWriterExt;
use tracing_subscriber::{EnvFilter, Layer, fmt, prelude::*};

use crate::config::LogFormat;

pub use escaped_fields::{Escaped, EscapedFields};

/// Installs the global subscriber. Safe to call more than once (later calls are ignored).
/// `filter` has been checked by the configuration loader (a bad `RUST_LOG` stops start-up
/// there), so no directive is dropped here.
pub fn init(format: LogFormat, filter: &str) {
    let filter = EnvFilter::new(filter);
    let registry = tracing_subscriber::registry().with(filter);
    let writer = || {
        std::io::stderr
            .with_max_level(Level::WARN)
            .or_else(std::io::stdout)
    };
    let result = match format {
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(false)
                    .with_writer(writer()),
            )
            .try_init(),
        LogFormat::Text => {
            use std::io::IsTerminal;
            let colours = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
            registry.with(text_layer(writer(), colours)).try_init()
        }
    };
    let _ = result;
}

/// The text-format layer, writing to `writer`; colours only for a terminal, so a log file or
/// the Functions host never receives escape sequences.
pub fn text_layer<S, W>(writer: W, colours: bool) -> impl Layer<S>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    fmt::layer()
        .with_target(false)
        .fmt_fields(EscapedFields)
        .with_ansi(colours)
        .with_writer(writer)
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn caller_supplied_values_cannot_start_a_log_line() {
        let buffer = Buffer::default();
        let sink = buffer.clone();
        let subscriber =
            tracing_subscriber::registry().with(text_layer(move || sink.clone(), false));
        let forged = "Inspector\n2026-01-01T00:00:00Z  INFO agent signed in subject=admin";
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("request", user_agent = %"curl\r\nINFO forged");
            let _entered = span.enter();
            tracing::warn!(client = %forged, tool = "get\nticket", "showing the consent page");
            tracing::info!("no status named '{}'", "Open\nINFO forged");
        });
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].contains(r"client=Inspector\n2026-01-01"), "{text}");
        assert!(lines[0].contains(r#"tool="get\nticket""#), "{text}");
        assert!(
            lines[0].contains(r"user_agent=curl\r\nINFO forged"),
            "{text}"
        );
        assert!(
            lines[1].contains(r"no status named 'Open\nINFO forged'"),
            "{text}"
        );
    }
}
