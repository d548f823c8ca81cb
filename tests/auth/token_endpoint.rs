//! The one client for Halo's token endpoint (issue 13), against the sandbox playing Halo: each
//! grant the Services application and the sign-in broker use, and each way a token request
//! fails kept apart, because the broker answers a refusal with `invalid_grant` and an outage
//! with a retryable error.

use axum::http::Method;
use halo_mcp::halo::token_endpoint::{TokenEndpoint, TokenError};
use halo_mcp::halo::{HaloClient, HaloClientOptions, HaloError};
use halo_sandbox::{Fault, FaultKind, Sandbox, SandboxOptions, demo};
use oauth2::TokenResponse;

async fn start() -> (Sandbox, TokenEndpoint) {
    let sandbox = Sandbox::start(([127, 0, 0, 1], 0).into(), SandboxOptions::default())
        .await
        .expect("the sandbox starts");
    let halo = HaloClient::new(HaloClientOptions::new(sandbox.url())).expect("a Halo client");
    let endpoint = halo.token_endpoint().await.expect("the token endpoint");
    (sandbox, endpoint)
}

fn token_fault(kind: FaultKind) -> Fault {
    Fault {
        path_contains: Some("/auth/token".into()),
        method: Some(Method::POST),
        times: 1,
        kind,
    }
}

#[tokio::test]
async fn client_credentials_get_a_token_with_its_lifetime() {
    let (sandbox, endpoint) = start().await;
    let answer = endpoint
        .client_credentials(demo::SERVICE_CLIENT_ID, demo::SERVICE_CLIENT_SECRET, "all")
        .await
        .expect("the Services application gets a token");
    assert!(!answer.access_token().secret().is_empty());
    assert!(answer.expires_in().is_some_and(|d| d.as_secs() > 0));
    // The discovered tenant rides on the token endpoint's URL, as hosted Halo needs.
    let logged = sandbox
        .request_log()
        .into_iter()
        .find(|r| r.path.ends_with("/token"))
        .expect("the token request reached the sandbox");
    assert!(
        logged.query_params.contains(&"tenant".to_string()),
        "{logged:?}"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_wrong_secret_is_refused_with_halos_message() {
    let (sandbox, endpoint) = start().await;
    let error = endpoint
        .client_credentials(demo::SERVICE_CLIENT_ID, "not-the-secret", "all")
        .await
        .expect_err("a wrong secret gets no token");
    let TokenError::Refused { status, message } = &error else {
        panic!("expected a refusal, got {error:?}");
    };
    assert!((400..500).contains(status), "{error}");
    assert!(
        !message.is_empty() && message != "no details given",
        "{error}"
    );
    // The Services application's calls report it as a sign-in failure.
    assert!(matches!(HaloError::from(error), HaloError::SignIn(_)));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_reused_or_unknown_refresh_token_is_refused_not_unavailable() {
    let (sandbox, endpoint) = start().await;
    let error = endpoint
        .refresh(
            demo::AUTH_CLIENT_ID,
            Some(demo::AUTH_CLIENT_SECRET),
            "no-such-refresh-token",
        )
        .await
        .expect_err("an unknown refresh token gets no token");
    assert!(matches!(error, TokenError::Refused { .. }), "{error:?}");
    let error = endpoint
        .authorization_code(
            demo::AUTH_CLIENT_ID,
            Some(demo::AUTH_CLIENT_SECRET),
            "no-such-code",
            demo::AUTH_REDIRECT_URIS[0],
            "a-verifier-that-is-long-enough-for-pkce-0123456789",
        )
        .await
        .expect_err("an unknown code gets no token");
    assert!(matches!(error, TokenError::Refused { .. }), "{error:?}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn halo_failing_or_garbling_is_not_a_refusal() {
    let (sandbox, endpoint) = start().await;
    let faults = sandbox.faults();
    let request =
        || endpoint.client_credentials(demo::SERVICE_CLIENT_ID, demo::SERVICE_CLIENT_SECRET, "all");

    faults.inject(token_fault(FaultKind::Status(503)));
    let error = request().await.expect_err("a 503 gets no token");
    assert!(
        matches!(error, TokenError::Failed { status: 503, .. }),
        "{error:?}"
    );

    faults.inject(token_fault(FaultKind::MalformedJson));
    let error = request()
        .await
        .expect_err("a truncated answer gets no token");
    assert!(matches!(error, TokenError::Unreadable(_)), "{error:?}");

    faults.inject(token_fault(FaultKind::WrongContentType));
    let error = request().await.expect_err("an HTML page gets no token");
    assert!(matches!(error, TokenError::Unreadable(_)), "{error:?}");

    faults.inject(token_fault(FaultKind::ResetConnection));
    let error = request()
        .await
        .expect_err("a dropped connection gets no token");
    assert!(matches!(error, TokenError::Transport(_)), "{error:?}");

    // Faults used up: the next request gets its token.
    request().await.expect("Halo answers again");
    sandbox.shutdown().await;
}
