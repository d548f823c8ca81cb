//! The rmcp server handler: advertises the registry's tools and runs a tool call with the
//! caller's Halo credentials. One handler is built per HTTP request (stateless), so it only
//! holds cheap handles to shared state.

use std::sync::Arc;

use http::request::Parts;
use rmcp::ErrorData;
use rmcp::handler::server::ServerHandler;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, InitializeResult,
    ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ResourcesCapability, ServerCapabilities, Tool,
};
use rmcp::service::{RequestContext, RoleServer};

use super::outcome::OutcomeSlot;
use super::registry::ToolRegistry;
use super::resources::sizes::ArticleSizes;
use super::resources::{self, Offered};
use super::schema::JsonObject;
use super::{CallContext, ToolError, result};
use crate::audit::{Auditor, Party, WriteCall, entry};
use crate::auth::Caller;
use crate::halo::{HaloClient, HaloCredential, LookupCache};

const INSTRUCTIONS: &str = "Tools for working in Halo (HaloITSM / HaloPSA / HaloServiceDesk) as \
the signed-in Halo agent. Names are accepted wherever people use names: ticket types, statuses, \
priorities, teams, agents, customers, sites, end users (name or e-mail) and outcomes can be given \
by name or id; an unknown or ambiguous name returns the closest matches. Lists are paged: check \
has_more and ask for the next page. Writes change live Halo data; each write result says exactly \
what was created or changed.";

/// State shared by every request.
pub struct Shared {
    pub registry: Arc<ToolRegistry>,
    pub halo: HaloClient,
    pub lookups: Arc<LookupCache>,
    /// Used when no sign-in is configured (mode `none`).
    pub default_credential: Option<HaloCredential>,
    /// Sizes of the articles read as resources, for `resources/list`.
    pub article_sizes: ArticleSizes,
    /// Records every write tool call.
    pub auditor: Arc<Auditor>,
}

#[derive(Clone)]
pub struct HaloMcpServer {
    shared: Arc<Shared>,
}

impl HaloMcpServer {
    pub fn new(shared: Arc<Shared>) -> Self {
        HaloMcpServer { shared }
    }

    fn credential(&self, head: Option<&Parts>) -> Option<HaloCredential> {
        caller(head)
            .map(|caller| caller.credential.clone())
            .or_else(|| self.shared.default_credential.clone())
    }

    /// Records a write tool call in the audit log (never changes its result).
    async fn audit(
        &self,
        ctx: &CallContext,
        head: Option<&Parts>,
        tool: &str,
        args: &JsonObject,
        outcome: &Result<serde_json::Value, ToolError>,
    ) {
        let caller = caller(head);
        let client = caller.map_or_else(
            || Party::new(Some("anonymous".into()), None),
            |c| Party::new(Some(c.client.id.clone()), c.client.name.clone()),
        );
        let call = WriteCall {
            ctx,
            subject: caller.map(|c| c.subject.as_str()),
            client,
            tool,
            halo_ids: entry::halo_ids(args, outcome.as_ref().ok()),
            outcome: entry::classify(outcome),
            args_sha256: entry::digest(args),
        };
        self.shared.auditor.record(call).await;
    }

