//! What the fuzz targets share: a tool registry like the embedded-sandbox deployment's (the 14
//! system tools plus the demo tools file's custom tools) and a Halo client that can never reach
//! a Halo, so a tool call that gets past its argument checks fails in microseconds instead of
//! touching the network.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use halo_mcp::config::ToolSettings;
use halo_mcp::halo::{HaloClient, HaloClientOptions, HaloCredential, LookupCache};
use halo_mcp::mcp::resources::sizes::ArticleSizes;
use halo_mcp::mcp::server::Shared;
use halo_mcp::mcp::{CallContext, ToolHandler, ToolRegistry};
use halo_mcp::tools::{self, custom};

/// One single-threaded runtime for the whole fuzzing process (an input runs to completion
/// before the next starts, so more threads would only add noise).
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

/// A Halo client aimed at a closed loopback port whose rate limiter allows one request per
/// day: the first call is refused by the kernel, every later one is refused by the limiter
/// without waiting (the wait exceeds the zero retry budget). No input can reach a network.
pub fn dead_halo() -> HaloClient {
    let base = url::Url::parse("http://127.0.0.1:9/").expect("a URL");
    let mut options = HaloClientOptions::new(base);
    options.timeout = Duration::from_millis(200);
    options.rate_limit = 1;
    options.rate_window = Duration::from_secs(86_400);
    options.read_retry_budget = Duration::ZERO;
    options.max_read_attempts = 1;
    HaloClient::new(options).expect("a Halo client")
}

/// The system tools' names, which custom tools may not reuse.
pub fn system_tool_names() -> Vec<String> {
    tools::system_tools()
        .iter()
        .map(|t| t.definition().name.clone())
        .collect()
}

/// Every tool the embedded-sandbox deployment offers: system tools and the demo custom tools.
pub fn all_tools() -> Vec<Arc<dyn ToolHandler>> {
    let mut all = tools::system_tools();
    let demo = custom::file::parse(
        custom::DEMO_TOOLS_NAME,
        custom::file::Format::Toml,
        custom::DEMO_TOOLS,
        &system_tool_names(),
    )
    .expect("the demo tools file is valid");
    all.extend(custom::handlers(demo));
    all
}

/// The registry of [`all_tools`], with no operator selection.
pub fn registry() -> Arc<ToolRegistry> {
    Arc::new(ToolRegistry::new(all_tools(), &ToolSettings::default()).expect("a tool registry"))
}

/// A fixed bearer token: never sent anywhere (see [`dead_halo`]).
pub fn credential() -> HaloCredential {
    HaloCredential::Bearer(Arc::from("fuzz-token"))
}

/// What the MCP edge shares between requests, wired to the dead Halo.
pub fn shared() -> Arc<Shared> {
    Arc::new(Shared {
        registry: registry(),
        halo: dead_halo(),
        lookups: Arc::new(LookupCache::new(Duration::from_secs(300))),
        default_credential: Some(credential()),
        article_sizes: ArticleSizes::new(Duration::from_secs(300)),
        auditor: Arc::new(halo_mcp::audit::Auditor::new(Arc::new(
            halo_mcp::audit::MemoryAuditLog::default(),
        ))),
    })
}

/// A tool-call context on the dead Halo.
pub fn call_context() -> CallContext {
    CallContext {
        halo: dead_halo().session(credential()),
        lookups: Arc::new(LookupCache::new(Duration::from_secs(300))),
    }
}
