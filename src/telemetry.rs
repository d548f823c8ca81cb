//! Logging set-up: JSON lines under Azure Functions (or `LOG_FORMAT=json`), readable text otherwise.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::{DEFAULT_LOG_FILTER, LogFormat};

/// Installs the global subscriber. Safe to call more than once (later calls are ignored).
pub fn init(format: LogFormat, filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format {
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(false)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
        LogFormat::Text => registry
            .with(fmt::layer().with_target(false).with_writer(std::io::stderr))
            .try_init(),
    };
    let _ = result;
}
