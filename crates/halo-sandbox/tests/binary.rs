//! The `halo-sandbox` binary: it prints where it listens and the demo credentials, then serves
//! Halo's API there until stopped.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use halo_sandbox::demo;

/// Kills the child when the test ends, pass or fail.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn it_prints_its_url_and_credentials_and_serves_there() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_halo-sandbox"))
        .args([
            "--port",
            "0",
            "--rate-limit",
            "100",
            "--redirect-uri",
            "http://localhost:9/cb",
        ])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("halo-sandbox starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let _running = Running(child);
    let banner: Vec<String> = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .take_while(|line| !line.is_empty())
        .collect();
    let first = banner.first().expect("a banner");
    let url = first
        .strip_prefix("Halo sandbox listening at ")
        .unwrap_or_else(|| panic!("{first}"));
    let text = banner.join("\n");
    assert!(text.contains(demo::SERVICE_CLIENT_SECRET), "{text}");
    assert!(text.contains(demo::AUTH_CLIENT_ID), "{text}");

    let token: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}auth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", demo::SERVICE_CLIENT_ID),
            ("client_secret", demo::SERVICE_CLIENT_SECRET),
            ("scope", "all"),
        ])
        .send()
        .await
        .expect("the token endpoint answers")
        .json()
        .await
        .expect("a JSON token response");
    let access_token = token["access_token"].as_str().expect("an access token");
    let agent: serde_json::Value = reqwest::Client::new()
        .get(format!("{url}api/agent/me"))
        .bearer_auth(access_token)
        .send()
        .await
        .expect("the API answers")
        .json()
        .await
        .expect("a JSON agent");
    assert_eq!(agent["id"], demo::API_AGENT_ID, "{agent}");
}
