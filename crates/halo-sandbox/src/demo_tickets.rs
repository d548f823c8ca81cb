//! The demo tickets: about thirty realistic tickets across the four customers, with SLA data
//! (some responses late, some fixes after `fixbydate` in recent months so the missed-SLA report
//! has rows), their action histories, and a few AI suggestions.

use chrono::{DateTime, Duration, Utc};

use super::demo::*;
use super::model::*;
use super::store::Data;

/// How a demo ticket stands today.
#[derive(Clone, Copy)]
enum Life {
    /// Opened `hours_ago`, now in `status`; `responded` = an agent has replied in time.
    Open {
        hours_ago: f64,
        status: i64,
        responded: bool,
    },
    /// Opened `day` days into the month `months_back` months ago (0 = recently, relative to now)
    /// and closed inside (`met`) or after the fix-by SLA.
    Closed {
        months_back: u32,
        day: i64,
        met: bool,
    },
}

struct Row {
    summary: &'static str,
    details: &'static str,
    tickettype: i64,
    user: i64,
    agent: i64,
    priority: i64,
    life: Life,
}

const fn open(hours_ago: f64, status: i64, responded: bool) -> Life {
    Life::Open {
        hours_ago,
        status,
        responded,
    }
}

const fn closed(months_back: u32, day: i64, met: bool) -> Life {
    Life::Closed {
        months_back,
        day,
        met,
    }
}

const INC: i64 = TICKETTYPE_INCIDENT;
const SR: i64 = TICKETTYPE_SERVICE_REQUEST;

