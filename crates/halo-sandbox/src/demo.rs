//! The deterministic demo tenant: customers (Acorn Construction with Ben Castle, …), agents with
//! sign-ins, lookups, services and subscriptions, reports, runbooks and the registered API
//! applications. Tickets live in [`super::demo_tickets`]. Dates are relative to the current month
//! so "this month" and "last month" always have data.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};

use super::model::*;
use super::store::{Data, SandboxOptions};

pub use super::demo_assets::{ACORN_FS01_ASSET_ID, BEN_LAPTOP_ASSET_ID};

pub const TENANT: &str = "sandbox";

/// The "Client ID and Secret (Services)" application; runs as [`API_AGENT_ID`].
pub const SERVICE_CLIENT_ID: &str = "halo-sandbox-services";
pub const SERVICE_CLIENT_SECRET: &str = "sandbox-services-secret";
/// The "Authorisation Code (Native Application)" application with "Allow Agent Logins".
pub const AUTH_CLIENT_ID: &str = "halo-sandbox-authcode";
pub const AUTH_CLIENT_SECRET: &str = "sandbox-authcode-secret";
/// Redirect URLs registered on the Authorisation Code app (plus `SandboxOptions::extra_redirect_uris`).
pub const AUTH_REDIRECT_URIS: &[&str] = &[
    "http://localhost:8080/oauth/callback",
    "http://127.0.0.1:8080/oauth/callback",
    "https://global.consent.azure-apim.net/redirect",
];

/// (login, password, what this agent can do).
pub const DEMO_SIGN_INS: &[(&str, &str, &str)] = &[
    (
        "alice",
        "alice-demo",
        "Alice Admin - Administrator: everything",
    ),
    (
        "sam",
        "sam-demo",
        "Sam Taylor - Technician (Service Desk): tickets, actions, KB, reports, own timesheets",
    ),
    (
        "priya",
        "priya-demo",
        "Priya Shah - Technician (Second Line): as Sam",
    ),
    (
        "rob",
        "rob-demo",
        "Rob Reed - Read-only: can read everything, every write is refused (403)",
    ),
];

pub const ADMIN_AGENT_ID: i64 = 1;
pub const TECH_AGENT_ID: i64 = 2;
pub const SECOND_LINE_AGENT_ID: i64 = 3;
pub const READONLY_AGENT_ID: i64 = 4;
pub const SALES_AGENT_ID: i64 = 5;
pub const API_AGENT_ID: i64 = 6;

pub const ACORN_CLIENT_ID: i64 = 1;
pub const BIRCH_CLIENT_ID: i64 = 2;
pub const CEDAR_CLIENT_ID: i64 = 3;
pub const DUNE_CLIENT_ID: i64 = 4;
/// The MSP itself; its users are the agents' linked end-user records.
pub const MSP_CLIENT_ID: i64 = 5;
pub const ACORN_HQ_SITE_ID: i64 = 1;
pub const BEN_CASTLE_USER_ID: i64 = 1;
pub const BEN_CASTLE_EMAIL: &str = "Ben.Castle@contoso.com";

pub const STATUS_NEW: i64 = 1;
pub const STATUS_IN_PROGRESS: i64 = 2;
pub const STATUS_WAITING_ON_CUSTOMER: i64 = 3;
pub const STATUS_ON_HOLD: i64 = 4;
pub const STATUS_RESOLVED: i64 = 8;
pub const STATUS_CLOSED: i64 = 9;

pub const TICKETTYPE_INCIDENT: i64 = 1;
pub const TICKETTYPE_SERVICE_REQUEST: i64 = 2;
pub const TICKETTYPE_PROBLEM: i64 = 3;
pub const TICKETTYPE_CHANGE: i64 = 4;
pub const TICKETTYPE_OPPORTUNITY: i64 = 5;

/// Outcome ids follow a stock Halo where clients hard-code them: 7 is the built-in internal
/// note (CIPP posts `outcome_id: 7` with `outcome: "Private Note"`).
pub const OUTCOME_PRIVATE_NOTE: i64 = 7;
pub const OUTCOME_EMAIL_USER: i64 = 2;
pub const OUTCOME_CHANGE_STATUS: i64 = 3;
pub const OUTCOME_ASSIGN: i64 = 4;
pub const OUTCOME_ESCALATE: i64 = 5;
pub const OUTCOME_RESOLVE: i64 = 6;
pub const OUTCOME_CLOSE: i64 = 1;
pub const OUTCOME_TIME_ENTRY: i64 = 8;
pub const OUTCOME_TICKET_LOGGED: i64 = 9;

