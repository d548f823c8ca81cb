//! The demo knowledge base: ten short articles, several linked to demo tickets so
//! `related_to_ticket` and the AI article matches have something to find.

use chrono::{DateTime, Duration, Utc};

use super::model::KbArticle;

/// (title, description, resolution, tags, related ticket ids).
type ArticleRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [i64],
);

pub fn articles(now: DateTime<Utc>) -> Vec<KbArticle> {
    let rows: &[ArticleRow] = &[
        (
            "Outlook keeps prompting for a password",
            "Outlook repeatedly asks for the password, usually after a password or MFA change, because cached credentials are stale.",
            "Remove the saved Outlook credentials from Windows Credential Manager, restart Outlook and sign in with modern authentication. If the prompt returns, recreate the Outlook profile.",
            &["outlook", "password", "mfa", "email"],
            &[1001, 1007],
        ),
        (
            "Connecting to the company VPN",
            "How to install and connect the VPN client from a site office or home, and what to check when the VPN disconnects.",
            "Install the VPN client from the portal, sign in with your work account, and keep the laptop on mains power. Hourly disconnects are usually an idle timeout: update the client to the latest version.",
            &["vpn", "remote", "network"],
            &[1002, 1015],
        ),
        (
            "Clearing a printer paper jam",
            "Step-by-step guide to clearing paper jams on the office multifunction printers, and when a printer needs an engineer.",
            "Open tray 2 and the rear door, remove the jammed paper gently, check the rollers. Repeated jams or an offline printer need an engineer visit: log an incident.",
            &["printer", "jam", "hardware"],
            &[1004, 1024],
        ),
        (
            "Fixing a failed backup job",
            "What a failed Managed Backup job alert means and how the service desk re-runs and verifies the backup.",
            "Check the backup console for the failing server, free disk space on the backup target, re-run the job and verify a test restore.",
            &["backup", "server", "managed backup"],
            &[1006, 1014],
        ),
        (
            "Troubleshooting Wi-Fi drops on warehouse scanners",
            "Handheld scanners and shop devices lose Wi-Fi when roaming between access points or when the channel is congested.",
            "Enable fast roaming on the wireless controller, move scanners to the 5 GHz SSID and check access point firmware. Recurring outages should be raised as a Problem.",
            &["wifi", "wireless", "scanner", "network"],
            &[1011, 1016, 1029],
        ),
        (
            "Requesting a Microsoft 365 licence",
            "How to request a new or upgraded Microsoft 365 licence (E3, E5, Business Premium) for a member of staff.",
            "Raise a Service Request from the Microsoft 365 Licensing service with the user's name and the licence needed; approval comes from your account manager.",
            &["microsoft 365", "licence", "license", "office"],
            &[1013, 1030],
        ),
        (
            "What to do when you get a malware alert",
            "Endpoint Security raised a malware alert on your PC: what happens next and what you should and should not do.",
            "Disconnect the PC from the network, do not turn it off, and call the service desk. The technician isolates the device, runs a full scan and re-images if needed.",
            &["security", "malware", "endpoint security", "antivirus"],
            &[1019, 1023],
        ),
        (
            "Resetting your password",
            "How end users reset a forgotten password with self-service, and how the service desk resets shared or reception accounts.",
            "Use the self-service password reset page with your registered phone. Shared accounts are reset by the service desk after verifying the requester.",
            &["password", "reset", "account"],
            &[1022],
        ),
        (
            "Mailbox full: archiving and quotas",
            "Your mailbox is full and you cannot send email: how to archive old mail and when to ask for a bigger quota.",
            "Enable online archiving, empty Deleted Items, and move large attachments to OneDrive. Ask the service desk for an archive policy if the mailbox refills quickly.",
            &["email", "mailbox", "outlook", "quota"],
            &[1008],
        ),
        (
            "Setting up a new VoIP handset",
            "Plug-in and first sign-in steps for a new VoIP Telephony desk phone or softphone.",
            "Connect the handset to a data port with PoE, wait for provisioning, then sign in with your extension and PIN. Dropped calls usually mean a QoS problem on the network.",
            &["voip", "phone", "telephony"],
            &[1009, 1028],
        ),
    ];
    rows.iter()
        .zip(1..)
        .map(|(&(name, description, resolution, tags, related), id)| {
            let created = now - Duration::days(400 - id * 23);
            KbArticle {
                id,
                name: name.into(),
                description_html: format!("<p>{description}</p>"),
                resolution_html: format!("<p>{resolution}</p>"),
                r#type: 0,
                tags: tags.iter().map(|t| t.to_string()).collect(),
                view_count: 40 + id * 17 % 90,
                useful_count: 5 + id * 7 % 20,
                notuseful_count: id % 3,
                date_created: created,
                date_edited: created + Duration::days(30),
                creator_name: if id % 2 == 0 {
                    "Priya Shah".into()
                } else {
                    "Sam Taylor".into()
                },
                related_ticket_ids: related.to_vec(),
                inactive: false,
            }
        })
        .collect()
}
