//! Starts Azurite's blob service on a free loopback port, in memory, and hands out container
//! URLs carrying an account SAS signed with Azurite's well-known development key (the SDK
//! accepts a SAS URL with no credential).
//!
//! Azurite comes from `.ci/azurite.sh` (npm, into `.ci/.cache/azurite`); the harness runs that
//! script when the package is missing and npm is present. Without it the tests skip loudly, but
//! fail when `CI=true` or `REQUIRE_AZURITE=1`, so CI cannot pass without them.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::support::wait::{free_port, listening};

/// Azurite's development account and key, as in its source (`EMULATOR_ACCOUNT_KEY` in
/// dist/src/common/utils/constants.js).
pub const ACCOUNT: &str = "devstoreaccount1";
const ACCOUNT_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

pub struct Azurite {
    child: Option<Child>,
    pub port: u16,
}

impl Drop for Azurite {
    fn drop(&mut self) {
        self.stop();
    }
}

fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
        || std::env::var("REQUIRE_AZURITE").is_ok_and(|v| v == "1")
}

fn binary() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = root.join(".ci/.cache/azurite/node_modules/.bin/azurite-blob");
    if !bin.exists() && Command::new("npm").arg("--version").output().is_ok() {
        let _ = Command::new("bash")
            .arg(root.join(".ci/azurite.sh"))
            .stdout(Stdio::null())
            .status();
    }
    bin.exists().then_some(bin)
}

impl Azurite {
    /// A running Azurite, or `None` (after a loud message) when it cannot be had locally.
    pub async fn start() -> Option<Azurite> {
        let Some(bin) = binary() else {
            assert!(
                !required(),
                "Azurite is required here (CI): run .ci/azurite.sh (needs node and npm)"
            );
            eprintln!(
                "\n!!!! SKIPPED: Azurite is not installed (run .ci/azurite.sh; needs node and npm). \
                 The shared-state tests did not run.\n"
            );
            return None;
        };
        let port = free_port();
        let child = Command::new(bin)
            .args([
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                &port.to_string(),
                "--inMemoryPersistence",
                // The SDK speaks a newer x-ms-version than a pinned Azurite may know.
                "--skipApiVersionCheck",
                "--silent",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("azurite starts");
        let azurite = Azurite {
            child: Some(child),
            port,
        };
        listening("Azurite to listen", port).await;
        Some(azurite)
    }

    /// Stops the emulator (storage "goes away"); its in-memory data is gone with it.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Creates `name` and returns its URL with an account SAS: read, add, create, write,
    /// delete, list on blob containers and objects, valid for an hour.
    pub async fn container(&self, name: &str) -> String {
        let url = format!(
            "http://127.0.0.1:{}/{ACCOUNT}/{name}?{}",
            self.port,
            account_sas()
        );
        let client = azure_storage_blob::BlobContainerClient::new(
            url::Url::parse(&url).expect("container URL"),
            None,
            None,
        )
        .expect("container client");
        client
            .create(None)
            .await
            .expect("Azurite creates the container");
        url
    }
}

/// An account SAS (version 2019-12-12 string-to-sign, as Azurite verifies it).
fn account_sas() -> String {
    let version = "2019-12-12";
    let (permissions, services, resource_types) = ("racwdl", "b", "sco");
    let expiry = (chrono::Utc::now() + chrono::Duration::hours(1))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let to_sign = format!(
        "{ACCOUNT}\n{permissions}\n{services}\n{resource_types}\n\n{expiry}\n\n\n{version}\n"
    );
    let key = STANDARD.decode(ACCOUNT_KEY).expect("base64 key");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("any key length");
    mac.update(to_sign.as_bytes());
    let signature = STANDARD.encode(mac.finalize().into_bytes());
    form_urlencoded::Serializer::new(String::new())
        .append_pair("sv", version)
        .append_pair("ss", services)
        .append_pair("srt", resource_types)
        .append_pair("sp", permissions)
        .append_pair("se", &expiry)
        .append_pair("sig", &signature)
        .finish()
}