/// Service level agreements (`sla_id` on tickets): Acorn has the premium one.
pub const SLA_STANDARD_ID: i64 = 1;
pub const SLA_PREMIUM_ID: i64 = 2;
pub const SLAS: &[(i64, &str)] = &[
    (SLA_STANDARD_ID, "Standard SLA"),
    (SLA_PREMIUM_ID, "Premium Support SLA"),
];

/// Ticket categories (`category_1` holds the name; the `/Tickets` filter takes these ids).
pub const CATEGORIES: &[(i64, &str)] = &[
    (1, "Hardware"),
    (2, "Software"),
    (3, "Network"),
    (4, "Accounts and Access"),
    (5, "Sales"),
];

pub fn sla_name(id: i64) -> &'static str {
    SLAS.iter().find(|s| s.0 == id).map_or("", |s| s.1)
}

pub const WHITESPACE_REPORT_ID: i64 = 1;
pub const MISSED_SLA_REPORT_ID: i64 = 2;
pub const BROKEN_REPORT_ID: i64 = 3;

pub const RESET_PASSWORD_RUNBOOK_ID: &str = "5b0f3c1e-8f3d-4c36-9a57-2f1a1c9e0a01";
pub const ONBOARD_STARTER_RUNBOOK_ID: &str = "5b0f3c1e-8f3d-4c36-9a57-2f1a1c9e0a02";

/// Services Acorn Construction subscribes to; the rest of the catalogue it "Does NOT have".
pub const ACORN_SERVICE_IDS: &[i64] = &[1, 2, 3, 5];

/// The first instant of the month containing `now`, `months_back` months earlier.
pub fn month_start(now: DateTime<Utc>, months_back: u32) -> DateTime<Utc> {
    let total = now.year() * 12 + now.month0() as i32 - months_back as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12) as u32);
    Utc.with_ymd_and_hms(year, month0 + 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(now)
}

/// The whole demo tenant as of `now`.
pub fn build(now: DateTime<Utc>, options: &SandboxOptions) -> Data {
    let mut data = Data {
        agents: agents(),
        users: users(),
        clients: clients(),
        sites: sites(),
        teams: ["Service Desk", "Second Line", "Sales"]
            .iter()
            .zip(1..)
            .map(|(n, id)| Team {
                id,
                name: n.to_string(),
            })
            .collect(),
        statuses: statuses(),
        priorities: priorities(),
        tickettypes: tickettypes(),
        outcomes: outcomes(),
        articles: super::demo_kb::articles(now),
        services: services(),
        subscriptions: subscriptions(),
        reports: reports(),
        runbooks: runbooks(),
        assets: super::demo_assets::assets(),
        assettypes: super::demo_assets::asset_types(),
        apps: apps(options),
        next_timesheet_id: 1,
        ..Data::default()
    };
    super::demo_tickets::add_tickets(&mut data, now);
    data
}

fn agent(
    id: i64,
    first: &str,
    last: &str,
    team: &str,
    role: AgentRole,
    login: &str,
    password: &str,
) -> Agent {
    Agent {
        id,
        name: format!("{first} {last}"),
        firstname: first.into(),
        surname: last.into(),
        email: format!("{}.{}@sandbox-msp.example", first, last).to_lowercase(),
        team: team.into(),
        teams: vec![team.into()],
        role,
        isdisabled: false,
        login: login.into(),
        password: password.into(),
    }
}

fn agents() -> Vec<Agent> {
    use AgentRole::*;
    let mut api = agent(
        API_AGENT_ID,
        "API",
        "Agent",
        "Service Desk",
        ApiAgent,
        "",
        "",
    );
    api.email = "api@sandbox-msp.example".into();
    vec![
        agent(
            ADMIN_AGENT_ID,
            "Alice",
            "Admin",
            "Service Desk",
            Administrator,
            "alice",
            "alice-demo",
        ),
        agent(
            TECH_AGENT_ID,
            "Sam",
            "Taylor",
            "Service Desk",
            Technician,
            "sam",
            "sam-demo",
        ),
        agent(
            SECOND_LINE_AGENT_ID,
            "Priya",
            "Shah",
            "Second Line",
            Technician,
            "priya",
            "priya-demo",
        ),
        agent(
            READONLY_AGENT_ID,
            "Rob",
            "Reed",
            "Service Desk",
            ReadOnly,
            "rob",
            "rob-demo",
        ),
        agent(SALES_AGENT_ID, "Dan", "Morgan", "Sales", Technician, "", ""),
        api,
    ]
}

