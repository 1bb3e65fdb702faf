//! `--basemap-style URL`: a hosted MapLibre style (a commercial or a city basemap) to draw
//! under our layers. The page fetches and merges it (`web-viewer/src/hosted-style.js`); the
//! server checks the URL at start-up, names it in `/style.json`'s metadata, and lets exactly
//! its origin through the page's Content-Security-Policy.

use axum::http::Uri;

/// A hosted style's URL and the origin the page may fetch from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedStyle {
    /// The style's URL, as given.
    pub url: String,
    /// `scheme://host[:port]`, for the Content-Security-Policy.
    pub origin: String,
}

impl HostedStyle {
    /// Accepts an absolute `http` or `https` URL; anything else is refused with the reason.
    pub fn parse(url: &str) -> Result<HostedStyle, String> {
        let uri: Uri = url.parse().map_err(|e| format!("{url:?} is not a URL: {e}"))?;
        let scheme = uri.scheme_str().unwrap_or_default();
        if scheme != "http" && scheme != "https" {
            return Err(format!("{url:?} must be an absolute http:// or https:// URL of a MapLibre style"));
        }
        let authority = uri.authority().ok_or_else(|| format!("{url:?} names no host"))?;
        // Only the origin goes into the policy: a quote, a space, a semicolon or a comma there
        // would break it or add to it, and `*` would widen it to a wildcard.
        if authority.as_str().contains(['@', '\'', ';', ' ', ',', '*']) {
            return Err(format!("{url:?} has a host the page's security policy cannot name"));
        }
        Ok(HostedStyle { url: url.to_string(), origin: format!("{scheme}://{authority}") })
    }
}

#[cfg(test)]
mod tests {
    use super::HostedStyle;

    #[test]
    fn the_origin_is_scheme_host_and_port() {
        let style = HostedStyle::parse("https://maps.example.vn:8443/styles/light.json?key=1").unwrap();
        assert_eq!(style.origin, "https://maps.example.vn:8443");
        assert_eq!(HostedStyle::parse("http://127.0.0.1:9000/style.json").unwrap().origin, "http://127.0.0.1:9000");
    }

    #[test]
    fn only_absolute_web_urls_are_taken() {
        for bad in ["/style.json", "style.json", "file:///etc/style.json", "ftp://x/style.json", "https://u:p@x/s.json"]
        {
            assert!(HostedStyle::parse(bad).is_err(), "{bad}");
        }
    }
}
