//! The `halo-mcp` binary as a child process: a clean environment, a free loopback port, its
//! output drained into memory (or a log file) so a chatty process never blocks, a bounded wait
//! until it answers `GET /`, and a guard that kills it when the test ends.

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::settings::Settings;
use super::wait::{READY_WITHIN, free_port, until};

/// How the process learns its port: `PORT` when run by hand, `FUNCTIONS_CUSTOMHANDLER_PORT`
/// (with `FUNCTIONS_WORKER_RUNTIME=custom`) when the Azure Functions host starts it.
#[derive(Clone, Copy)]
enum Host {
    Direct,
    Functions,
}

/// What to start; see [`binary`].
pub struct BinaryBuilder {
    exe: String,
    host: Host,
    vars: Vec<(String, String)>,
    open_files: Option<u32>,
    log_file: Option<String>,
    port: Option<u16>,
}

/// The halo-mcp binary of this build (`HALO_MCP_BIN` overrides it for the release-build load
/// test), with only `PATH` and `RUST_LOG=warn` in its environment.
pub fn binary() -> BinaryBuilder {
    BinaryBuilder {
        exe: std::env::var("HALO_MCP_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_halo-mcp").to_string()),
        host: Host::Direct,
        vars: vec![("RUST_LOG".into(), "warn".into())],
        open_files: None,
        log_file: None,
        port: None,
    }
}

impl Settings for BinaryBuilder {
    fn var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.push((name.into(), value.into()));
        self
    }
}

impl BinaryBuilder {
    /// Started as the Azure Functions host starts a custom handler: the port in
    /// `FUNCTIONS_CUSTOMHANDLER_PORT`, no `RUST_LOG`.
    pub fn functions_host(mut self) -> Self {
        self.host = Host::Functions;
        self.vars.retain(|(name, _)| name != "RUST_LOG");
        self
    }

    /// Listens on `port` (chosen beforehand, when another setting must name it) rather than a
    /// free port picked at start.
    pub fn on_port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// Runs it under `ulimit -n open_files`.
    pub fn open_files(mut self, open_files: u32) -> Self {
        self.open_files = Some(open_files);
        self
    }

    /// Writes its output (stdout and stderr) to `name` in the log directory the log scan reads
    /// instead of memory.
    pub fn output_to_log(mut self, name: &str) -> Self {
        self.log_file = Some(name.to_string());
        self
    }

    /// Runs it to completion with `args` and no port (`--help`, or settings start-up refuses).
    pub fn run(self, args: &[&str]) -> std::process::Output {
        Command::new(&self.exe)
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(self.vars.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .output()
            .expect("the binary runs")
    }

    /// Starts the process on a free port and waits until `GET /` answers 200 (the Functions
    /// host's readiness probe); fails if the process exits first.
    pub async fn start(self) -> Binary {
        let port = self.port.unwrap_or_else(free_port);
        let mut command = match self.open_files {
            Some(n) => {
                let mut c = Command::new("sh");
                c.arg("-c")
                    .arg(format!("ulimit -n {n} && exec \"$0\""))
                    .arg(&self.exe);
                c
            }
            None => Command::new(&self.exe),
        };
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .stdin(Stdio::null());
        match self.host {
            Host::Direct => command.env("PORT", port.to_string()),
            Host::Functions => command
                .env("FUNCTIONS_CUSTOMHANDLER_PORT", port.to_string())
                .env("FUNCTIONS_WORKER_RUNTIME", "custom"),
        };
        match &self.log_file {
            Some(name) => {
                let file = std::fs::File::create(super::logs::dir().join(name)).expect("log file");
                let copy = file.try_clone().expect("log file handle");
                command.stdout(copy).stderr(file)
            }
            None => command.stdout(Stdio::piped()).stderr(Stdio::piped()),
        };
        command.envs(self.vars.iter().map(|(k, v)| (k, v)));
        let mut child = command.spawn().expect("the binary starts");
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
        let mut binary = Binary {
            child,
            stdout,
            stderr,
            addr,
            base_url: format!("http://{addr}"),
        };
        binary.wait_until_ready().await;
        binary
    }
}

/// Output read by a thread until the process closes it.
struct Drained {
    text: Arc<Mutex<String>>,
    reader: Option<JoinHandle<()>>,
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> Drained {
    let text = Arc::new(Mutex::new(String::new()));
    let reader = pipe.map(|mut pipe| {
        let sink = text.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut out) = sink.lock() {
                    out.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        })
    });
    Drained { text, reader }
}

impl Drained {
    /// Everything written, once the writer has closed the pipe (the process has exited).
    fn finish(&mut self) -> String {
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        self.text.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// A running halo-mcp process; killed when dropped.
pub struct Binary {
    child: std::process::Child,
    stdout: Drained,
    stderr: Drained,
    pub addr: std::net::SocketAddr,
    pub base_url: String,
}

/// How a stopped process ended and what it wrote.
pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Binary {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    async fn wait_until_ready(&mut self) {
        let http = reqwest::Client::new();
        let base = self.base_url.clone();
        let child = &mut self.child;
        let status = until("the binary to answer GET /", READY_WITHIN, async || {
            if let Ok(response) = http.get(&base).send().await {
                return Some(response.status());
            }
            if let Some(status) = child.try_wait().expect("wait") {
                panic!("the binary exited ({status}) before answering GET /");
            }
            None
        })
        .await;
        assert_eq!(status, 200, "the host's readiness probe must pass");
    }

    /// Kills the process and returns everything it wrote, stdout (where info lines go) then
    /// stderr.
    pub fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stdout.finish() + &self.stderr.finish()
    }

    /// Sends SIGTERM, as the Functions host does to stop it, and waits (bounded) for the exit.
    pub async fn terminate(mut self) -> Output {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "SIGTERM was not delivered");
        let child = &mut self.child;
        let status = until(
            "the binary to stop on SIGTERM",
            Duration::from_secs(10),
            async || child.try_wait().expect("wait"),
        )
        .await;
        Output {
            status,
            stdout: self.stdout.finish(),
            stderr: self.stderr.finish(),
        }
    }
}