fn users() -> Vec<User> {
    let rows: &[(&str, &str, &str, i64, i64, &str)] = &[
        ("Ben", "Castle", BEN_CASTLE_EMAIL, 1, 1, "+44 20 7946 0101"),
        (
            "Alicia",
            "Stone",
            "Alicia.Stone@contoso.com",
            1,
            2,
            "+44 20 7946 0102",
        ),
        (
            "Marcus",
            "Flint",
            "Marcus.Flint@contoso.com",
            1,
            1,
            "+44 20 7946 0103",
        ),
        (
            "Hannah",
            "Price",
            "hannah.price@birchlogistics.example",
            2,
            3,
            "+44 161 496 0201",
        ),
        (
            "Oliver",
            "Grant",
            "oliver.grant@birchlogistics.example",
            2,
            3,
            "+44 161 496 0202",
        ),
        (
            "Maya",
            "Patel",
            "maya.patel@cedarhealth.example",
            3,
            4,
            "+44 117 496 0301",
        ),
        (
            "Leo",
            "Nguyen",
            "leo.nguyen@cedarhealth.example",
            3,
            4,
            "+44 117 496 0302",
        ),
        (
            "Zoe",
            "Park",
            "zoe.park@duneretail.example",
            4,
            5,
            "+44 131 496 0401",
        ),
        // The MSP's own staff, linked to their agent records (so `/Users/me` answers for them).
        (
            "Alice",
            "Admin",
            "alice.admin@sandbox-msp.example",
            5,
            6,
            "",
        ),
        ("Sam", "Taylor", "sam.taylor@sandbox-msp.example", 5, 6, ""),
        ("Priya", "Shah", "priya.shah@sandbox-msp.example", 5, 6, ""),
        ("Rob", "Reed", "rob.reed@sandbox-msp.example", 5, 6, ""),
    ];
    rows.iter()
        .zip(1..)
        .map(|(&(first, last, email, client, site, phone), id)| User {
            id,
            name: format!("{first} {last}"),
            firstname: first.into(),
            surname: last.into(),
            emailaddress: email.into(),
            phonenumber: phone.into(),
            client_id: client,
            site_id: site,
            inactive: false,
            linked_agent_id: (client == MSP_CLIENT_ID).then_some(id - 8),
        })
        .collect()
}

fn clients() -> Vec<Client> {
    [
        "Acorn Construction",
        "Birch Logistics",
        "Cedar Health",
        "Dune Retail",
        "Sandbox MSP (internal)",
    ]
    .iter()
    .zip(1..)
    .map(|(n, id)| Client {
        id,
        name: n.to_string(),
        inactive: false,
    })
    .collect()
}

fn sites() -> Vec<Site> {
    [
        ("Acorn HQ", 1),
        ("Acorn Yard", 1),
        ("Birch Central Depot", 2),
        ("Cedar Clinic", 3),
        ("Dune Flagship Store", 4),
        ("MSP Head Office", 5),
    ]
    .iter()
    .zip(1..)
    .map(|(&(n, client_id), id)| Site {
        id,
        name: n.into(),
        client_id,
    })
    .collect()
}

fn statuses() -> Vec<Status> {
    [
        (STATUS_NEW, "New", "New", 0, "#2e86de"),
        (STATUS_IN_PROGRESS, "In Progress", "InProg", 0, "#10ac84"),
        (
            STATUS_WAITING_ON_CUSTOMER,
            "Waiting on Customer",
            "Wait",
            2,
            "#feca57",
        ),
        (STATUS_ON_HOLD, "On Hold", "Hold", 2, "#ff9f43"),
        (STATUS_RESOLVED, "Resolved", "Resolved", 1, "#8395a7"),
        (STATUS_CLOSED, "Closed", "Closed", 1, "#576574"),
    ]
    .iter()
    .zip(1..)
    .map(|(&(id, name, short, ty, colour), seq)| Status {
        id,
        name: name.into(),
        shortname: short.into(),
        r#type: ty,
        colour: colour.into(),
        sequence: seq,
    })
    .collect()
}