#[rustfmt::skip]
const ROWS: &[Row] = &[
    // Acorn Construction (users 1 Ben Castle, 2 Alicia Stone, 3 Marcus Flint)
    Row { summary: "Outlook keeps asking for password", details: "Since this morning Outlook on my laptop keeps prompting for my password every few minutes, even after I type it in.", tickettype: INC, user: 1, agent: TECH_AGENT_ID, priority: 3, life: open(5.0, STATUS_IN_PROGRESS, true) },
    Row { summary: "Cannot connect to VPN from site office", details: "The VPN client times out when I try to connect from the Acorn Yard site office. Works from home.", tickettype: INC, user: 2, agent: SECOND_LINE_AGENT_ID, priority: 2, life: open(30.0, STATUS_IN_PROGRESS, false) },
    Row { summary: "New laptop for starter in estimating team", details: "Please order and set up a laptop for a new estimator starting next month.", tickettype: SR, user: 3, agent: TECH_AGENT_ID, priority: 4, life: open(50.0, STATUS_WAITING_ON_CUSTOMER, true) },
    Row { summary: "Printer on first floor jams constantly", details: "The first floor printer jams on almost every print job from tray 2.", tickettype: INC, user: 1, agent: 0, priority: 3, life: open(2.0, STATUS_NEW, false) },
    Row { summary: "Opportunity: Network Monitoring for Acorn Yard", details: "Ben Castle asked about monitoring the yard network after recent outages. Propose Network Monitoring.", tickettype: TICKETTYPE_OPPORTUNITY, user: 1, agent: SALES_AGENT_ID, priority: 4, life: open(120.0, STATUS_IN_PROGRESS, true) },
    Row { summary: "Backup job failed on ACORN-FS01", details: "Managed Backup alert: the nightly backup job for file server ACORN-FS01 failed.", tickettype: INC, user: 3, agent: TECH_AGENT_ID, priority: 2, life: closed(1, 3, true) },
    Row { summary: "Outlook password prompts after MFA change", details: "After enabling MFA, Outlook keeps prompting for my password on my desktop.", tickettype: INC, user: 1, agent: TECH_AGENT_ID, priority: 3, life: closed(2, 10, true) },
    Row { summary: "Mailbox full - cannot send email", details: "I get a message that my mailbox is full and I cannot send email.", tickettype: INC, user: 2, agent: TECH_AGENT_ID, priority: 3, life: closed(1, 14, false) },
    Row { summary: "Phones dropping calls at Acorn Yard", details: "Desk phones at the yard drop calls after about a minute.", tickettype: INC, user: 2, agent: SECOND_LINE_AGENT_ID, priority: 2, life: closed(3, 5, false) },
    Row { summary: "Add user to Estimating shared mailbox", details: "Please give Marcus access to the Estimating shared mailbox.", tickettype: SR, user: 3, agent: TECH_AGENT_ID, priority: 4, life: closed(0, 0, true) },
    // Birch Logistics (users 4 Hannah Price, 5 Oliver Grant)
    Row { summary: "Warehouse scanners lose Wi-Fi", details: "Handheld scanners in the warehouse keep losing Wi-Fi when moving between aisles.", tickettype: INC, user: 4, agent: SECOND_LINE_AGENT_ID, priority: 2, life: open(20.0, STATUS_IN_PROGRESS, true) },
    Row { summary: "Server room temperature alert", details: "The server room temperature sensor reports 31C and rising.", tickettype: INC, user: 5, agent: ADMIN_AGENT_ID, priority: 1, life: open(3.0, STATUS_NEW, false) },
    Row { summary: "Request Microsoft 365 E5 licence for finance", details: "The finance manager needs an E5 licence for advanced Excel and Power BI features.", tickettype: SR, user: 4, agent: TECH_AGENT_ID, priority: 4, life: open(70.0, STATUS_ON_HOLD, true) },
    Row { summary: "Backup job failed on BIRCH-SQL02", details: "Managed Backup alert: the backup job for database server BIRCH-SQL02 failed twice.", tickettype: INC, user: 5, agent: SECOND_LINE_AGENT_ID, priority: 2, life: closed(1, 8, false) },
    Row { summary: "VPN disconnects every hour", details: "My VPN connection drops every hour and I have to reconnect.", tickettype: INC, user: 4, agent: SECOND_LINE_AGENT_ID, priority: 3, life: closed(2, 3, true) },
    Row { summary: "Recurring Wi-Fi outages in depot", details: "Problem record for repeated Wi-Fi outages affecting scanners across the depot.", tickettype: TICKETTYPE_PROBLEM, user: 4, agent: SECOND_LINE_AGENT_ID, priority: 3, life: open(200.0, STATUS_IN_PROGRESS, true) },
    Row { summary: "Replace core switch firmware", details: "Planned change: upgrade the core switch firmware during the Sunday maintenance window.", tickettype: TICKETTYPE_CHANGE, user: 5, agent: ADMIN_AGENT_ID, priority: 3, life: closed(4, 12, true) },
    Row { summary: "Outlook crashes when opening attachments", details: "Outlook closes without an error whenever I open a PDF attachment.", tickettype: INC, user: 5, agent: TECH_AGENT_ID, priority: 3, life: closed(0, 0, false) },
    // Cedar Health (users 6 Maya Patel, 7 Leo Nguyen)
    Row { summary: "Clinic PC infected with malware alert", details: "Endpoint Security shows a malware alert on the reception PC at the clinic.", tickettype: INC, user: 6, agent: SECOND_LINE_AGENT_ID, priority: 1, life: closed(1, 20, true) },
    Row { summary: "Patient booking system slow", details: "The patient booking system takes over a minute to load appointments.", tickettype: INC, user: 7, agent: TECH_AGENT_ID, priority: 2, life: open(10.0, STATUS_IN_PROGRESS, true) },
    Row { summary: "Security awareness training for new staff", details: "Please enrol five new nurses in the security awareness training.", tickettype: SR, user: 6, agent: TECH_AGENT_ID, priority: 4, life: closed(2, 18, true) },
    Row { summary: "Password reset for reception account", details: "The shared reception account is locked out; please reset the password.", tickettype: SR, user: 7, agent: TECH_AGENT_ID, priority: 3, life: closed(3, 9, false) },
    Row { summary: "Endpoint security agent not reporting", details: "Three clinic PCs have not reported to the Endpoint Security console for a week.", tickettype: INC, user: 6, agent: SECOND_LINE_AGENT_ID, priority: 2, life: closed(4, 2, false) },
    Row { summary: "Printer on ward 2 offline", details: "The ward 2 printer shows offline on every PC.", tickettype: INC, user: 7, agent: TECH_AGENT_ID, priority: 3, life: closed(5, 15, true) },
    Row { summary: "Opportunity: Disaster Recovery review for Cedar", details: "Cedar Health's auditors asked for a tested recovery plan. Propose Disaster Recovery.", tickettype: TICKETTYPE_OPPORTUNITY, user: 6, agent: SALES_AGENT_ID, priority: 4, life: open(300.0, STATUS_NEW, false) },
    Row { summary: "Email delivery delays to NHS addresses", details: "Emails to NHS addresses arrive hours late.", tickettype: INC, user: 7, agent: SECOND_LINE_AGENT_ID, priority: 2, life: open(26.0, STATUS_WAITING_ON_CUSTOMER, true) },
    // Dune Retail (user 8 Zoe Park)
    Row { summary: "Till PCs cannot reach payment gateway", details: "All tills in the flagship store fail to reach the card payment gateway.", tickettype: INC, user: 8, agent: ADMIN_AGENT_ID, priority: 1, life: closed(1, 25, false) },
    Row { summary: "Set up VoIP handset for new store manager", details: "Please set up a VoIP desk phone for the new store manager.", tickettype: SR, user: 8, agent: TECH_AGENT_ID, priority: 4, life: closed(2, 22, true) },
    Row { summary: "Shop Wi-Fi slow at weekends", details: "Customer and staff Wi-Fi in the store is very slow on Saturdays.", tickettype: INC, user: 8, agent: SECOND_LINE_AGENT_ID, priority: 3, life: open(60.0, STATUS_IN_PROGRESS, true) },
    Row { summary: "Microsoft 365 licence renewal quote", details: "Zoe asked for a renewal quote for 25 Microsoft 365 Business Premium licences.", tickettype: TICKETTYPE_OPPORTUNITY, user: 8, agent: SALES_AGENT_ID, priority: 4, life: closed(3, 1, true) },
];

