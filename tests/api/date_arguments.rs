//! One rule for dates typed by the model (issue 13 item 4): the same text is accepted and read
//! as the same day, or refused in the same words, whichever kind of date argument it is given
//! to: a system tool's time (log_time's started), a custom report's period dates and a custom
//! tool's date input. The forms themselves are unit-tested in `mcp::agent_dates`.

use serde_json::{Value, json};

use crate::support::app::{TestApp, spawn_app};

const REPORT: &str = "CF_Missed_SLA_By_Technician_Monthly_Report";

/// Texts every date argument takes, and the day each names.
const ACCEPTED: &[(&str, &str)] = &[
    ("2026-11-13", "2026-11-13"),
    ("2026/11/13", "2026-11-13"),
    ("13/11/2026", "2026-11-13"),
    ("11/13/2026", "2026-11-13"),
    ("2026-11-13 14:30", "2026-11-13"),
    ("2026-11-13T14:30:00+01:00", "2026-11-13"),
];

/// Texts every date argument refuses, and words each refusal carries wherever it is given.
const REFUSED: &[(&str, &str)] = &[
    (
        "11/10/2026",
        "'11/10/2026' could be 11 October 2026 or 10 November 2026; write 2026-10-11 or 2026-11-10",
    ),
    ("next monday", "'next monday' is not a date"),
    ("2026-13-45", "'2026-13-45' is not a date"),
    ("0001-01-01", "'0001-01-01' is not a date"),
];

/// A tool's structured result, or its error text.
async fn call(app: &TestApp, tool: &str, args: Value) -> Result<Value, String> {
    let result = app.call_tool(tool, args).await;
    if result["isError"] == true {
        Err(result["content"][0]["text"].as_str().unwrap().to_string())
    } else {
        Ok(result["structuredContent"].clone())
    }
}

/// The day each path read `text` as, or its error.
async fn through_each_path(app: &TestApp, text: &str, n: usize) -> [Result<String, String>; 3] {
    let logged = call(
        app,
        "log_time",
        json!({"ticket_id": 1001, "minutes": 15, "started": text}),
    )
    .await
    .map(|out| out["started"].as_str().unwrap()[..10].to_string());
    let report = call(
        app,
        REPORT,
        json!({"start_date": text, "end_date": "2030-12-31"}),
    )
    .await
    .map(|out| {
        let period = &out["filters"]["period"];
        assert_eq!(period["name"], "custom", "{out}");
        period["from"].as_str().unwrap()[..10].to_string()
    });
    let onboarded = call(
        app,
        "onboard_new_starter",
        json!({"customer": "Birch Logistics", "first_name": "Nia", "surname": format!("Okafor{n}"),
                "email": format!("nia.okafor{n}@birch.example"), "start_date": text}),
    )
    .await
    .map(|out| {
        out["inputs_sent"]["start_date"]
            .as_str()
            .unwrap()
            .to_string()
    });
    [logged, report, onboarded]
}

#[tokio::test]
async fn the_same_text_is_the_same_day_through_every_date_argument() {
    let app = spawn_app().await;
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let cases = ACCEPTED
        .iter()
        .map(|(text, day)| (*text, day.to_string()))
        .chain([("yesterday", yesterday)]);
    for (n, (text, day)) in cases.enumerate() {
        let read = through_each_path(&app, text, n).await;
        for (path, got) in ["log_time", "report", "custom tool"].iter().zip(read) {
            assert_eq!(got.as_deref(), Ok(day.as_str()), "{text} through {path}");
        }
    }
}

#[tokio::test]
async fn the_same_text_is_refused_in_the_same_words_before_halo() {
    let app = spawn_app().await;
    let before = app.sandbox().request_log().len();
    for (n, (text, words)) in REFUSED.iter().enumerate() {
        let read = through_each_path(&app, text, n).await;
        for (name, got) in ["started", "start_date", "start_date"].iter().zip(read) {
            let error = got.expect_err(text);
            assert!(
                error.contains(&format!(
                    "{name} must be a calendar date written year-month-day"
                )) && error.contains(words),
                "{text}: {error}"
            );
        }
    }
    assert_eq!(
        app.sandbox().request_log().len(),
        before,
        "no refused date reached Halo"
    );
}

#[tokio::test]
async fn every_date_argument_describes_the_same_forms() {
    let app = spawn_app().await;
    let listed = app.rpc("tools/list", json!({})).await;
    let tools = listed["result"]["tools"].as_array().unwrap();
    let describe = |tool: &str, arg: &str| -> String {
        let found: &Value = tools.iter().find(|t| t["name"] == tool).unwrap();
        found["inputSchema"]["properties"][arg]["description"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let shared = "also accepted: 2026/11/24, a day/month date such as 24/11/2026 when only one \
                  reading is a real date (an ambiguous one such as 11/10/2026 is refused)";
    for (tool, arg) in [
        ("log_time", "started"),
        (REPORT, "start_date"),
        (REPORT, "end_date"),
        ("onboard_new_starter", "start_date"),
    ] {
        let description = describe(tool, arg);
        assert!(description.contains(shared), "{tool}.{arg}: {description}");
    }
}
