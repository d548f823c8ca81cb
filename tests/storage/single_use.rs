//! Single use across instances: two halo-mcp processes behind one public URL (as Azure's front
//! end balances them), one Azurite and one Halo sandbox. A code or sign-in `state` accepted by
//! one is refused by the other, and with storage gone sign-in fails closed while tool calls with
//! tokens already issued go on working.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use halo_sandbox::{Sandbox, SandboxOptions};
use serde_json::json;

use super::azurite::Azurite;
use crate::helpers::{STATIC_CLIENT_ID, TestApp, oauth_vars, pkce_pair, token_key};
use crate::support::binary::{Binary, binary};
use crate::support::settings::Settings;
use crate::support::wait::free_port;

/// The two instances and what they share.
struct Fleet {
    azurite: Azurite,
    sandbox: Sandbox,
    a: TestApp,
    b: TestApp,
    _instances: [Binary; 2],
}

pub async fn spawn_instance(
    port: u16,
    public: &str,
    vars: &[(String, String)],
    log: &str,
) -> Binary {
    binary()
        .on_port(port)
        .var("PUBLIC_URL", public)
        .var("RUST_LOG", "info")
        .vars(vars.iter().cloned())
        .output_to_log(log)
        .start()
        .await
}

async fn fleet(name: &str) -> Option<Fleet> {
    let azurite = Azurite::start().await?;
    let container = azurite.container("halo-mcp-state").await;
    let (port_a, port_b) = (free_port(), free_port());
    // One public URL for both, as behind the function app's front end: tokens sealed by one
    // instance open on the other, so only the shared record stops a replay.
    let public = format!("http://127.0.0.1:{port_a}");
    let sandbox = Sandbox::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SandboxOptions {
            extra_redirect_uris: vec![format!("{public}/oauth/callback")],
            ..Default::default()
        },
    )
    .await
    .expect("sandbox starts");
    let sandbox_url = sandbox.url().as_str().trim_end_matches('/').to_string();
    let mut vars = oauth_vars(&token_key());
    for (k, v) in [
        ("HALO_URL", sandbox_url.as_str()),
        ("HALO_CLIENT_ID", halo_sandbox::demo::AUTH_CLIENT_ID),
        ("HALO_CLIENT_SECRET", halo_sandbox::demo::AUTH_CLIENT_SECRET),
        ("MCP_STATE_CONTAINER_URL", container.as_str()),
    ] {
        vars.push((k.into(), v.into()));
    }
    let instances = [
        spawn_instance(port_a, &public, &vars, &format!("storage-{name}-a.log")).await,
        spawn_instance(port_b, &public, &vars, &format!("storage-{name}-b.log")).await,
    ];
    let mcp_url = format!("{public}/mcp");
    let state = Some(sandbox.state());
    let a = TestApp::external(&public, &mcp_url, &sandbox_url, state.clone());
    let b_url = format!("http://127.0.0.1:{port_b}");
    let b = TestApp::external(&b_url, &format!("{b_url}/mcp"), &sandbox_url, state);
    Some(Fleet {
        azurite,
        sandbox,
        a,
        b,
        _instances: instances,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_or_state_used_on_one_instance_is_refused_on_the_other() {
    let Some(fleet) = fleet("replay").await else {
        return;
    };
    let (a, b) = (&fleet.a, &fleet.b);

    // Signed in through A; the code is redeemed on A.
    let (verifier, challenge) = pkce_pair();
    let back = a
        .sign_in(STATIC_CLIENT_ID, &challenge, "sam", "sam-demo")
        .await;
    let code = back.params["code"].clone();
    let (status, tokens) = a.exchange(&code, &verifier).await;
    assert_eq!(status, 200, "{tokens}");

    // The same code on B: refused, and Halo is not asked.
    let halo_calls = a.halo_requests();
    let (status, body) = b.exchange(&code, &verifier).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_grant", "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("already been used")),
        "{body}"
    );
    assert_eq!(a.halo_requests(), halo_calls, "a replay costs no Halo call");

    // Halo's redirect to the callback, already consumed on A, replayed on B: an error page.
    let replay = back.callback.replacen(&a.base_url, &b.base_url, 1);
    let page = b.http.get(&replay).send().await.expect("callback answers");
    assert_eq!(page.status(), 400);
    assert!(
        page.text()
            .await
            .expect("html")
            .contains("already been completed")
    );
    assert_eq!(a.halo_requests(), halo_calls, "a replay costs no Halo call");

    // The other way round: a fresh code is good on B (the instances do share the token key),
    // and then refused on A.
    let (verifier, challenge) = pkce_pair();
    let back = a
        .sign_in(STATIC_CLIENT_ID, &challenge, "sam", "sam-demo")
        .await;
    let (status, body) = b.exchange(&back.params["code"], &verifier).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = a.exchange(&back.params["code"], &verifier).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    // A token issued by A works on B.
    let token = tokens["access_token"].as_str().expect("access token");
    b.call_ok_as(Some(token), &[], "get_ticket", json!({"ticket_id": 1001}))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_storage_gone_sign_in_fails_closed_and_tool_calls_go_on() {
    let Some(mut fleet) = fleet("outage").await else {
        return;
    };
    // Tokens issued while storage is up, and a code not yet redeemed.
    let (verifier, challenge) = pkce_pair();
    let back = fleet
        .a
        .sign_in(STATIC_CLIENT_ID, &challenge, "sam", "sam-demo")
        .await;
    let (status, tokens) = fleet.a.exchange(&back.params["code"], &verifier).await;
    assert_eq!(status, 200, "{tokens}");
    let (pending_verifier, challenge) = pkce_pair();
    let pending = fleet
        .a
        .sign_in(STATIC_CLIENT_ID, &challenge, "sam", "sam-demo")
        .await;
    // Mid-sign-in: Halo has sent the browser back, but the callback is not yet served.
    let (_, challenge) = pkce_pair();
    let response = fleet.a.authorize_as(STATIC_CLIENT_ID, &challenge).await;
    let callback = fleet
        .a
        .halo_callback(response, &challenge, "sam", "sam-demo")
        .await;

    fleet.azurite.stop();

    // The callback: refused with a page that says why, before Halo is called.
    let halo_calls = fleet.a.halo_requests();
    let started = Instant::now();
    let page = fleet.a.http.get(&callback).send().await.expect("answers");
    assert_eq!(page.status(), 400);
    let html = page.text().await.expect("html");
    assert!(html.contains("cannot be stored right now"), "{html}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "failed in {:?}, not promptly",
        started.elapsed()
    );
    assert_eq!(fleet.a.halo_requests(), halo_calls);

    // The code: not silently accepted, and not called a replay either.
    for app in [&fleet.a, &fleet.b] {
        let (status, body) = app
            .exchange(&pending.params["code"], &pending_verifier)
            .await;
        assert_eq!(status, 503, "{body}");
        assert_eq!(body["error"], "temporarily_unavailable", "{body}");
        assert!(
            body["error_description"]
                .as_str()
                .is_some_and(|d| d.contains("shared storage is unreachable")),
            "{body}"
        );
    }

    // Tool calls with tokens already issued never touch storage.
    let token = tokens["access_token"].as_str().expect("access token");
    for app in [&fleet.a, &fleet.b] {
        app.call_ok_as(Some(token), &[], "get_ticket", json!({"ticket_id": 1001}))
            .await;
    }
    // So do refreshes (refresh tokens are not single-use records).
    let (status, body) = fleet
        .b
        .refresh(tokens["refresh_token"].as_str().expect("refresh token"))
        .await;
    assert_eq!(status, 200, "{body}");
    drop(fleet.sandbox);
}

/// Two instances' stores racing for the same token: exactly one wins, whatever the timing, and
/// the blob records the token's expiry (for the lifecycle rule and for anyone inspecting it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_instances_accept_a_token_exactly_once() {
    use azure_storage_blob::models::BlobClientGetPropertiesResultHeaders;
    use halo_mcp::auth::oauth::single_use::{SingleUse, SingleUseError};
    use halo_mcp::storage::{BlobSingleUse, StateContainer, StorageOptions, container_client};

    let Some(azurite) = Azurite::start().await else {
        return;
    };
    let url = azurite.container("race").await;
    let options = StorageOptions {
        container: StateContainer::parse(&url).expect("valid container URL"),
        managed_identity_client_id: None,
    };
    let store = |_| {
        BlobSingleUse::new(
            container_client(&options).expect("client"),
            options.container.redacted(),
        )
    };
    let (one, two) = (store(1), store(2));
    let expires_at = halo_mcp::auth::tokens::now() + 60;
    let attempts = (0..16).map(|i| {
        let store = if i % 2 == 0 { &one } else { &two };
        store.use_once("hm1.the-same-code", expires_at)
    });
    let results = futures::future::join_all(attempts).await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Ok(()) | Err(SingleUseError::Replayed))),
        "{results:?}"
    );
    assert_eq!(two.use_once("hm1.another-code", expires_at).await, Ok(()));

    let client = container_client(&options).expect("client");
    let properties = client
        .blob_client(&BlobSingleUse::blob_name("hm1.the-same-code"))
        .get_properties(None)
        .await
        .expect("the record exists");
    let metadata = properties.metadata().expect("metadata");
    assert_eq!(metadata.get("expires_at"), Some(&expires_at.to_string()));
}