pub const FIRST_TICKET_ID: i64 = 1001;

pub fn add_tickets(data: &mut Data, now: DateTime<Utc>) {
    for (row, id) in ROWS.iter().zip(FIRST_TICKET_ID..) {
        add_one(data, now, row, id);
    }
    data.next_ticket_id = FIRST_TICKET_ID + ROWS.len() as i64;
    add_suggestions(data);
}

fn add_one(data: &mut Data, now: DateTime<Utc>, row: &Row, id: i64) {
    let Some(user) = data.user(row.user).cloned() else {
        return;
    };
    let Some(prio) = data.priority(row.priority).cloned() else {
        return;
    };
    let agent = data.agent(row.agent).cloned();
    let (occurred, status, responded_at, closed_at) = match row.life {
        Life::Open {
            hours_ago,
            status,
            responded,
        } => {
            let occurred = now - hours(hours_ago);
            let responded_at =
                responded.then(|| occurred + hours((prio.responsetime * 0.5).min(hours_ago * 0.5)));
            (occurred, status, responded_at, None)
        }
        Life::Closed {
            months_back,
            day,
            met,
        } => {
            let occurred = if months_back == 0 {
                now - hours(prio.fixtime + 12.0)
            } else {
                month_start(now, months_back) + Duration::days(day) + Duration::hours(9)
            };
            let closed_at = if met {
                occurred + hours(prio.fixtime * 0.5)
            } else {
                occurred + hours(prio.fixtime + 6.0)
            };
            let status = if months_back == 0 {
                STATUS_RESOLVED
            } else {
                STATUS_CLOSED
            };
            let responded_at = occurred + hours(prio.responsetime * 0.5);
            (occurred, status, Some(responded_at), Some(closed_at))
        }
    };
    let team = agent
        .as_ref()
        .map(|a| a.team.clone())
        .unwrap_or_else(|| "Service Desk".into());
    let mut ticket = Ticket {
        id,
        summary: row.summary.into(),
        details: format!("<p>{}</p>", row.details),
        tickettype_id: row.tickettype,
        status_id: status,
        priority_id: prio.priorityid,
        client_id: user.client_id,
        site_id: user.site_id,
        user_id: user.id,
        agent_id: row.agent,
        team,
        category_1: String::new(),
        service_id: None,
        dateoccurred: occurred,
        lastactiondate: occurred,
        respondbydate: occurred + hours(prio.responsetime),
        fixbydate: occurred + hours(prio.fixtime),
        responsedate: responded_at,
        dateclosed: closed_at,
        timetaken: 0.0,
        customfields: Vec::new(),
        ai_suggestions: Vec::new(),
        extra: extra(
            row,
            id,
            status,
            occurred,
            closed_at.is_some(),
            user.client_id,
        ),
    };
    ticket.category_1 = category(row).into();
    let mut actions = vec![Action {
        id: 1,
        ticket_id: id,
        outcome_id: OUTCOME_TICKET_LOGGED,
        outcome: "Ticket Logged".into(),
        who: user.name.clone(),
        who_agentid: 0,
        who_type: 2,
        datetime: occurred,
        note: row.details.into(),
        note_html: format!("<p>{}</p>", row.details),
        hiddenfromuser: false,
        important: false,
        timetaken: 0.0,
        new_status: STATUS_NEW,
        new_agent: 0,
        new_team: String::new(),
        sendemail: false,
        emailto: String::new(),
        system: true,
    }];
    if let (Some(at), Some(agent)) = (responded_at, agent.as_ref()) {
        let note = format!(
            "Hi {}, thanks for getting in touch. I'm looking into this now.",
            user.firstname
        );
        actions.push(agent_action(
            id,
            2,
            agent,
            OUTCOME_EMAIL_USER,
            "Email User",
            at,
            &note,
            0.25,
            false,
        ));
    }
    if let (Some(at), Some(agent)) = (closed_at, agent.as_ref()) {
        let next = actions.len() as i64 + 1;
        let mut resolve = agent_action(
            id,
            next,
            agent,
            OUTCOME_RESOLVE,
            "Resolve",
            at,
            "Resolved: the fix has been applied and confirmed with the user.",
            0.75,
            false,
        );
        resolve.new_status = status;
        actions.push(resolve);
    }
    ticket.timetaken = actions.iter().map(|a| a.timetaken).sum();
    ticket.lastactiondate = actions.iter().map(|a| a.datetime).max().unwrap_or(occurred);
    data.tickets.push(ticket);
    data.actions.extend(actions);
}

