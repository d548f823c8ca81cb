//! The ticket fields a create may set, written once. The table below defines the names the
//! tools file uses (`[[create_ticket_tools]] fields = [...]`), what a bound tool tells the model
//! about each, the [`NewTicket`] that carries them to
//! [`create_ticket`](crate::tools::ticket_writes::create_ticket), and how the system
//! `create_ticket` tool's arguments become one; adding a field here adds it everywhere.

use serde_json::Value;

use super::ticket_writes::CreateArgs;

macro_rules! ticket_fields {
    (
        required { $req_variant:ident, $req_field:ident, $req_key:literal, $req_about:literal }
        optional { $( $variant:ident, $field:ident, $key:literal, $about:literal, $doc:literal; )* }
    ) => {
        /// Ticket fields a bound create-ticket tool can fix or let the model fill.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum TicketField {
            $req_variant,
            $( $variant, )*
        }

        impl TicketField {
            pub const ALL: &[TicketField] = &[TicketField::$req_variant, $( TicketField::$variant, )*];

            /// The field's name in the tools file and in a bound tool's arguments.
            pub fn key(self) -> &'static str {
                match self {
                    TicketField::$req_variant => $req_key,
                    $( TicketField::$variant => $key, )*
                }
            }

            pub fn parse(key: &str) -> Option<TicketField> {
                TicketField::ALL.iter().copied().find(|f| f.key() == key)
            }

            /// What the model is told about the field in a bound tool's schema.
            pub fn describe(self) -> &'static str {
                match self {
                    TicketField::$req_variant => $req_about,
                    $( TicketField::$variant => $about, )*
                }
            }
        }

        /// A ticket to create. Every reference is a name or an id as a person would give it
        /// (e.g. `ticket_type: "Incident"` or `"1"`), resolved through the lookup cache; unset
        /// fields are left to Halo's defaults (and the ticket type's). Bound create-ticket tools
        /// fill the fixed parts (`ticket_type`, `template_id`, defaults) from their
        /// configuration and the rest from the caller's arguments.
        #[derive(Debug, Clone, Default)]
        pub struct NewTicket {
            /// Required, one line.
            pub $req_field: String,
            /// Required: ticket type name or id.
            pub ticket_type: String,
            $( #[doc = $doc] pub $field: Option<String>, )*
            /// A Halo ticket template id (for bound tools).
            pub template_id: Option<i64>,
            /// Custom field values as (field id, value).
            pub custom_fields: Vec<(i64, Value)>,
        }

        impl NewTicket {
            /// Sets one field from a name or id as given.
            pub fn set(&mut self, field: TicketField, value: String) {
                match field {
                    TicketField::$req_variant => self.$req_field = value,
                    $( TicketField::$variant => self.$field = Some(value), )*
                }
            }
        }

        impl From<CreateArgs> for NewTicket {
            fn from(args: CreateArgs) -> NewTicket {
                NewTicket {
                    $req_field: args.$req_field,
                    ticket_type: args.ticket_type,
                    $( $field: args.$field, )*
                    template_id: None,
                    custom_fields: Vec::new(),
                }
            }
        }
    };
}

ticket_fields! {
    required {
        Summary, summary, "summary",
        "One-line summary (title) of the ticket, at most 250 characters."
    }
    optional {
        Details, details, "details",
        "Full description: plain text (line breaks are kept) or HTML.",
        "Plain text (line breaks kept) or HTML.";
        Customer, customer, "customer",
        "Customer (client) name or id, e.g. \"Acorn Construction\".",
        "Customer (client) name or id.";
        Site, site, "site",
        "Site name or id, within the customer.",
        "Site name or id, within the customer.";
        EndUser, end_user, "end_user",
        "End user name, e-mail address or id; without a customer, the user's own customer is used.",
        "End user name, e-mail or id, within the customer; without a customer, the user's own \
         customer and site are used.";
        Agent, agent, "agent",
        "Agent to assign: \"me\", a name, an e-mail address or an id.",
        "\"me\", an agent's name, e-mail or id.";
        Team, team, "team",
        "Team name or id.",
        "Team name or id.";
        Priority, priority, "priority",
        "Priority name or id.",
        "Priority name or its integer id (`priorityid`).";
        Status, status, "status",
        "Status name or id.",
        "Status name or id.";
        Category, category, "category",
        "Category as Halo shows it.",
        "Category text as Halo shows it (`category_1`).";
        Service, service, "service",
        "Service name or id from the service catalogue.",
        "Service name or id from the service catalogue (sets `service_id`).";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_back_and_are_unique() {
        for field in TicketField::ALL {
            assert_eq!(TicketField::parse(field.key()), Some(*field));
            assert!(!field.describe().is_empty());
        }
        let mut keys: Vec<&str> = TicketField::ALL.iter().map(|f| f.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), TicketField::ALL.len());
    }

    #[test]
    fn the_system_tool_offers_every_field_and_the_ticket_type() {
        let schema = serde_json::to_value(schemars::schema_for!(CreateArgs)).unwrap_or_default();
        let mut offered: Vec<String> = schema["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        offered.sort();
        let mut expected: Vec<String> = TicketField::ALL
            .iter()
            .map(|f| f.key().to_string())
            .chain(["ticket_type".to_string()])
            .collect();
        expected.sort();
        assert_eq!(offered, expected);
    }

    #[test]
    fn every_field_is_set_where_create_ticket_reads_it() {
        let mut ticket = NewTicket::default();
        for field in TicketField::ALL {
            ticket.set(*field, field.key().to_string());
        }
        assert_eq!(ticket.summary, "summary");
        assert_eq!(ticket.end_user.as_deref(), Some("end_user"));
        assert_eq!(ticket.service.as_deref(), Some("service"));
        assert_eq!(ticket.category.as_deref(), Some("category"));
    }
}
