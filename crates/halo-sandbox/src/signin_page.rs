//! The HTML sign-in page `/auth/authorize` serves: pick or type an agent login, enter the
//! password. It carries the original authorisation request in hidden inputs, and uses stable ids
//! (`#username`, `#password`, `#sign-in`) so a headless browser can drive it.

use super::model::Agent;

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The sign-in form; `hidden` are the authorisation request's parameters, `error` a message from
/// a failed attempt.
pub fn sign_in(
    app_name: &str,
    hidden: &[(&str, String)],
    agents: &[Agent],
    username: &str,
    error: Option<&str>,
) -> String {
    let hidden_inputs: String = hidden
        .iter()
        .map(|(k, v)| {
            format!(
                r#"<input type="hidden" name="{}" value="{}">"#,
                escape(k),
                escape(v)
            )
        })
        .collect::<Vec<_>>()
        .join("\n      ");
    let options: String = agents
        .iter()
        .filter(|a| !a.login.is_empty() && !a.isdisabled)
        .map(|a| {
            format!(
                r#"<option value="{}">{} ({})</option>"#,
                escape(&a.login),
                escape(&a.name),
                a.role.name()
            )
        })
        .collect::<Vec<_>>()
        .join("\n        ");
    let error_html = error
        .map(|e| {
            format!(
                r#"<p id="error" role="alert" class="error">{}</p>"#,
                escape(e)
            )
        })
        .unwrap_or_default();
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign in - Halo sandbox</title>
  <style>
    body {{ font-family: system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; }}
    label {{ display: block; margin-top: 1rem; font-weight: 600; }}
    input {{ width: 100%; padding: .5rem; box-sizing: border-box; font-size: 1rem; }}
    button {{ margin-top: 1.5rem; padding: .6rem 1.2rem; font-size: 1rem; }}
    .error {{ color: #b00020; font-weight: 600; }}
  </style>
</head>
<body>
  <main>
    <h1>Sign in to the Halo sandbox</h1>
    <p><strong>{app}</strong> wants to access Halo as you.</p>
    {error_html}
    <form method="post" action="/auth/authorize" id="sign-in-form">
      {hidden_inputs}
      <label for="username">Agent login</label>
      <input id="username" name="username" list="agents" autocomplete="username" required value="{username}">
      <datalist id="agents">
        {options}
      </datalist>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <button id="sign-in" type="submit">Sign in</button>
    </form>
  </main>
</body>
</html>
"#,
        app = escape(app_name),
        username = escape(username),
    )
}

/// An error page for requests that must not redirect (unknown client, unregistered redirect URL).
pub fn error_page(message: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign-in error - Halo sandbox</title></head>
<body><main><h1>Cannot sign in</h1><p id="error" role="alert">{}</p></main></body>
</html>
"#,
        escape(message)
    )
}