/// The demo ticket's category, from what it is about.
fn category(row: &Row) -> &'static str {
    let s = row.summary.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| s.contains(w));
    if row.tickettype == TICKETTYPE_OPPORTUNITY {
        "Sales"
    } else if has(&["password", "mailbox", "licence", "training", "user to"]) {
        "Accounts and Access"
    } else if has(&["vpn", "wi-fi", "switch", "phones", "gateway", "network"]) {
        "Network"
    } else if has(&["laptop", "printer", "server", "scanner", "pc", "handset"]) {
        "Hardware"
    } else {
        "Software"
    }
}

/// Assets the demo tickets are about (ticket id, asset ids).
const TICKET_ASSETS: &[(i64, &[i64])] = &[
    (1001, &[super::demo_assets::BEN_LAPTOP_ASSET_ID]),
    (1006, &[super::demo_assets::ACORN_FS01_ASSET_ID]),
    (1009, &[5]),
    (1011, &[8]),
    (1014, &[6]),
    (1019, &[9]),
];

/// The fields beyond the core ones: SLA, impact/urgency, hold, flags, targets, attachments.
fn extra(
    row: &Row,
    id: i64,
    status: i64,
    occurred: DateTime<Utc>,
    closed: bool,
    client: i64,
) -> TicketExtra {
    // Opportunities run without an SLA, so their SLA dates are unset (Halo's sentinel).
    let excludefromsla = row.tickettype == TICKETTYPE_OPPORTUNITY;
    let sla_id = match (excludefromsla, client) {
        (true, _) => 0,
        (false, ACORN_CLIENT_ID) => SLA_PREMIUM_ID,
        (false, _) => SLA_STANDARD_ID,
    };
    let (impact, urgency) = match row.priority {
        1 => (1, 1),
        2 => (1, 2),
        3 => (2, 2),
        _ => (3, 3),
    };
    TicketExtra {
        category_2: String::new(),
        category_3: String::new(),
        category_4: String::new(),
        impact,
        urgency,
        onhold: status == STATUS_ON_HOLD,
        flagged: row.priority == 1 && !closed,
        excludefromsla,
        sla_id,
        targetdate: (row.tickettype == SR && !closed).then(|| occurred + Duration::days(5)),
        deadlinedate: (row.tickettype == TICKETTYPE_CHANGE).then(|| occurred + Duration::days(7)),
        asset_ids: TICKET_ASSETS
            .iter()
            .find(|(t, _)| *t == id)
            .map(|(_, a)| a.to_vec())
            .unwrap_or_default(),
        attachment_count: match id {
            1004 => 2,
            1012 => 1,
            _ => 0,
        },
        hasbeenclosed: closed,
    }
}

