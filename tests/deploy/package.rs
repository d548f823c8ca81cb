//! The deployment zip from scripts/package.sh: layout and the exec bit on `handler`.
//!
//! Flex Consumption runs the zip as the app root; a handler without mode 0755 (the classic
//! failure of zips made on Windows or with naive tools) fails only after deployment.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::Command;

struct Entry {
    mode: Option<u32>,
    contents: Vec<u8>,
}

fn package(binary: &Path, out: &Path) -> std::process::Output {
    Command::new("bash")
        .arg(crate::repo_root().join("scripts/package.sh"))
        .arg("--binary")
        .arg(binary)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run scripts/package.sh")
}

fn read_zip(path: &Path) -> BTreeMap<String, Entry> {
    let file = std::fs::File::open(path).expect("open zip");
    let mut archive = zip::ZipArchive::new(file).expect("a valid zip archive");
    let mut entries = BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("zip entry");
        let mut contents = Vec::new();
        entry.read_to_end(&mut contents).expect("read entry");
        entries.insert(
            entry.name().to_string(),
            Entry {
                mode: entry.unix_mode(),
                contents,
            },
        );
    }
    entries
}

#[test]
fn the_package_has_the_app_root_layout_and_an_executable_handler() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("nested/x.zip");
    let binary = Path::new(env!("CARGO_BIN_EXE_halo-mcp"));
    let run = package(binary, &out);
    assert!(
        run.status.success(),
        "package.sh failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let entries = read_zip(&out);
    let names: Vec<&str> = entries.keys().map(String::as_str).collect();

    let host = entries.get("host.json").expect("host.json at the zip root");
    let host: serde_json::Value =
        serde_json::from_slice(&host.contents).expect("packaged host.json is JSON");
    assert_eq!(
        host["customHandler"]["description"]["defaultExecutablePath"],
        "handler"
    );
    assert_eq!(host["customHandler"]["enableProxyingHttpRequest"], true);
    assert_eq!(host["extensions"]["http"]["routePrefix"], "");

    let handler = entries.get("handler").expect("handler at the zip root");
    assert_eq!(
        handler.mode.map(|m| m & 0o777),
        Some(0o755),
        "handler must be stored with unix mode 0755"
    );
    assert_eq!(
        handler.mode.map(|m| m & 0o170000),
        Some(0o100000),
        "handler must be a regular file"
    );
    let original = std::fs::read(binary).expect("read built binary");
    assert!(
        handler.contents == original,
        "handler must be the given binary, byte for byte"
    );

    let function = entries
        .get("mcp/function.json")
        .expect("mcp/function.json (function folders at the root)");
    let function: serde_json::Value =
        serde_json::from_slice(&function.contents).expect("packaged function.json is JSON");
    assert_eq!(function["bindings"][0]["route"], "{*path}");

    // Nothing from the repository beyond the app root: no sources, no secrets.
    for name in &names {
        assert!(
            *name == "host.json"
                || *name == "handler"
                || name.starts_with("mcp/")
                || name.starts_with("tools/"),
            "unexpected entry {name} in the package"
        );
        assert!(!name.contains("local.settings"), "{name} must never ship");
    }
    let tools = crate::repo_root().join("tools");
    if tools.is_dir() {
        for file in std::fs::read_dir(&tools).expect("list tools/") {
            let file = file.expect("tools entry").path();
            if file.is_file() {
                let name = format!(
                    "tools/{}",
                    file.file_name().expect("file name").to_string_lossy()
                );
                assert!(
                    entries.contains_key(&name),
                    "{name} missing from the package"
                );
            }
        }
    }
}

#[test]
fn package_refuses_a_missing_binary() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("x.zip");
    let run = package(&dir.path().join("no-such-binary"), &out);
    assert!(!run.status.success(), "a missing binary must fail");
    assert!(!out.exists(), "no zip may be written on failure");
}