fn priorities() -> Vec<Priority> {
    [
        (
            "7d6b1f0e-1c1a-4b8e-9a0e-000000000001",
            1,
            "P1 - Critical",
            1.0,
            4.0,
            "#ee5253",
        ),
        (
            "7d6b1f0e-1c1a-4b8e-9a0e-000000000002",
            2,
            "P2 - High",
            2.0,
            8.0,
            "#ff9f43",
        ),
        (
            "7d6b1f0e-1c1a-4b8e-9a0e-000000000003",
            3,
            "P3 - Medium",
            4.0,
            24.0,
            "#feca57",
        ),
        (
            "7d6b1f0e-1c1a-4b8e-9a0e-000000000004",
            4,
            "P4 - Low",
            8.0,
            72.0,
            "#1dd1a1",
        ),
    ]
    .iter()
    .map(|&(guid, pid, name, resp, fix, colour)| Priority {
        id: guid.into(),
        priorityid: pid,
        name: name.into(),
        responsetime: resp,
        fixtime: fix,
        colour: colour.into(),
    })
    .collect()
}

fn tickettypes() -> Vec<TicketType> {
    [
        (TICKETTYPE_INCIDENT, "Incident", "Something is broken", 3),
        (
            TICKETTYPE_SERVICE_REQUEST,
            "Service Request",
            "Ask for something new",
            4,
        ),
        (
            TICKETTYPE_PROBLEM,
            "Problem",
            "Root cause of recurring incidents",
            3,
        ),
        (
            TICKETTYPE_CHANGE,
            "Change",
            "A planned change to a service",
            3,
        ),
        (
            TICKETTYPE_OPPORTUNITY,
            "Opportunity",
            "A sales opportunity with a customer",
            4,
        ),
    ]
    .iter()
    .map(|&(id, name, desc, prio)| TicketType {
        id,
        name: name.into(),
        description: desc.into(),
        default_priority: prio,
    })
    .collect()
}

fn outcomes() -> Vec<Outcome> {
    let o = Outcome::named;
    let mut list = vec![
        Outcome {
            hidefromuser: true,
            mustaddnote: true,
            ..o(OUTCOME_PRIVATE_NOTE, "Private Note", "Private Note")
        },
        Outcome {
            sendemail: true,
            mustaddnote: true,
            ..o(OUTCOME_EMAIL_USER, "Email User", "Public Note / Email User")
        },
        o(OUTCOME_CHANGE_STATUS, "Change Status", "Change Status"),
        Outcome {
            hidefromuser: true,
            ..o(OUTCOME_ASSIGN, "Assign", "Assign")
        },
        Outcome {
            newstatus: STATUS_IN_PROGRESS,
            defaultteam: "Second Line".into(),
            hidefromuser: true,
            ..o(OUTCOME_ESCALATE, "Escalate", "Escalate to Second Line")
        },
        Outcome {
            newstatus: STATUS_RESOLVED,
            mustaddnote: true,
            sendemail: true,
            ..o(OUTCOME_RESOLVE, "Resolve", "Resolve")
        },
        Outcome {
            newstatus: STATUS_CLOSED,
            ..o(OUTCOME_CLOSE, "Close Ticket", "Close Ticket")
        },
        Outcome {
            hidefromuser: true,
            ..o(OUTCOME_TIME_ENTRY, "Time Entry", "Log Time")
        },
        Outcome {
            systemid: 1,
            hidden: true,
            ..o(OUTCOME_TICKET_LOGGED, "Ticket Logged", "Ticket Logged")
        },
    ];
    list.sort_by_key(|o| o.id);
    list
}

fn services() -> Vec<Service> {
    [
        (
            "Managed Backup",
            "Nightly off-site backup of servers and Microsoft 365 data",
            1,
            "Infrastructure",
        ),
        (
            "Microsoft 365 Licensing",
            "Licence management and renewals for Microsoft 365",
            2,
            "Productivity",
        ),
        (
            "Endpoint Security",
            "Managed antivirus and EDR on every laptop and desktop",
            3,
            "Security",
        ),
        (
            "Network Monitoring",
            "24x7 monitoring of routers, switches and Wi-Fi with alerting",
            1,
            "Infrastructure",
        ),
        (
            "VoIP Telephony",
            "Hosted phone system with desk and softphones",
            4,
            "Communications",
        ),
        (
            "Cloud Hosting",
            "Managed Azure virtual machines and web apps",
            1,
            "Infrastructure",
        ),
        (
            "Security Awareness Training",
            "Quarterly phishing simulations and staff training",
            3,
            "Security",
        ),
        (
            "Disaster Recovery",
            "Standby environment with a tested four-hour recovery plan",
            5,
            "Continuity",
        ),
    ]
    .iter()
    .zip(1..)
    .map(|(&(name, summary, cat, cat_name), id)| Service {
        id,
        name: name.into(),
        summary: summary.into(),
        service_category_id: cat,
        service_category_name: cat_name.into(),
        current_status: 1,
        subscribable: true,
        showinusercatalog: true,
        service_tickettype_id: TICKETTYPE_SERVICE_REQUEST,
        incident_tickettype_id: TICKETTYPE_INCIDENT,
    })
    .collect()
}

