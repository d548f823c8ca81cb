//! The one way tests start the application: [`spawn_app`] builds it from configuration exactly
//! as `main` does (embedded sandbox, port 0) and serves it in the background.

#![allow(dead_code)]

use std::collections::HashMap;

use halo_mcp::config::{Config, Env};
use halo_mcp::startup::Application;
use halo_sandbox::SandboxState;
use serde_json::{Value, json};

pub struct TestApp {
    pub base_url: String,
    pub mcp_url: String,
    pub sandbox_url: Option<String>,
    pub sandbox: Option<SandboxState>,
    pub http: reqwest::Client,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// The app with defaults: embedded sandbox with demo data, sign-in off, loopback, port 0.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Every test's logs go, at debug level, to one file that `.ci/log-scan.sh` searches for
/// tokens, codes and secrets after the suite has run.
pub fn capture_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("logs");
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(format!("api-{}.log", std::process::id()));
        let Ok(file) = std::fs::File::create(&path) else {
            return;
        };
        let _ = tracing_subscriber::fmt()
            .json()
            .with_env_filter("debug,hyper=info,hyper_util=info,h2=info,rustls=info,reqwest=info")
            .with_writer(std::sync::Mutex::new(file))
            .try_init();
    });
}

/// The app with extra environment variables.
pub async fn spawn_app_with(vars: &[(&str, &str)]) -> TestApp {
    capture_logs();
    let mut env: HashMap<String, String> = HashMap::new();
    env.insert("PORT".into(), "0".into());
    env.insert("RUST_LOG".into(), "warn".into());
    for (k, v) in vars {
        env.insert(k.to_string(), v.to_string());
    }
    let config = Config::load(&Env::from_map(env)).expect("test configuration is valid");
    let app = Application::build(config)
        .await
        .expect("application builds");
    let base_url = format!("http://{}", app.local_addr());
    let mcp_url = app.config().mcp_url();
    let sandbox_url = app.sandbox().map(|s| s.url().to_string());
    let sandbox = app.sandbox().map(|s| s.state());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = rx.await;
    }));
    TestApp {
        base_url,
        mcp_url,
        sandbox_url,
        sandbox,
        http: reqwest::Client::new(),
        _shutdown: tx,
    }
}

impl TestApp {
    /// POSTs a JSON-RPC message to /mcp with the headers a standard client sends.
    pub async fn post(&self, body: Value) -> reqwest::Response {
        self.http
            .post(&self.mcp_url)
            .header("Accept", "application/json, text/event-stream")
            .header("Content-Type", "application/json")
            .json(&body)
            .send()
            .await
            .expect("request reaches the server")
    }

    /// Sends a JSON-RPC request and returns the parsed response body.
    pub async fn rpc(&self, method: &str, params: Value) -> Value {
        let response = self
            .post(json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
            .await;
        assert_eq!(
            response.status(),
            200,
            "{method} answered {}",
            response.status()
        );
        response.json().await.expect("JSON body")
    }

    /// Calls a tool and returns the `result` object (with `isError`, `content`, `structuredContent`).
    pub async fn call_tool(&self, name: &str, arguments: Value) -> Value {
        let body = self
            .rpc("tools/call", json!({"name": name, "arguments": arguments}))
            .await;
        assert!(
            body.get("error").is_none(),
            "{name} gave a JSON-RPC error: {body}"
        );
        body["result"].clone()
    }

    /// Calls a tool that must succeed and returns its structured content.
    pub async fn call_ok(&self, name: &str, arguments: Value) -> Value {
        let result = self.call_tool(name, arguments).await;
        assert_eq!(result["isError"], false, "{name} failed: {result}");
        let structured = result["structuredContent"].clone();
        let text: Value = serde_json::from_str(result["content"][0]["text"].as_str().unwrap())
            .expect("text content is the same JSON");
        assert_eq!(text, structured, "text and structuredContent differ");
        structured
    }

    /// Calls a tool that must fail with `isError: true`; returns the error text.
    pub async fn call_err(&self, name: &str, arguments: Value) -> String {
        let result = self.call_tool(name, arguments).await;
        assert_eq!(result["isError"], true, "{name} should fail: {result}");
        result["content"][0]["text"]
            .as_str()
            .expect("error text")
            .to_string()
    }
}

/// A free loopback port for a handler process.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The halo-mcp binary started as the Functions host starts it; killed when dropped.
pub struct Child(pub std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits, as the Functions host does, until `GET /` answers; it must answer 200 (the host's
/// readiness probe) and the process must not exit first.
pub async fn wait_for_readiness(child: &mut Child, http: &reqwest::Client, base: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if let Ok(response) = http.get(base).send().await {
            assert_eq!(
                response.status(),
                200,
                "the host's readiness probe must pass"
            );
            return;
        }
        if let Some(status) = child.0.try_wait().expect("wait") {
            panic!("the handler exited ({status}) before answering GET /");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the handler never answered GET /"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
