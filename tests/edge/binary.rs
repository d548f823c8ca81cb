//! Starts the real binary on a free loopback port, optionally under a shell `ulimit`, and
//! keeps its stderr for the log tests.

#![allow(dead_code)]

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Binary {
    child: std::process::Child,
    /// Everything the process wrote to stderr so far (drained by a thread, so a chatty process
    /// never blocks on a full pipe).
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
    pub addr: std::net::SocketAddr,
    pub base_url: String,
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Starts `halo-mcp` with `vars` (after `ulimit -n <open_files>` when given) and waits until
/// it answers `GET /`.
pub async fn start(vars: &[(&str, &str)], open_files: Option<u32>) -> Binary {
    let port = free_port();
    let exe = env!("CARGO_BIN_EXE_halo-mcp");
    let mut command = match open_files {
        Some(n) => {
            let mut c = Command::new("sh");
            c.arg("-c")
                .arg(format!("ulimit -n {n} && exec \"$0\""))
                .arg(exe);
            c
        }
        None => Command::new(exe),
    };
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PORT", port.to_string())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in vars {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("the binary starts");
    let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    if let Some(mut pipe) = child.stderr.take() {
        let sink = stderr.clone();
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
        });
    }
    let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    let binary = Binary {
        child,
        stderr,
        addr,
        base_url: format!("http://{addr}"),
    };
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(response) = http.get(&binary.base_url).send().await {
            assert_eq!(response.status(), 200);
            return binary;
        }
        assert!(Instant::now() < deadline, "the binary never answered GET /");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl Binary {
    /// Stops the process and returns everything it wrote to stderr.
    pub fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The reader thread sees EOF once the process is gone.
        std::thread::sleep(Duration::from_millis(200));
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }
}
