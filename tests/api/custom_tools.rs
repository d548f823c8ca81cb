//! Custom tools end to end through MCP against the sandbox: report tools (rows, caps, periods,
//! load errors, name resolution), bound create-ticket tools, automation tools, tool selection,
//! and bad tools files stopping start-up.

use halo_mcp::mcp::schema::{JsonObject, violations};
use halo_sandbox::demo;
use serde_json::{Value, json};

use crate::support::app::{TestApp, app, spawn_app, spawn_app_with};
use crate::support::settings::Settings;

/// Writes a tools file into a temporary directory kept alive by the returned guard.
fn tools_file(name: &str, text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write tools file");
    let path = path.to_string_lossy().into_owned();
    (dir, path)
}

/// The start-up error for this configuration.
async fn build_error(vars: &[(&str, &str)]) -> String {
    app()
        .unset("RUST_LOG")
        .vars(vars.iter().copied())
        .build_error()
        .await
}

async fn tool_names(app: &TestApp) -> Vec<String> {
    let body = app.rpc("tools/list", json!({})).await;
    body["result"]["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .map(|t| t["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

const CUSTOM: &[&str] = &[
    "Whitespace_Report",
    "CF_Missed_SLA_By_Technician_Monthly_Report",
    "create_opportunity",
    "reset_user_password",
    "onboard_new_starter",
];

#[tokio::test]
async fn the_demo_tools_file_is_used_with_the_sandbox_and_its_schemas_are_flat() {
    let app = spawn_app().await;
    let body = app.rpc("tools/list", json!({})).await;
    let tools = body["result"]["tools"].as_array().unwrap();
    for name in CUSTOM {
        let tool = tools
            .iter()
            .find(|t| t["name"] == *name)
            .unwrap_or_else(|| panic!("{name} is listed"));
        let schema: JsonObject = tool["inputSchema"].as_object().unwrap().clone();
        assert!(
            violations(&schema).is_empty(),
            "{name}: {:?}",
            violations(&schema)
        );
        assert!(!tool["description"].as_str().unwrap().is_empty());
    }
    let report = tools
        .iter()
        .find(|t| t["name"] == "Whitespace_Report")
        .unwrap();
    assert_eq!(report["annotations"]["readOnlyHint"], true);
    assert_eq!(report["inputSchema"]["required"], json!(["customer"]));
}

#[tokio::test]
async fn report_tool_returns_a_table_with_a_row_cap() {
    let app = spawn_app().await;
    let all = app
        .call_ok(
            "Whitespace_Report",
            json!({"customer": "Acorn Construction"}),
        )
        .await;
    assert_eq!(all["report"]["id"], demo::WHITESPACE_REPORT_ID);
    assert_eq!(all["columns"], json!(["Service", "Category", "Status"]));
    assert_eq!(all["filters"]["customer"]["id"], demo::ACORN_CLIENT_ID);
    let services = app.sandbox().read(|d| d.services.len());
    assert_eq!(all["row_count"], services);
    assert_eq!(all["rows"].as_array().unwrap().len(), services);
    assert_eq!(all["has_more"], false);

    let capped = app
        .call_ok(
            "Whitespace_Report",
            json!({"customer": "Acorn Construction", "max_rows": 3}),
        )
        .await;
    assert_eq!(capped["rows"].as_array().unwrap().len(), 3);
    assert_eq!(capped["returned"], 3);
    assert_eq!(capped["has_more"], true);
    assert_eq!(capped["rows"][0], all["rows"][0]);

    let rest = app
        .call_ok(
            "Whitespace_Report",
            json!({"customer": "Acorn Construction", "max_rows": 100, "skip_rows": 3}),
        )
        .await;
    assert_eq!(rest["first_row"], 4);
    assert_eq!(rest["rows"][0], all["rows"][3]);
    assert_eq!(rest["has_more"], false);
}

#[tokio::test]
async fn report_tool_arguments_are_checked() {
    let app = spawn_app().await;
    let unknown = app
        .call_err(
            "Whitespace_Report",
            json!({"customer": "Acorn Constructon"}),
        )
        .await;
    assert!(unknown.contains("Acorn Construction"), "{unknown}");
    let missing = app.call_err("Whitespace_Report", json!({})).await;
    assert!(missing.contains("customer is required"), "{missing}");
    let extra = app
        .call_err(
            "Whitespace_Report",
            json!({"customer": "Acorn Construction", "period": "x"}),
        )
        .await;
    assert!(extra.contains("unknown argument 'period'"), "{extra}");
    let too_many = app
        .call_err(
            "Whitespace_Report",
            json!({"customer": "Acorn Construction", "max_rows": 0}),
        )
        .await;
    assert!(too_many.contains("max_rows"), "{too_many}");
}

#[tokio::test]
async fn report_periods_become_halo_dates() {
    let app = spawn_app().await;
    let name = "CF_Missed_SLA_By_Technician_Monthly_Report";
    let default = app.call_ok(name, json!({})).await;
    assert_eq!(default["filters"]["period"]["name"], "last_6_months");
    assert_eq!(
        default["columns"],
        json!([
            "Technician",
            "Month",
            "Tickets Closed",
            "Missed SLA",
            "Missed SLA %"
        ])
    );
    let last_month = app
        .call_ok(name, json!({"reporting_period": "last month"}))
        .await;
    let from = last_month["filters"]["period"]["from"].as_str().unwrap();
    let to = last_month["filters"]["period"]["to"].as_str().unwrap();
    assert!(
        from.ends_with("-01T00:00:00Z") && to.ends_with("-01T00:00:00Z"),
        "{from} {to}"
    );
    // Every row falls in the month before this one.
    let month = &from[..7];
    let rows = crate::support::assert::rows(&last_month, "rows");
    crate::support::assert::all_match(rows, "rows of last month", |row| row[1] == month);

    let custom = app
        .call_ok(
            name,
            json!({"start_date": "2026-01-01", "end_date": "2026-01-31", "customer": "Acorn Construction"}),
        )
        .await;
    assert_eq!(custom["filters"]["period"]["name"], "custom");
    assert_eq!(custom["filters"]["period"]["from"], "2026-01-01T00:00:00Z");
    assert_eq!(custom["filters"]["period"]["to"], "2026-02-01T00:00:00Z");

    let bad = app
        .call_err(name, json!({"reporting_period": "fortnight"}))
        .await;
    assert!(
        bad.contains("fortnight") && bad.contains("last_month"),
        "{bad}"
    );
    let backwards = app
        .call_err(
            name,
            json!({"reporting_period": "custom", "start_date": "2026-02-01", "end_date": "2026-01-01"}),
        )
        .await;
    assert!(backwards.contains("before"), "{backwards}");
    let half = app
        .call_err(
            name,
            json!({"reporting_period": "custom", "start_date": "2026-02-01"}),
        )
        .await;
    assert!(half.contains("end_date"), "{half}");
    let bad_date = app
        .call_err(
            name,
            json!({"start_date": "01/02/2026", "end_date": "2026-03-01"}),
        )
        .await;
    assert!(
        bad_date.contains("start_date must be a calendar date written year-month-day"),
        "{bad_date}"
    );
}

const REPORTS_BY_NAME: &str = r#"
[[report_tools]]
name = "Legacy_SLA_Export"
description = "The legacy SLA export."
report_id = 3

[[report_tools]]
name = "Whitespace_By_Name"
description = "Whitespace report found by name."
report_name = "Whitespace - Services by Customer"
parameters = ["customer"]

[[report_tools]]
name = "Missing_Report"
description = "A report that does not exist."
report_name = "No Such Report"

[[report_tools]]
name = "Missing_Report_Id"
description = "A report id that does not exist."
report_id = 999
"#;

#[tokio::test]
async fn load_errors_and_missing_reports_are_tool_errors() {
    let (_dir, path) = tools_file("reports.toml", REPORTS_BY_NAME);
    let app = spawn_app_with(&[("MCP_TOOLS_FILE", &path)]).await;
    let names = tool_names(&app).await;
    assert!(names.contains(&"Legacy_SLA_Export".to_string()));
    assert!(
        !names.contains(&"Whitespace_Report".to_string()),
        "the demo file is not used when MCP_TOOLS_FILE is set"
    );

    let error = app.call_err("Legacy_SLA_Export", json!({})).await;
    assert!(
        error.contains("Halo could not run the report 'Legacy SLA Export'")
            && error.contains("Invalid column name 'legacy_sla_flag'."),
        "{error}"
    );
    let by_name = app
        .call_ok("Whitespace_By_Name", json!({"customer": "Birch Logistics"}))
        .await;
    assert_eq!(by_name["report"]["id"], demo::WHITESPACE_REPORT_ID);
    // Halo reports a missing customer filter as a load error too.
    let no_customer = app.call_err("Whitespace_By_Name", json!({})).await;
    assert!(no_customer.contains("needs a client"), "{no_customer}");
    let missing = app.call_err("Missing_Report", json!({})).await;
    assert!(
        missing.contains("no report named 'No Such Report'"),
        "{missing}"
    );
    let missing = app.call_err("Missing_Report_Id", json!({})).await;
    assert!(missing.contains("no report 999"), "{missing}");
}

#[tokio::test]
async fn bound_create_tool_creates_with_its_fixed_type_and_defaults() {
    let app = spawn_app().await;
    let created = app
        .call_ok(
            "create_opportunity",
            json!({
                "summary": "Acorn Construction - VoIP Telephony",
                "details": "Offer hosted VoIP.",
                "customer": "Acorn Construction",
                "end_user": demo::BEN_CASTLE_EMAIL,
            }),
        )
        .await;
    let id = created["id"].as_i64().expect("ticket id");
    let ticket = app
        .sandbox()
        .read(|d| d.ticket(id).cloned())
        .expect("ticket in the sandbox");
    assert_eq!(ticket.tickettype_id, demo::TICKETTYPE_OPPORTUNITY);
    assert_eq!(ticket.team, "Sales");
    assert_eq!(ticket.client_id, demo::ACORN_CLIENT_ID);
    assert_eq!(ticket.user_id, demo::BEN_CASTLE_USER_ID);

    let sneaky = app
        .call_err(
            "create_opportunity",
            json!({"summary": "x", "customer": "Acorn Construction", "ticket_type": "Incident"}),
        )
        .await;
    assert!(
        sneaky.contains("unknown argument 'ticket_type'"),
        "{sneaky}"
    );
    let missing = app
        .call_err("create_opportunity", json!({"summary": "x"}))
        .await;
    assert!(missing.contains("customer is required"), "{missing}");
}

#[tokio::test]
async fn automation_tools_run_runbooks_and_report_what_they_did() {
    let app = spawn_app().await;
    let sandbox = app.sandbox();
    let ticket_id = sandbox.read(|d| {
        d.tickets
            .iter()
            .find(|t| t.client_id == demo::ACORN_CLIENT_ID)
            .map(|t| t.id)
            .expect("an Acorn ticket")
    });
    let run = app
        .call_ok(
            "reset_user_password",
            json!({"end_user": demo::BEN_CASTLE_EMAIL, "ticket_id": ticket_id}),
        )
        .await;
    assert_eq!(run["runbook"]["id"], demo::RESET_PASSWORD_RUNBOOK_ID);
    assert_eq!(run["status"], "Completed");
    assert_eq!(run["finished"], true);
    assert_eq!(run["succeeded"], true);
    assert_eq!(run["inputs_sent"]["user_id"], demo::BEN_CASTLE_USER_ID);
    assert_eq!(
        run["output"]["temporary_password_sent_to"],
        demo::BEN_CASTLE_EMAIL
    );
    assert!(
        run["message"]
            .as_str()
            .unwrap()
            .contains("Reset user password")
    );
    let noted = sandbox.read(|d| {
        d.actions
            .iter()
            .any(|a| a.ticket_id == ticket_id && a.note.contains("password reset for Ben Castle"))
    });
    assert!(noted, "the runbook noted the reset on the ticket");

    // Found by name; the customer is given by name and sent as its id.
    let onboard = app
        .call_ok(
            "onboard_new_starter",
            json!({
                "customer": "Birch Logistics",
                "first_name": "Nia",
                "surname": "Okafor",
                "email": "nia.okafor@birch.example",
            }),
        )
        .await;
    assert_eq!(onboard["runbook"]["id"], demo::ONBOARD_STARTER_RUNBOOK_ID);
    assert_eq!(onboard["inputs_sent"]["client_id"], demo::BIRCH_CLIENT_ID);
    let user_id = onboard["output"]["user_id"].as_i64().unwrap();
    let user = sandbox
        .read(|d| d.user(user_id).cloned())
        .expect("new user");
    assert_eq!(user.emailaddress, "nia.okafor@birch.example");
    assert_eq!(user.client_id, demo::BIRCH_CLIENT_ID);

    let missing = app
        .call_err("onboard_new_starter", json!({"customer": "Birch"}))
        .await;
    assert!(missing.contains("is required"), "{missing}");
    let unknown = app
        .call_err("reset_user_password", json!({"end_user": "Nobody Atall"}))
        .await;
    assert!(unknown.contains("no end user matches"), "{unknown}");
}

/// What a runbook changed is not known, so a runbook that writes leaves nothing cached on its
/// Halo behind (issue 14: a write that may change what a cache holds evicts it).
#[tokio::test]
async fn a_runbook_that_writes_leaves_no_cached_name_behind() {
    let app = spawn_app().await;
    let user_lookups = |app: &TestApp| {
        app.sandbox()
            .request_log()
            .iter()
            .filter(|r| r.path.ends_with("/users") || r.path.contains("/users/"))
            .count()
    };
    let ben = json!({"email": demo::BEN_CASTLE_EMAIL, "kind": "end_user"});
    app.call_ok("get_user_info", ben.clone()).await;
    let looked_up = user_lookups(&app);
    app.call_ok("get_user_info", ben.clone()).await;
    assert_eq!(
        user_lookups(&app),
        looked_up,
        "a repeat is served from the cache"
    );

    app.call_ok(
        "reset_user_password",
        json!({"end_user": demo::BEN_CASTLE_EMAIL}),
    )
    .await;
    let after_run = user_lookups(&app);
    assert_eq!(
        after_run, looked_up,
        "the runbook's input came from the cache"
    );
    app.call_ok("get_user_info", ben).await;
    assert!(
        user_lookups(&app) > after_run,
        "after the runbook the end user is asked of Halo again"
    );
}

#[tokio::test]
async fn automation_errors_from_halo_are_tool_errors() {
    let text = r#"
[[automation_tools]]
name = "missing_runbook"
description = "A runbook that does not exist."
runbook_id = "00000000-0000-0000-0000-000000000000"

[[automation_tools]]
name = "reset_without_user"
description = "Reset, forgetting the required user."
runbook_id = "5b0f3c1e-8f3d-4c36-9a57-2f1a1c9e0a01"
inputs_key = "inputs"
inputs = [{ name = "ticket_id", type = "integer", description = "Ticket" }]
"#;
    let (_dir, path) = tools_file("automation.toml", text);
    let app = spawn_app_with(&[("MCP_TOOLS_FILE", &path)]).await;
    let missing = app.call_err("missing_runbook", json!({})).await;
    assert!(missing.contains("no runbook 00000000"), "{missing}");
    // The inputs go under "inputs"; Halo's validation message comes back.
    let invalid = app
        .call_err("reset_without_user", json!({"ticket_id": 1}))
        .await;
    assert!(invalid.contains("user_id is required"), "{invalid}");
}

#[tokio::test]
async fn tool_selection_allow_list_deny_list_and_read_only() {
    let app = spawn_app_with(&[("MCP_ENABLED_TOOLS", "Whitespace_Report,search_tickets")]).await;
    let mut names = tool_names(&app).await;
    names.sort();
    assert_eq!(names, vec!["Whitespace_Report", "search_tickets"]);
    let hidden = app
        .rpc(
            "tools/call",
            json!({"name": "create_opportunity", "arguments": {"summary": "x", "customer": "Acorn"}}),
        )
        .await;
    assert!(
        hidden.get("error").is_some() || hidden["result"]["isError"] == true,
        "a hidden tool cannot be called: {hidden}"
    );

    let app = spawn_app_with(&[("MCP_DISABLED_TOOLS", "create_opportunity,create_ticket")]).await;
    let names = tool_names(&app).await;
    assert!(!names.contains(&"create_opportunity".to_string()));
    assert!(!names.contains(&"create_ticket".to_string()));
    assert!(names.contains(&"Whitespace_Report".to_string()));

    let app = spawn_app_with(&[("MCP_READ_ONLY", "true")]).await;
    let names = tool_names(&app).await;
    for write in [
        "create_ticket",
        "create_opportunity",
        "reset_user_password",
        "onboard_new_starter",
    ] {
        assert!(
            !names.contains(&write.to_string()),
            "{write} hidden in read-only mode"
        );
    }
    for read in [
        "search_tickets",
        "Whitespace_Report",
        "CF_Missed_SLA_By_Technician_Monthly_Report",
    ] {
        assert!(
            names.contains(&read.to_string()),
            "{read} kept in read-only mode"
        );
    }
    let body = app.rpc("tools/list", json!({})).await;
    for tool in body["result"]["tools"].as_array().unwrap() {
        assert_eq!(
            tool["annotations"]["readOnlyHint"], true,
            "{}",
            tool["name"]
        );
    }
}

#[tokio::test]
async fn unknown_names_in_the_selection_stop_start_up() {
    let error = build_error(&[("MCP_ENABLED_TOOLS", "Whitespace_Reprot")]).await;
    assert!(
        error.contains("MCP_ENABLED_TOOLS") && error.contains("'Whitespace_Reprot'"),
        "{error}"
    );
    assert!(
        error.contains("Whitespace_Report"),
        "known tools are listed: {error}"
    );
    let error = build_error(&[("MCP_DISABLED_TOOLS", "search_tickets,nope")]).await;
    assert!(
        error.contains("MCP_DISABLED_TOOLS") && error.contains("'nope'"),
        "{error}"
    );
}

#[tokio::test]
async fn a_bad_tools_file_stops_start_up_naming_file_entry_and_problem() {
    let text = r#"
[[report_tools]]
name = "Fine"
description = "d"
report_id = 1

[[report_tools]]
name = "Bad Name!"
description = "d"
report_id = 1
"#;
    let (_dir, path) = tools_file("x.toml", text);
    let error = build_error(&[("MCP_TOOLS_FILE", &path)]).await;
    assert_eq!(
        error,
        format!(
            "tools: tools file {path}: report_tools[1] 'Bad Name!': name must be 1-64 characters of letters, digits, '_' or '-'"
        )
    );

    let clash = "[[report_tools]]\nname = \"create_ticket\"\ndescription = \"d\"\nreport_id = 1\n";
    let (_dir2, path) = tools_file("clash.toml", clash);
    let error = build_error(&[("MCP_TOOLS_FILE", &path)]).await;
    assert!(
        error.contains("report_tools[0] 'create_ticket': the name 'create_ticket' is already used by a system tool"),
        "{error}"
    );

    let kind = "[[report_tools]]\nname = \"R\"\ndescription = \"d\"\nreport_id = 1\nparameters = [\"site\"]\n";
    let (_dir3, path) = tools_file("kind.toml", kind);
    let error = build_error(&[("MCP_TOOLS_FILE", &path)]).await;
    assert!(error.contains("unknown parameter 'site'"), "{error}");

    let (_dir4, path) = tools_file("broken.json", "{\"report_tools\": [}");
    let error = build_error(&[("MCP_TOOLS_FILE", &path)]).await;
    assert!(error.contains(&path) && error.contains("line 1"), "{error}");

    let error = build_error(&[("MCP_TOOLS_FILE", "/nonexistent/halo-tools.toml")]).await;
    assert!(
        error.contains("tools file /nonexistent/halo-tools.toml: cannot read it"),
        "{error}"
    );
}

#[tokio::test]
async fn json_tools_files_work_too() {
    let text = json!({
        "report_tools": [{
            "name": "Whitespace_Json",
            "description": "Whitespace report from a JSON tools file.",
            "report_id": demo::WHITESPACE_REPORT_ID,
            "parameters": ["customer"],
            "required": ["customer"],
            "max_rows": 2
        }]
    });
    let (_dir, path) = tools_file("tools.json", &text.to_string());
    let app = spawn_app_with(&[("MCP_TOOLS_FILE", &path)]).await;
    let out: Value = app
        .call_ok("Whitespace_Json", json!({"customer": "Dune Retail"}))
        .await;
    assert_eq!(out["rows"].as_array().unwrap().len(), 2);
    assert_eq!(out["has_more"], true);
}

#[tokio::test]
async fn report_runs_are_not_retried_and_send_only_known_parameters() {
    use halo_sandbox::{Fault, FaultKind};
    let app = spawn_app().await;
    let sandbox = app.sandbox();
    let report_calls = || {
        sandbox
            .request_log()
            .into_iter()
            .filter(|r| r.method == "GET" && r.path.ends_with("/report/1"))
            .collect::<Vec<_>>()
    };
    // Resolve the customer first, so the fault hits the report run itself.
    app.call_ok(
        "Whitespace_Report",
        json!({"customer": "Acorn Construction"}),
    )
    .await;
    let before = report_calls().len();
    sandbox.faults().inject(Fault {
        path_contains: Some("/report/1".into()),
        method: Some(http::Method::GET),
        times: 1,
        kind: FaultKind::Status(504),
    });
    let error = app
        .call_err(
            "Whitespace_Report",
            json!({"customer": "Acorn Construction"}),
        )
        .await;
    assert!(error.contains("Halo gave up running the report"), "{error}");
    assert_eq!(report_calls().len(), before + 1, "a 504 is not retried");

    let calls = report_calls();
    for call in &calls {
        for name in &call.query_params {
            assert!(
                [
                    "loadreport",
                    "client_id",
                    "clientname",
                    "reportingperiodstartdate",
                    "reportingperiodenddate"
                ]
                .contains(&name.as_str()),
                "unexpected report parameter {name}"
            );
        }
    }
}
