//! The typed reads against a real socket: a Halo answer with a wrongly typed field reaches the
//! caller as [`HaloError::InvalidResponse`] naming the entity and the field, not as a missing value.

use crate::halo::HaloError;
use crate::halo::client::ReadPolicy;
use crate::halo::outcome_tests::{server, session, status};
use crate::halo::records::{ReportQuery, ReportRun};

fn invalid(result: Result<impl std::fmt::Debug, HaloError>) -> String {
    match result {
        Err(HaloError::InvalidResponse(message)) => message,
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn a_wrongly_typed_article_names_the_field() {
    let port = server(Some(status(
        200,
        r#"{"id": 4, "name": "Reset", "view_count": "lots"}"#,
    )))
    .await;
    let message = invalid(session(port).article(4).await);
    assert!(
        message.starts_with("knowledge base article field 'view_count'"),
        "{message}"
    );
}

#[tokio::test]
async fn a_report_cell_that_is_no_value_names_the_row_and_column() {
    let body = r#"{"name": "SLA", "report": {"load_error": "", "rows": [{"Agent": "Sam", "Missed": [1]}]}}"#;
    let port = server(Some(status(200, body))).await;
    let run = ReportRun {
        report_id: 7,
        client: None,
        period: None,
    };
    let message = invalid(session(port).run_report(&run, ReadPolicy::default()).await);
    assert!(
        message.starts_with("report field 'report.rows[0].Missed'"),
        "{message}"
    );
}

#[tokio::test]
async fn a_report_list_with_a_wrongly_typed_id_names_it() {
    let body = r#"{"record_count": 1, "reports": [{"id": {"x": 1}, "name": "SLA"}]}"#;
    let port = server(Some(status(200, body))).await;
    let query = ReportQuery {
        page: crate::halo::PageRequest::first(100),
        search: None,
    };
    let message = invalid(session(port).reports(&query).await.map(|r| r.items.len()));
    assert!(message.starts_with("report field 'id'"), "{message}");
}
