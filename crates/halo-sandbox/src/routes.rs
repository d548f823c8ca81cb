//! The routes the sandbox serves, as Halo's OpenAPI document names them, with the query
//! parameters each one honours. A test checks every entry against that document.

/// Which server a route belongs to: the resource server (`/api`, described by Halo's OpenAPI
/// document) or the authorisation server (`/auth`, which that document does not describe).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteArea {
    Api,
    Auth,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedRoute {
    pub area: RouteArea,
    pub method: &'static str,
    /// Relative to the area root, spelled as in Halo's OpenAPI document, e.g. `/Tickets/{id}`.
    pub path: &'static str,
    pub query_params: Vec<&'static str>,
}

const PAGING: &[&str] = &["pageinate", "page_size", "page_no", "count"];
const ORDER: &[&str] = &["order", "orderdesc"];

fn api(method: &'static str, path: &'static str, params: &[&[&'static str]]) -> ServedRoute {
    ServedRoute {
        area: RouteArea::Api,
        method,
        path,
        query_params: params.iter().flat_map(|p| p.iter().copied()).collect(),
    }
}

/// Query parameters the sandbox honours that Halo's OpenAPI document does not list, each with the
/// evidence that real Halo answers to it: (method, path, parameter, evidence).
pub fn observed_params() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    let agent_paging = "alex-thorne/haloitsm-mcp c408fcf: a real instance pages /Agent and wraps \
                        the rows under `results`";
    vec![
        ("GET", "/Agent", "pageinate", agent_paging),
        ("GET", "/Agent", "page_size", agent_paging),
        ("GET", "/Agent", "page_no", agent_paging),
        (
            "DELETE",
            "/Actions/{id}",
            "ticket_id",
            "homotechsual/HaloAPI Remove-HaloAction takes -TicketID (Tests/EndToEnd/\
             Action.E2E.Tests.ps1): action ids are numbered per ticket",
        ),
    ]
}

pub fn served_routes() -> Vec<ServedRoute> {
    let auth = |method, path, params: &[&'static str]| ServedRoute {
        area: RouteArea::Auth,
        method,
        path,
        query_params: params.to_vec(),
    };
    vec![
        api("GET", "/AuthInfo", &[]),
        api("GET", "/InstanceInfo", &[]),
        api("GET", "/Agent/me", &[]),
        api(
            "GET",
            "/Agent",
            &[&[
                "search",
                "team",
                "team_id",
                "includedisabled",
                "includeapiagents",
            ]],
        ),
        api("GET", "/Agent/{id}", &[]),
        api(
            "GET",
            "/Users",
            &[
                PAGING,
                ORDER,
                &[
                    "search",
                    "client_id",
                    "site_id",
                    "includeinactive",
                    "search_phonenumbers",
                ],
            ],
        ),
        api("GET", "/Users/me", &[]),
        api("GET", "/Users/{id}", &[]),
        api(
            "GET",
            "/Client",
            &[PAGING, ORDER, &["search", "includeinactive"]],
        ),
        api("GET", "/Client/{id}", &[]),
        api("GET", "/Site", &[PAGING, ORDER, &["search", "client_id"]]),
        api("GET", "/Site/{id}", &[]),
        api("GET", "/Team", &[]),
        api("GET", "/Team/{id}", &[]),
        api("GET", "/Status", &[&["excludeclosed", "excludepending"]]),
        api("GET", "/Status/{id}", &[]),
        api("GET", "/Priority", &[]),
        api("GET", "/Priority/{id}", &[]),
        api("GET", "/TicketType", &[]),
        api("GET", "/TicketType/{id}", &[]),
        api(
            "GET",
            "/Outcome",
            &[&["tickettype_id", "showhidden", "excludesystemactions"]],
        ),
        api("GET", "/Outcome/{id}", &[]),
        api(
            "GET",
            "/Tickets",
            &[
                PAGING,
                ORDER,
                &[
                    "search",
                    "search_summary",
                    "search_details",
                    "open_only",
                    "closed_only",
                    "agent_id",
                    "agent",
                    "client_id",
                    "client_ids",
                    "site_id",
                    "user_id",
                    "status_id",
                    "status",
                    "requesttype_id",
                    "requesttype",
                    "priority",
                    "team",
                    "team_name",
                    "mine",
                    "ticketids",
                    "datesearch",
                    "startdate",
                    "enddate",
                    "category_1",
                    "username",
                    "sla",
                    "asset_id",
                    "flagged",
                    "withattachments",
                    "search_reportedby",
                ],
            ],
        ),
        api(
            "GET",
            "/Tickets/{id}",
            &[&["includedetails", "includelastaction"]],
        ),
        api("POST", "/Tickets", &[]),
        api("DELETE", "/Tickets/{id}", &[]),
        api(
            "GET",
            "/Actions",
            &[
                &["count", "pageinate", "page_size", "page_no"][..1],
                &[
                    "ticket_id",
                    "excludesys",
                    "conversationonly",
                    "excludeprivate",
                    "agentonly",
                    "importantonly",
                    "timeentriesonly",
                ],
            ],
        ),
        api("GET", "/Actions/{id}", &[&["ticket_id", "mostrecent"]]),
        api("POST", "/Actions", &[]),
        api("DELETE", "/Actions/{id}", &[]),
        api(
            "GET",
            "/Asset",
            &[
                PAGING,
                ORDER,
                &[
                    "client_id",
                    "site_id",
                    "username",
                    "search",
                    "assettype_id",
                    "includeinactive",
                ],
            ],
        ),
        api("GET", "/Asset/{id}", &[]),
        api("GET", "/AssetType", &[]),
        api("GET", "/AssetType/{id}", &[]),
        api(
            "GET",
            "/KBArticle",
            &[
                PAGING,
                ORDER,
                &["search", "related_to_ticket", "includeinactive"],
            ],
        ),
        api("GET", "/KBArticle/{id}", &[&["includedetails"]]),
        api(
            "GET",
            "/Service",
            &[
                PAGING,
                ORDER,
                &["search", "user_id", "service_category_id", "subscribedonly"],
            ],
        ),
        api("GET", "/Service/{id}", &[&["user_id", "includedetails"]]),
        api("GET", "/Report", &[PAGING, &["search", "reportgroup_id"]]),
        api(
            "GET",
            "/Report/{id}",
            &[&[
                "loadreport",
                "reportingperiodstartdate",
                "reportingperiodenddate",
                "reportingperiod",
                "client_id",
                "clientname",
            ]],
        ),
        api(
            "GET",
            "/TimesheetEvent",
            &[&["agent_id", "agents", "start_date", "end_date"]],
        ),
        api("POST", "/TimesheetEvent", &[]),
        api("GET", "/Automation", &[]),
        api("POST", "/Automation/{runbookId}", &[]),
        auth("POST", "/token", &["tenant"]),
        auth(
            "GET",
            "/authorize",
            &[
                "tenant",
                "response_type",
                "client_id",
                "redirect_uri",
                "scope",
                "state",
                "code_challenge",
                "code_challenge_method",
            ],
        ),
        auth("POST", "/authorize", &["tenant"]),
    ]
}
