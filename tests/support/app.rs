//! The application in-process: built from configuration exactly as `main` builds it (embedded
//! sandbox, port 0) and served in the background until the [`TestApp`] is dropped.

use std::collections::HashMap;

use halo_mcp::config::{Config, Env};
use halo_mcp::startup::{Application, BuildOptions};
use halo_sandbox::SandboxState;
use serde_json::{Value, json};

use super::settings::Settings;

/// A running server, in this process or (see [`TestApp::external`]) in another.
pub struct TestApp {
    pub base_url: String,
    pub mcp_url: String,
    /// The sandbox's base URL, without a trailing slash.
    pub sandbox_url: Option<String>,
    /// The embedded sandbox's state: its request log shows every call that reached "Halo".
    pub sandbox: Option<SandboxState>,
    /// Follows no redirects, so each hop of a sign-in can be inspected.
    pub http: reqwest::Client,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// The settings and build options of an app about to start; see [`app`].
pub struct AppBuilder {
    env: HashMap<String, String>,
    options: BuildOptions,
    capture_logs: bool,
}

/// An app with defaults: embedded sandbox with demo data, sign-in off, loopback, port 0.
pub fn app() -> AppBuilder {
    let env = [("PORT", "0"), ("RUST_LOG", "warn")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    AppBuilder {
        env,
        options: BuildOptions::default(),
        capture_logs: false,
    }
}

/// The default app, its logs captured for the log scan.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// The app with extra settings, its logs captured for the log scan.
pub async fn spawn_app_with(vars: &[(&str, &str)]) -> TestApp {
    app()
        .vars(vars.iter().copied())
        .capture_logs()
        .spawn()
        .await
}

impl Settings for AppBuilder {
    /// Sets (or with an empty value, clears) a setting.
    fn var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.insert(name.into(), value.into());
        self
    }
}

impl AppBuilder {
    /// Removes a default setting (start-up failures are checked without `RUST_LOG`).
    pub fn unset(mut self, name: &str) -> Self {
        self.env.remove(name);
        self
    }

    pub fn options(mut self, options: BuildOptions) -> Self {
        self.options = options;
        self
    }

    /// Sends the process's logs to the file the log scan reads (see [`super::logs`]).
    pub fn capture_logs(mut self) -> Self {
        self.capture_logs = true;
        self
    }

    async fn build(self) -> Result<Application, String> {
        if self.capture_logs {
            super::logs::capture();
        }
        let config = Config::load(&Env::from_map(self.env)).expect("test configuration is valid");
        Application::build_with(config, self.options)
            .await
            .map_err(|e| e.to_string())
    }

    pub async fn spawn(self) -> TestApp {
        self.spawn_inspecting(|_| ()).await.0
    }

    /// Starts the app after handing it to `inspect` (for what only the built application
    /// knows, such as the banner `main` prints).
    pub async fn spawn_inspecting<T>(
        self,
        inspect: impl FnOnce(&Application) -> T,
    ) -> (TestApp, T) {
        let app = self.build().await.expect("application builds");
        let seen = inspect(&app);
        let base_url = format!("http://{}", app.local_addr());
        let mcp_url = app.config().mcp_url();
        let sandbox_url = app
            .sandbox()
            .map(|s| s.url().as_str().trim_end_matches('/').to_string());
        let sandbox = app.sandbox().map(|s| s.state());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until(async {
            let _ = rx.await;
        }));
        let test_app = TestApp {
            base_url,
            mcp_url,
            sandbox_url,
            sandbox,
            http: no_redirects(),
            _shutdown: tx,
        };
        (test_app, seen)
    }

    /// The start-up error this configuration must give.
    pub async fn build_error(self) -> String {
        let vars = format!("{:?}", self.env);
        match self.build().await {
            Ok(_) => panic!("start-up should fail for {vars}"),
            Err(e) => e,
        }
    }
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

impl TestApp {
    /// A server started elsewhere (another process) at `base_url`, on the sandbox at
    /// `sandbox_url` whose state is `sandbox`.
    pub fn external(
        base_url: &str,
        mcp_url: &str,
        sandbox_url: &str,
        sandbox: Option<SandboxState>,
    ) -> TestApp {
        let (tx, _) = tokio::sync::oneshot::channel::<()>();
        TestApp {
            base_url: base_url.trim_end_matches('/').to_string(),
            mcp_url: mcp_url.to_string(),
            sandbox_url: Some(sandbox_url.trim_end_matches('/').to_string()),
            sandbox,
            http: no_redirects(),
            _shutdown: tx,
        }
    }

    /// The embedded sandbox's state.
    pub fn sandbox(&self) -> &SandboxState {
        self.sandbox.as_ref().expect("the embedded sandbox runs")
    }

    /// How many requests the embedded sandbox ("Halo") has received so far.
    pub fn halo_requests(&self) -> usize {
        self.sandbox
            .as_ref()
            .map_or(0, |sandbox| sandbox.request_log().len())
    }

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

    /// POSTs one JSON-RPC request to /mcp with an optional bearer and extra headers.
    pub async fn mcp(
        &self,
        bearer: Option<&str>,
        headers: &[(&str, &str)],
        method: &str,
        params: Value,
    ) -> reqwest::Response {
        let mut request = self
            .http
            .post(&self.mcp_url)
            .header("Accept", "application/json, text/event-stream")
            .json(&json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("mcp answers")
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

    /// Calls a tool that must succeed with a bearer and extra headers; returns its structured
    /// result.
    pub async fn call_ok_as(
        &self,
        bearer: Option<&str>,
        headers: &[(&str, &str)],
        tool: &str,
        args: Value,
    ) -> Value {
        let response = self
            .mcp(
                bearer,
                headers,
                "tools/call",
                json!({"name": tool, "arguments": args}),
            )
            .await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["result"]["isError"], false, "{tool} failed: {body}");
        body["result"]["structuredContent"].clone()
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