    /// Runs one `tools/call` for the HTTP request whose head is `head`: its extensions carry
    /// the signed-in [`Caller`] and the edge's [`OutcomeSlot`]. rmcp's handler and the edge's
    /// direct path ([`super::direct`]) both come here, so a tool call is the same either way.
    pub async fn run_tool_call(
        &self,
        request: CallToolRequestParams,
        head: Option<&Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let Some(tool) = self.shared.registry.get(&request.name) else {
            return Err(ErrorData::invalid_params(
                format!(
                    "unknown tool '{}'; call tools/list for the tools this server offers",
                    request.name
                ),
                None,
            ));
        };
        let Some(credential) = self.credential(head) else {
            let error =
                ToolError::Unavailable("no Halo credentials for this call; sign in first".into());
            return Ok(result::failure(&error));
        };
        let ctx = CallContext {
            halo: self.shared.halo.session(credential),
            lookups: self.shared.lookups.clone(),
        };
        let args = request.arguments.unwrap_or_default();
        // Writes (the registry's effect, which also sets readOnlyHint) are audited here, once.
        let audited = tool.definition().effect.writes().then(|| args.clone());
        let outcome = tool.call(&ctx, args).await;
        if let Some(args) = audited {
            self.audit(&ctx, head, &request.name, &args, &outcome).await;
        }
        let slot = head.and_then(|head| head.extensions.get::<OutcomeSlot>());
        Ok(match outcome {
            Ok(value) => {
                slot.inspect(|slot| slot.set("ok"));
                let mut result = result::success(value);
                // Links to the records in the (possibly trimmed) result, after its JSON text.
                if let Some(value) = &result.structured_content {
                    let links = resources::links::for_result(self.offered(), &request.name, value);
                    result.content.extend(links);
                }
                result
            }
            Err(error) => {
                // A rate limit was logged by the Halo client, for every Halo call.
                tracing::debug!(tool = %request.name, kind = error.kind(), "tool error");
                slot.inspect(|slot| slot.set("tool_error"));
                result::failure(&error)
            }
        })
    }

    /// Whether the tool named `name` writes to Halo (an unknown name does not).
    pub fn tool_writes(&self, name: &str) -> bool {
        self.shared
            .registry
            .get(name)
            .is_some_and(|tool| tool.definition().effect.writes())
    }

    /// The resource kinds offered: those whose reading tool the operator left enabled.
    fn offered(&self) -> Offered {
        Offered::from_registry(&self.shared.registry)
    }

    /// A Halo session for a resource request, or the JSON-RPC error when there is none.
    fn resource_context(
        &self,
        context: &RequestContext<RoleServer>,
    ) -> Result<CallContext, ErrorData> {
        let credential = self.credential(head(context)).ok_or_else(|| {
            ErrorData::internal_error("no Halo credentials for this request; sign in first", None)
        })?;
        Ok(CallContext {
            halo: self.shared.halo.session(credential),
            lookups: self.shared.lookups.clone(),
        })
    }
}

/// The head of the HTTP request rmcp is serving, which the edge hands over in the extensions.
fn head(context: &RequestContext<RoleServer>) -> Option<&Parts> {
    context.extensions.get::<Parts>()
}

/// The signed-in caller, set on the request by the sign-in middleware.
fn caller(head: Option<&Parts>) -> Option<&Caller> {
    head.and_then(|head| head.extensions.get::<Caller>())
}

impl ServerHandler for HaloMcpServer {
    fn get_info(&self) -> InitializeResult {
        let mut capabilities = ServerCapabilities::builder().enable_tools().build();
        if self.offered().any() {
            // No subscribe or listChanged: a stateless server cannot send notifications.
            capabilities.resources = Some(ResourcesCapability::default());
        }
        InitializeResult::new(capabilities)
            .with_server_info(
                Implementation::new("halo-mcp", env!("CARGO_PKG_VERSION")).with_title("Halo MCP"),
            )
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(
            self.shared.registry.list().to_vec(),
        ))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.shared
            .registry
            .get(name)
            .map(|t| t.definition().to_tool())
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        self.run_tool_call(request, head(&context))
            .await
            .map(Into::into)
    }

    async fn list_resources(
        &self,
        request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let deployment = self.shared.halo.base_url().as_str();
        resources::list(
            self.offered(),
            deployment,
            &self.shared.article_sizes,
            request,
            self.resource_context(&context),
        )
        .await
    }

    async fn list_resource_templates(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        resources::templates(self.offered(), request)
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        resources::read(
            self.offered(),
            &self.shared.article_sizes,
            request,
            self.resource_context(&context),
        )
        .await
        .map(Into::into)
    }
}
