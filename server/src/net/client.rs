//! Who a request comes from, for the per-client limits (connections, sign-in failures,
//! residents' reports).
//!
//! The client is the connection's peer, unless the peer is a proxy the operator trusts
//! (`--trusted-proxy CIDR`): only then may the header that proxy writes name the client,
//! `X-Forwarded-For` by default or `Forwarded` (RFC 7239) with `--trusted-proxy-header
//! forwarded`. Only that one header is read: a proxy that appends to one passes the other
//! through from the client, who could write any address there and dodge every limit. Behind
//! a chain of trusted proxies the client is the last address in the list that is not itself
//! a trusted proxy.
//!
//! Limits count clients by [`ClientKey`]: an IPv4 address, or an IPv6 /64 (one subscriber's
//! network; a single host can use any of its 2^64 addresses).

use std::net::{IpAddr, Ipv6Addr};

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The client a request comes from, put on each request by the server loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    /// The key the per-client limits count by.
    pub fn key(self) -> ClientKey {
        ClientKey::of(self.0)
    }
}

/// What per-client limits count by: an IPv4 address or an IPv6 /64.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientKey(IpAddr);

impl ClientKey {
    /// The key of `address` (an IPv4-mapped IPv6 address counts as its IPv4 address).
    pub fn of(address: IpAddr) -> ClientKey {
        match address {
            IpAddr::V4(v4) => ClientKey(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientKey(IpAddr::V4(v4)),
                None => {
                    let network = u128::from(v6) & !((1u128 << 64) - 1);
                    ClientKey(IpAddr::V6(Ipv6Addr::from(network)))
                }
            },
        }
    }
}

impl std::fmt::Display for ClientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
        }
    }
}

/// The header trusted proxies write the client into unless told otherwise.
pub const DEFAULT_PROXY_HEADER: &str = "x-forwarded-for";

/// Which header the trusted proxies write the client's address into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClientHeader {
    /// `X-Forwarded-For` (nginx, HAProxy, most load balancers).
    #[default]
    XForwardedFor,
    /// `Forwarded: for=…` (RFC 7239).
    Forwarded,
}

impl ClientHeader {
    /// Parses `--trusted-proxy-header`.
    pub fn parse(value: &str) -> Result<ClientHeader, String> {
        match value.trim().to_ascii_lowercase().as_str() {
            DEFAULT_PROXY_HEADER => Ok(ClientHeader::XForwardedFor),
            "forwarded" => Ok(ClientHeader::Forwarded),
            other => Err(format!("{other:?}: must be x-forwarded-for or forwarded")),
        }
    }
}

/// The proxies allowed to say who the client is, and the header they write it in.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies {
    nets: Vec<IpNet>,
    header: ClientHeader,
}

impl TrustedProxies {
    /// Parses `--trusted-proxy` values: CIDRs (`10.0.0.0/8`) or single addresses.
    pub fn parse(values: &[String], header: ClientHeader) -> Result<TrustedProxies, String> {
        let mut nets = Vec::with_capacity(values.len());
        for value in values {
            let value = value.trim();
            let net = value
                .parse::<IpNet>()
                .or_else(|_| value.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{value:?} is not an address or a CIDR such as 10.0.0.0/8"))?;
            nets.push(net);
        }
        Ok(TrustedProxies { nets, header })
    }

    /// Whether `address` is a trusted proxy.
    pub fn trusts(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.nets.iter().any(|net| net.contains(&address))
    }

    /// The client of a request that arrived from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> ClientAddr {
        if !self.trusts(peer) {
            return ClientAddr(peer.to_canonical());
        }
        // The proxies append, so the nearest hop is last: walk back past our own proxies.
        let hops = forwarded_for(headers, self.header);
        let client = hops.iter().rev().copied().find(|hop| !self.trusts(*hop));
        // All hops trusted (or none given): the first hop is as far as anyone can say.
        ClientAddr(client.or_else(|| hops.first().copied()).unwrap_or(peer).to_canonical())
    }
}

