//! Bound create-ticket tools: "Create new Ticket" tied to one ticket type (and optionally a
//! template and fixed defaults), offering the model only the fields the tools file allows. The
//! ticket itself is made by the system tool's core, [`crate::tools::ticket_writes::create_ticket`],
//! so both kinds of tool create tickets the same way.

use futures::future::BoxFuture;
use serde_json::Value;

use super::dynamic::{ArgReader, SchemaBuilder, missing};
use super::file::{CreateTool, TicketField};
use crate::mcp::schema::JsonObject;
use crate::mcp::{CallContext, Effect, ToolDefinition, ToolError, ToolHandler};
use crate::tools::ticket_writes::{NewTicket, create_ticket};

pub struct BoundCreateHandler {
    spec: CreateTool,
    definition: ToolDefinition,
}

impl BoundCreateHandler {
    pub fn new(spec: CreateTool) -> BoundCreateHandler {
        let mut schema = SchemaBuilder::new();
        for field in &spec.fields {
            let fixed = spec
                .defaults
                .iter()
                .find(|(f, _)| f == field)
                .map(|(_, v)| format!(" Default: {}.", v.as_lookup()))
                .unwrap_or_default();
            schema.prop(
                field.key(),
                "string",
                &format!("{}{fixed}", field.describe()),
                spec.required.contains(field),
            );
            match field {
                TicketField::Summary => schema.constrain(field.key(), "maxLength", 250.into()),
                TicketField::Details => schema.constrain(field.key(), "maxLength", 20000.into()),
                _ => &mut schema,
            };
        }
        let definition = ToolDefinition {
            name: spec.header.name.clone(),
            title: spec.header.title.clone(),
            description: format!(
                "{} Creates a Halo ticket of type {}; each call creates one ticket.",
                spec.header.description,
                spec.ticket_type.as_lookup()
            ),
            input_schema: schema.build(),
            output_schema: None,
            effect: Effect::Add,
        };
        BoundCreateHandler { spec, definition }
    }

    /// The ticket to create: the tool's fixed parts, its defaults, then the caller's fields.
    fn ticket(&self, args: JsonObject) -> Result<NewTicket, ToolError> {
        let args = crate::mcp::arguments::conform(&self.definition.input_schema, args)?;
        let mut reader = ArgReader::new(args);
        let mut ticket = NewTicket {
            ticket_type: self.spec.ticket_type.as_lookup(),
            template_id: self.spec.template_id,
            ..NewTicket::default()
        };
        for (field, value) in &self.spec.defaults {
            ticket.set(*field, value.as_lookup());
        }
        for field in &self.spec.fields {
            match reader.string(field.key())? {
                Some(value) => ticket.set(*field, value),
                None if self.spec.required.contains(field) => return Err(missing(field.key())),
                None => {}
            }
        }
        let known: Vec<&str> = self.spec.fields.iter().map(|f| f.key()).collect();
        reader.finish(&known)?;
        if ticket.summary.trim().is_empty() {
            return Err(missing("summary"));
        }
        Ok(ticket)
    }
}

impl ToolHandler for BoundCreateHandler {
    fn definition(&self) -> &ToolDefinition {
        &self.definition
    }

    fn call<'a>(
        &'a self,
        ctx: &'a CallContext,
        args: JsonObject,
    ) -> BoxFuture<'a, Result<Value, ToolError>> {
        Box::pin(async move {
            let ticket = self.ticket(args)?;
            create_ticket(ctx, ticket).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcp::schema::violations;
    use crate::tools::custom::file::{Format, parse};
    use serde_json::json;

    fn handler() -> BoundCreateHandler {
        let text = r#"
[[create_ticket_tools]]
name = "create_opportunity"
description = "Log a sales opportunity."
ticket_type = "Opportunity"
template_id = 7
fields = ["summary", "details", "customer", "priority"]
required = ["summary", "customer"]
defaults = { team = "Sales", priority = "Low" }
"#;
        let tools = parse("t.toml", Format::Toml, text, &[]).unwrap();
        BoundCreateHandler::new(tools.creates[0].clone())
    }

    #[test]
    fn schema_offers_only_allowed_fields() {
        let h = handler();
        let schema = &h.definition().input_schema;
        assert!(violations(schema).is_empty(), "{:?}", violations(schema));
        let props: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
        assert_eq!(props.len(), 4);
        assert!(
            !props
                .iter()
                .any(|p| p.as_str() == "team" || p.as_str() == "ticket_type")
        );
        assert_eq!(schema["required"], json!(["summary", "customer"]));
        assert!(
            schema["properties"]["priority"]["description"]
                .as_str()
                .unwrap()
                .contains("Default: Low.")
        );
        assert_eq!(h.definition().effect, Effect::Add);
    }

    #[test]
    fn fixed_parts_and_caller_fields_merge() {
        let h = handler();
        let args = json!({"summary": "Acorn - VoIP", "customer": "Acorn Construction", "priority": "High"});
        let t = h.ticket(args.as_object().unwrap().clone()).unwrap();
        assert_eq!(t.ticket_type, "Opportunity");
        assert_eq!(t.template_id, Some(7));
        assert_eq!(t.team.as_deref(), Some("Sales"));
        assert_eq!(t.priority.as_deref(), Some("High"));
        assert_eq!(t.customer.as_deref(), Some("Acorn Construction"));
        let sneaky = json!({"summary": "x", "customer": "y", "ticket_type": "Incident"});
        let err = h
            .ticket(sneaky.as_object().unwrap().clone())
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown argument 'ticket_type'"), "{err}");
        let err = h
            .ticket(json!({"summary": "x"}).as_object().unwrap().clone())
            .unwrap_err()
            .to_string();
        assert!(err.contains("customer is required"), "{err}");
    }
}
