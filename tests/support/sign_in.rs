//! Signing in on the sandbox's Halo login page the way a browser does: load the page, submit
//! its form (the hidden inputs carry the authorize parameters) with a login and password; and
//! the client-credentials token of the demo API application.

/// Loads the login page at `authorize_url` (Halo's `/auth/authorize` with its query) and posts
/// the form back signed in as `login`; returns Halo's answer (a redirect when it accepted).
pub async fn halo_login(
    http: &reqwest::Client,
    authorize_url: &str,
    login: &str,
    password: &str,
) -> reqwest::Response {
    let page = http
        .get(authorize_url)
        .send()
        .await
        .expect("the sign-in page answers");
    assert_eq!(page.status(), 200, "the sign-in page at {authorize_url}");
    let html = page.text().await.expect("html");
    assert!(
        html.contains("id=\"username\"") && html.contains("id=\"sign-in\""),
        "not the sign-in page: {html}"
    );
    let mut form = hidden_inputs(&html);
    assert!(
        !form.is_empty(),
        "the sign-in form carries no parameters: {html}"
    );
    form.push(("username".into(), login.into()));
    form.push(("password".into(), password.into()));
    let mut action = url::Url::parse(authorize_url).expect("absolute URL");
    action.set_query(None);
    http.post(action)
        .form(&form)
        .send()
        .await
        .expect("the sign-in POST answers")
}

/// The hidden inputs of the sign-in form, as a browser would submit them.
pub fn hidden_inputs(html: &str) -> Vec<(String, String)> {
    html.split("<input type=\"hidden\" ")
        .skip(1)
        .filter_map(|chunk| {
            let name = chunk.split("name=\"").nth(1)?.split('"').next()?;
            let value = chunk.split("value=\"").nth(1)?.split('"').next()?;
            Some((
                name.to_string(),
                value.replace("&amp;", "&").replace("&quot;", "\""),
            ))
        })
        .collect()
}

/// A token for the sandbox's demo API application (the client-credentials grant a Halo
/// integration uses), from the sandbox at `sandbox_url`.
pub async fn halo_service_token(http: &reqwest::Client, sandbox_url: &str, scope: &str) -> String {
    let response = http
        .post(format!("{}/auth/token", sandbox_url.trim_end_matches('/')))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", halo_sandbox::demo::SERVICE_CLIENT_ID),
            ("client_secret", halo_sandbox::demo::SERVICE_CLIENT_SECRET),
            ("scope", scope),
        ])
        .send()
        .await
        .expect("the sandbox's token endpoint answers");
    assert_eq!(response.status(), 200, "client credentials for {scope}");
    let token: serde_json::Value = response.json().await.expect("json");
    token["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}
