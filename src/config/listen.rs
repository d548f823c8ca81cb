//! Where the server listens, the URL it is reached at, and the Host and Origin headers it
//! accepts on /mcp.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use url::Url;

use super::setting::{Fallback, Setting};
use super::{ConfigError, Env, config_error, require_https_unless_loopback};

pub const FUNCTIONS_CUSTOMHANDLER_PORT: Setting = Setting::platform(
    "FUNCTIONS_CUSTOMHANDLER_PORT",
    "Port the Azure Functions host asks the handler to listen on (127.0.0.1).",
);
pub const PORT: Setting = Setting::local_only(
    "PORT",
    Fallback::Number(8080),
    "Port to listen on when not under Azure Functions.",
);
pub const BIND_ADDRESS: Setting = Setting::local_only(
    "BIND_ADDRESS",
    Fallback::Text("127.0.0.1"),
    "Address to bind when not under Azure Functions.",
);
pub const WEBSITE_HOSTNAME: Setting = Setting::platform(
    "WEBSITE_HOSTNAME",
    "Public host name of the function app; added to the Host allow-list and used as the public URL.",
);
pub const PUBLIC_URL: Setting = Setting::operator(
    "PUBLIC_URL",
    Fallback::Derived("https://$WEBSITE_HOSTNAME, else http://<bind address>:<port>"),
    "Public base URL of this server (used in OAuth metadata and the printed MCP URL).",
);
pub const MCP_ALLOWED_HOSTS: Setting = Setting::operator(
    "MCP_ALLOWED_HOSTS",
    Fallback::Text("localhost,127.0.0.1,::1"),
    "Comma-separated Host header values accepted on /mcp (host or host:port). WEBSITE_HOSTNAME is always added.",
);
pub const MCP_ALLOWED_ORIGINS: Setting = Setting::operator(
    "MCP_ALLOWED_ORIGINS",
    Fallback::Derived("(none)"),
    "Comma-separated browser origins allowed to call /mcp; a request with any other Origin header gets 403.",
);

/// The listening part of [`super::Config`].
pub struct Listen {
    pub listen: SocketAddr,
    pub under_functions_host: bool,
    /// WEBSITE_HOSTNAME names a host on Azure (not `func start` on a developer machine).
    pub on_azure: bool,
    pub public_url: Url,
    pub allowed_hosts: Vec<String>,
    pub allowed_origins: Vec<String>,
}

impl Listen {
    pub fn load(env: &Env) -> Result<Listen, ConfigError> {
        let functions_port = env.value::<u16>(&FUNCTIONS_CUSTOMHANDLER_PORT)?;
        let under_functions_host = functions_port.is_some();
        let port = match functions_port {
            Some(port) => port,
            None => env.required::<u16>(&PORT)?,
        };
        let bind_ip: IpAddr = if under_functions_host {
            // The host proxies to localhost; binding wider would expose the handler needlessly.
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            env.required::<IpAddr>(&BIND_ADDRESS)?
        };
        let listen = SocketAddr::new(bind_ip, port);

        let website_hostname = env.get(&WEBSITE_HOSTNAME);
        // Azure Functions Core Tools (`func start`) sets WEBSITE_HOSTNAME=localhost:7071 on a
        // developer machine; only a non-loopback host name means the app is on Azure.
        let local_website = website_hostname.as_deref().is_some_and(is_loopback_host);
        let on_azure = website_hostname.is_some() && !local_website;
        let public_url = match env.url(&PUBLIC_URL)? {
            Some(url) => url,
            None => match &website_hostname {
                Some(host) => {
                    let scheme = if local_website { "http" } else { "https" };
                    Url::parse(&format!("{scheme}://{host}")).map_err(|e| {
                        config_error(
                            WEBSITE_HOSTNAME.name,
                            format!("'{host}' is not a host name: {e}"),
                        )
                    })?
                }
                None => {
                    let host = match bind_ip {
                        IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_string(),
                        IpAddr::V4(ip) => ip.to_string(),
                        IpAddr::V6(ip) => format!("[{ip}]"),
                    };
                    Url::parse(&format!("http://{host}:{port}"))
                        .map_err(|e| config_error(BIND_ADDRESS.name, e.to_string()))?
                }
            },
        };
        require_https_unless_loopback(PUBLIC_URL.name, &public_url)?;

        let mut allowed_hosts = env.list(&MCP_ALLOWED_HOSTS);
        if let Some(host) = &website_hostname {
            allowed_hosts.push(host.clone());
        }
        if let Some(host) = public_url.host_str() {
            allowed_hosts.push(host.trim_matches(['[', ']']).to_string());
        }
        allowed_hosts.sort();
        allowed_hosts.dedup();

        let allowed_origins = env.list(&MCP_ALLOWED_ORIGINS);
        for origin in &allowed_origins {
            Url::parse(origin).map_err(|e| {
                config_error(
                    MCP_ALLOWED_ORIGINS.name,
                    format!("'{origin}' is not an origin: {e}"),
                )
            })?;
        }
        Ok(Listen {
            listen,
            under_functions_host,
            on_azure,
            public_url,
            allowed_hosts,
            allowed_origins,
        })
    }
}

/// `localhost`, `127.0.0.1` or `[::1]`, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':')
            .map_or(host.as_str(), |(name, _)| name)
    };
    name == "localhost" || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}