/// The addresses a request passed through, first (the original client) to last, from the
/// proxies' header. Unreadable entries (`unknown`, obfuscated identifiers) are skipped.
fn forwarded_for(headers: &HeaderMap, header: ClientHeader) -> Vec<IpAddr> {
    if header == ClientHeader::Forwarded {
        return headers
            .get_all("forwarded")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (name, value) = pair.trim().split_once('=')?;
                    name.trim().eq_ignore_ascii_case("for").then(|| node_address(value.trim()))?
                })
            })
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|entry| node_address(entry.trim()))
        .collect()
}

/// An address from a `Forwarded` node (`192.0.2.1`, `"[2001:db8::1]:4711"`, `"192.0.2.1:80"`)
/// or an `X-Forwarded-For` entry.
fn node_address(node: &str) -> Option<IpAddr> {
    let node = node.trim_matches('"');
    if let Ok(address) = node.parse::<IpAddr>() {
        return Some(address);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    let (host, port) = node.rsplit_once(':')?;
    port.bytes().all(|b| b.is_ascii_digit()).then(|| host.parse().ok())?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_cannot_name_another_client() {
        let proxies = TrustedProxies::parse(&["10.0.0.0/8".into()], ClientHeader::XForwardedFor).unwrap();
        let spoofed = headers(&[("x-forwarded-for", "203.0.113.9"), ("forwarded", "for=203.0.113.9")]);
        assert_eq!(proxies.client(ip("198.51.100.7"), &spoofed), ClientAddr(ip("198.51.100.7")));
        assert_eq!(TrustedProxies::default().client(ip("10.1.2.3"), &spoofed), ClientAddr(ip("10.1.2.3")));
    }

    #[test]
    fn a_trusted_proxy_names_the_client_nearest_it() {
        let nets = ["10.0.0.0/8".to_string(), "192.0.2.5".to_string()];
        let proxies = TrustedProxies::parse(&nets, ClientHeader::XForwardedFor).unwrap();
        // A client sent its own made-up X-Forwarded-For; the proxy appended the real one.
        let chain = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7, 192.0.2.5")]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &chain), ClientAddr(ip("198.51.100.7")));
        assert_eq!(proxies.client(ip("10.0.0.1"), &headers(&[])), ClientAddr(ip("10.0.0.1")));
        // The client's own Forwarded, passed through by an X-Forwarded-For proxy, is not read.
        let both = headers(&[("forwarded", "for=203.0.113.9"), ("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &both), ClientAddr(ip("198.51.100.7")));

        let rfc7239 = TrustedProxies::parse(&nets, ClientHeader::Forwarded).unwrap();
        let forwarded = headers(&[("forwarded", "for=\"[2001:db8::1]:4711\";proto=https, for=10.0.0.2")]);
        assert_eq!(rfc7239.client(ip("10.0.0.1"), &forwarded), ClientAddr(ip("2001:db8::1")));
        let unknown = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(rfc7239.client(ip("10.0.0.1"), &unknown), ClientAddr(ip("10.0.0.1")));
        assert_eq!(rfc7239.client(ip("10.0.0.1"), &both), ClientAddr(ip("203.0.113.9")));
    }

    #[test]
    fn ipv6_clients_count_by_their_64() {
        assert_eq!(ClientKey::of(ip("2001:db8:1:2:aaaa::1")), ClientKey::of(ip("2001:db8:1:2:ffff::9")));
        assert_ne!(ClientKey::of(ip("2001:db8:1:2::1")), ClientKey::of(ip("2001:db8:1:3::1")));
        assert_eq!(ClientKey::of(ip("::ffff:192.0.2.1")), ClientKey::of(ip("192.0.2.1")));
        assert_eq!(ClientKey::of(ip("2001:db8:1:2::1")).to_string(), "2001:db8:1:2::/64");
    }

    #[test]
    fn bad_cidrs_are_refused() {
        assert!(TrustedProxies::parse(&["10.0.0.0/33".into()], ClientHeader::default()).is_err());
        assert!(TrustedProxies::parse(&["proxy.example".into()], ClientHeader::default()).is_err());
        assert!(ClientHeader::parse("X-Real-IP").is_err());
        assert_eq!(ClientHeader::parse("Forwarded"), Ok(ClientHeader::Forwarded));
    }
}