fn subscriptions() -> Vec<(i64, i64)> {
    let mut subs: Vec<(i64, i64)> = ACORN_SERVICE_IDS
        .iter()
        .map(|s| (ACORN_CLIENT_ID, *s))
        .collect();
    subs.extend([1, 2, 4, 6, 8].map(|s| (BIRCH_CLIENT_ID, s)));
    subs.extend([2, 3, 7, 8].map(|s| (CEDAR_CLIENT_ID, s)));
    subs.extend([2, 5].map(|s| (DUNE_CLIENT_ID, s)));
    subs
}

fn reports() -> Vec<Report> {
    vec![
        Report {
            id: WHITESPACE_REPORT_ID,
            name: "Whitespace - Services by Customer".into(),
            description: "For one customer (client_id or clientname), every catalogue service and whether the customer Has it or Does NOT have it".into(),
            group_id: 1,
            group_name: "Account Management".into(),
            r#type: 0,
            kind: ReportKind::Whitespace,
        },
        Report {
            id: MISSED_SLA_REPORT_ID,
            name: "Missed SLAs by Technician (Monthly)".into(),
            description: "Tickets closed per technician per month, and how many missed their fix-by SLA".into(),
            group_id: 2,
            group_name: "Service Delivery".into(),
            r#type: 0,
            kind: ReportKind::MissedSlaByTechnicianMonthly,
        },
        Report {
            id: BROKEN_REPORT_ID,
            name: "Legacy SLA Export".into(),
            description: "An old report whose SQL no longer matches the database (always fails to load)".into(),
            group_id: 2,
            group_name: "Service Delivery".into(),
            r#type: 0,
            kind: ReportKind::Broken,
        },
    ]
}

fn runbooks() -> Vec<Runbook> {
    let input = |name: &str, description: &str, required: bool| RunbookInput {
        name: name.into(),
        description: description.into(),
        required,
    };
    vec![
        Runbook {
            id: RESET_PASSWORD_RUNBOOK_ID.into(),
            name: "Reset user password".into(),
            description: "Resets an end user's directory password, emails a temporary one, and records a private note on the ticket".into(),
            inputs: vec![
                input("user_id", "The end user whose password to reset", true),
                input("ticket_id", "Ticket to record the reset on", false),
            ],
            kind: RunbookKind::ResetPassword,
        },
        Runbook {
            id: ONBOARD_STARTER_RUNBOOK_ID.into(),
            name: "Onboard new starter".into(),
            description: "Creates the end user and logs a Service Request ticket to set up their accounts and laptop".into(),
            inputs: vec![
                input("client_id", "Customer the starter joins", true),
                input("firstname", "First name", true),
                input("surname", "Surname", true),
                input("emailaddress", "Email address", true),
                input("start_date", "First working day (yyyy-MM-dd)", false),
            ],
            kind: RunbookKind::OnboardStarter,
        },
    ]
}

fn apps(options: &SandboxOptions) -> Vec<ApiApp> {
    let mut redirect_uris: Vec<String> = AUTH_REDIRECT_URIS.iter().map(|s| s.to_string()).collect();
    redirect_uris.extend(options.extra_redirect_uris.iter().cloned());
    vec![
        ApiApp {
            client_id: SERVICE_CLIENT_ID.into(),
            client_secret: Some(SERVICE_CLIENT_SECRET.into()),
            name: "Sandbox services integration".into(),
            kind: AppKind::Services,
            scopes: vec!["all".into()],
            redirect_uris: Vec::new(),
            agent_id: API_AGENT_ID,
        },
        ApiApp {
            client_id: AUTH_CLIENT_ID.into(),
            client_secret: Some(AUTH_CLIENT_SECRET.into()),
            name: "halo-mcp (Authorisation Code)".into(),
            kind: AppKind::AuthorisationCode,
            scopes: vec!["all".into(), "offline_access".into()],
            redirect_uris,
            agent_id: 0,
        },
    ]
}

/// Hours as a chrono duration (fractional hours allowed).
pub fn hours(h: f64) -> Duration {
    Duration::seconds((h * 3600.0).round() as i64)
}
