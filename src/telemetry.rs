//! Logging set-up: JSON lines under Azure Functions (or `LOG_FORMAT=json`), readable text otherwise.
//!
//! Warnings and errors go to stderr, everything else to stdout. The Functions host logs a custom
//! handler's stdout lines as Information and its stderr lines as Error, or Warning when the line
//! contains "warn" (`WorkerProcess.ParseErrorMessageAndLog` in Azure/azure-functions-host), so
//! this split is what gives each line its right severity in Application Insights.

use tracing::Level;
use tracing_subscriber::fmt::writer::MakeWriterExt;
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::{DEFAULT_LOG_FILTER, LogFormat};

/// Installs the global subscriber. Safe to call more than once (later calls are ignored).
pub fn init(format: LogFormat, filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER));
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
        LogFormat::Text => registry
            .with(fmt::layer().with_target(false).with_writer(writer()))
            .try_init(),
    };
    let _ = result;
}
