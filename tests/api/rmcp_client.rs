//! rmcp's own Streamable HTTP client (the official Rust SDK) against the real application.

use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::StreamableHttpClientTransport;
use serde_json::json;

use crate::support::app::spawn_app;

#[tokio::test]
async fn rmcp_client_initializes_lists_and_calls_tools() {
    let app = spawn_app().await;
    let transport = StreamableHttpClientTransport::from_uri(app.mcp_url.as_str());
    let client = ().serve(transport).await.expect("rmcp client connects");
    let server = client.peer_info().expect("the server introduced itself");
    assert_eq!(
        server.server_info.as_ref().map(|i| i.name.as_str()),
        Some("halo-mcp")
    );

    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().any(|t| t.name == "search_tickets"));
    assert!(tools.iter().all(|t| t.title.is_some()));

    let arguments = json!({"page_size": 2})
        .as_object()
        .cloned()
        .unwrap_or_default();
    let result = client
        .call_tool(CallToolRequestParams::new("search_tickets").with_arguments(arguments))
        .await
        .expect("tools/call");
    assert_eq!(result.is_error, Some(false));
    let page = result.structured_content.expect("structured content");
    assert!(page["tickets"].as_array().is_some_and(|t| t.len() <= 2));

    let arguments = json!({"ticket_id": -4})
        .as_object()
        .cloned()
        .unwrap_or_default();
    let result = client
        .call_tool(CallToolRequestParams::new("get_ticket").with_arguments(arguments))
        .await
        .expect("a tool error is still a result");
    assert_eq!(result.is_error, Some(true));

    let unknown = client
        .call_tool(CallToolRequestParams::new("no_such_tool"))
        .await;
    assert!(unknown.is_err(), "an unknown tool is a JSON-RPC error");
    client.cancel().await.expect("clean shutdown");
}