#[allow(clippy::too_many_arguments)]
fn agent_action(
    ticket_id: i64,
    id: i64,
    agent: &Agent,
    outcome_id: i64,
    outcome: &str,
    at: DateTime<Utc>,
    note: &str,
    timetaken: f64,
    hidden: bool,
) -> Action {
    Action {
        id,
        ticket_id,
        outcome_id,
        outcome: outcome.into(),
        who: agent.name.clone(),
        who_agentid: agent.id,
        who_type: 1,
        datetime: at,
        note: note.into(),
        note_html: format!("<p>{note}</p>"),
        hiddenfromuser: hidden,
        important: false,
        timetaken,
        new_status: 0,
        new_agent: 0,
        new_team: String::new(),
        sendemail: !hidden,
        emailto: String::new(),
        system: false,
    }
}

/// (ticket, suggestion rule id, type, new value, summary); type 1 priority, 2 ticket type,
/// 3 team, 4 agent, 5 status.
const SUGGESTIONS: &[(i64, i64, i64, &str, &str)] = &[
    (
        1004,
        101,
        4,
        "2",
        "Assign to Sam Taylor, who resolved similar printer tickets",
    ),
    (
        1004,
        102,
        1,
        "4",
        "Lower the priority to P4 - Low: one printer, workaround available",
    ),
    (
        1011,
        103,
        2,
        "3",
        "Convert to a Problem: recurring Wi-Fi drops across the warehouse",
    ),
    (
        1020,
        104,
        1,
        "1",
        "Raise the priority to P1 - Critical: a clinical system is affected",
    ),
    (
        1012,
        105,
        3,
        "Second Line",
        "Route to the Second Line team: environmental alert on server room",
    ),
];

fn add_suggestions(data: &mut Data) {
    let mut next = 1;
    for &(ticket_id, rule, ty, value, summary) in SUGGESTIONS {
        if let Some(t) = data.ticket_mut(ticket_id) {
            t.ai_suggestions.push(AiSuggestion {
                id: next,
                suggestion_id: rule,
                ticket_id,
                summary: summary.into(),
                r#type: ty,
                new_value: value.into(),
                applied: false,
                applied_date: None,
            });
            next += 1;
        }
    }
    data.next_suggestion_id = next;
}
