//! The safety rule: this tool only ever sends load to the local machine.
//!
//! `--url` must be `http://` with the host spelled `127.0.0.1`, `localhost` or `[::1]`, no user info,
//! query or fragment. `localhost` is additionally resolved and every address it resolves to must be a
//! loopback address. The HTTP client is built without proxies and without following redirects, so a
//! request cannot be bounced off the machine either (see `run::client`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, ToSocketAddrs};

use url::{Host, Url};

/// A base URL that passed the loopback check. Paths are joined onto it with [`Target::endpoint`].
#[derive(Debug, Clone)]
pub struct Target {
    base: Url,
}

impl Target {
    /// Parses and checks `--url`. Does not resolve names; see [`Target::verify_resolution`].
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url = Url::parse(raw.trim()).map_err(|e| format!("--url {raw:?} is not a URL: {e}"))?;
        if url.scheme() != "http" {
            return Err(format!("--url {raw:?}: only http:// is supported (load goes to loopback, no TLS needed)"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!("--url {raw:?}: user info is not allowed"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(format!("--url {raw:?}: query and fragment are not allowed"));
        }
        match url.host() {
            Some(Host::Ipv4(ip)) if ip == Ipv4Addr::LOCALHOST => {}
            Some(Host::Ipv6(ip)) if ip == Ipv6Addr::LOCALHOST => {}
            Some(Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") => {}
            Some(other) => {
                return Err(format!(
                    "--url {raw:?}: host {other} is not loopback; this tool only sends load to \
                     127.0.0.1, localhost or [::1]"
                ));
            }
            None => return Err(format!("--url {raw:?} has no host")),
        }
        Ok(Self { base: url })
    }

    /// For `localhost`, checks that every address the name resolves to is a loopback address.
    pub fn verify_resolution(&self) -> Result<(), String> {
        let Some(Host::Domain(name)) = self.base.host() else {
            return Ok(());
        };
        let port = self.base.port_or_known_default().unwrap_or(80);
        let addrs: Vec<IpAddr> = (name, port)
            .to_socket_addrs()
            .map_err(|e| format!("cannot resolve {name}: {e}"))?
            .map(|a| a.ip())
            .collect();
        if addrs.is_empty() {
            return Err(format!("{name} resolves to no address"));
        }
        if let Some(bad) = addrs.iter().find(|ip| !ip.is_loopback()) {
            return Err(format!("{name} resolves to {bad}, which is not loopback; refusing"));
        }
        Ok(())
    }

    /// `path` must start with `/`; it is appended to the base path (a trailing `/` is dropped).
    pub fn endpoint(&self, path_and_query: &str) -> String {
        let s = self.base.as_str().trim_end_matches('/');
        format!("{s}{path_and_query}")
    }

    /// The base URL as given (normalised), for reports. Never contains credentials.
    pub fn display(&self) -> String {
        self.base.as_str().trim_end_matches('/').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_three_loopback_spellings() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/",
            "http://localhost:3000",
            "http://LOCALHOST:3000",
            "http://[::1]:9000",
            "http://127.0.0.1",
            " http://127.0.0.1:1/prefix/ ",
        ] {
            assert!(Target::parse(ok).is_ok(), "{ok} should be accepted");
        }
    }

    #[test]
    fn refuses_anything_not_loopback() {
        for bad in [
            "http://10.0.0.1:8080",
            "http://192.168.1.5",
            "http://0.0.0.0:8080",
            "http://127.0.0.2:8080",
            "http://example.com",
            "http://localhost.example.com",
            "http://localhost.:8080",
            "http://[::]:8080",
            "http://[::ffff:7f00:1]:8080",
            "http://[2001:db8::1]",
            "https://127.0.0.1:8443",
            "ftp://127.0.0.1",
            "http://user:pw@127.0.0.1:8080",
            "http://127.0.0.1:8080/?x=1",
            "http://127.0.0.1:8080/#frag",
            "127.0.0.1:8080",
            "",
            "file:///etc/passwd",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn numeric_tricks_normalise_to_loopback_or_are_refused() {
        // The URL parser normalises these IPv4 spellings to 127.0.0.1, which is loopback: fine.
        assert!(Target::parse("http://127.1:8080").is_ok());
        assert!(Target::parse("http://0x7f000001:8080").is_ok());
        // ...and this one to 10.0.0.1, which is not.
        assert!(Target::parse("http://0xa000001:8080").is_err());
        // A userinfo trick that points elsewhere is refused on the host.
        assert!(Target::parse("http://127.0.0.1@evil.example:80").is_err());
    }

    #[test]
    fn endpoint_joins_paths_without_double_slashes() {
        let t = Target::parse("http://127.0.0.1:8080/").expect("valid");
        assert_eq!(t.endpoint("/healthz"), "http://127.0.0.1:8080/healthz");
        let t = Target::parse("http://127.0.0.1:8080/base").expect("valid");
        assert_eq!(t.endpoint("/api/v1/inbound"), "http://127.0.0.1:8080/base/api/v1/inbound");
        assert_eq!(t.display(), "http://127.0.0.1:8080/base");
    }

    #[test]
    fn literal_addresses_need_no_resolution() {
        let t = Target::parse("http://127.0.0.1:1").expect("valid");
        assert!(t.verify_resolution().is_ok());
    }
}
