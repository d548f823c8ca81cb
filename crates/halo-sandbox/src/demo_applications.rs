//! The demo tenant's API applications and agent sign-ins as values a running sandbox hands to its
//! host ([`Sandbox::demo_applications`]), so a host can call the sandbox and tell people how to
//! sign in without importing the demo data's constants.

use super::demo;
use super::server::Sandbox;

/// A registered API application's credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoApplication {
    pub client_id: String,
    pub client_secret: String,
}

/// A demo agent's sign-in on the sandbox's sign-in page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSignIn {
    pub login: String,
    pub password: String,
    /// Who the agent is and what it may do, in words.
    pub role: String,
}

/// The applications registered in the demo tenant, and the agents who can sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoApplications {
    /// "Client ID and Secret (Services)": every call runs as the "API Agent".
    pub services: DemoApplication,
    /// "Authorisation Code" with agent logins: calls run as the agent who signs in.
    pub sign_in: DemoApplication,
    pub sign_ins: Vec<DemoSignIn>,
}

impl Sandbox {
    /// The demo applications this sandbox has registered.
    pub fn demo_applications(&self) -> DemoApplications {
        let application = |client_id: &str, client_secret: &str| DemoApplication {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        };
        DemoApplications {
            services: application(demo::SERVICE_CLIENT_ID, demo::SERVICE_CLIENT_SECRET),
            sign_in: application(demo::AUTH_CLIENT_ID, demo::AUTH_CLIENT_SECRET),
            sign_ins: demo::DEMO_SIGN_INS
                .iter()
                .map(|(login, password, role)| DemoSignIn {
                    login: (*login).into(),
                    password: (*password).into(),
                    role: (*role).into(),
                })
                .collect(),
        }
    }
}
