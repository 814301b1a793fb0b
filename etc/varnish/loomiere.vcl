# /etc/varnish/loomiere.vcl: a Varnish 7 cache tier (Debian's `varnish`) in front of
# several Loomiere origins. Start it, e.g. with Debian's unit and this file as its -f:
#   varnishd -a :80 -f /etc/varnish/loomiere.vcl -s malloc,4G
#
# - URLs are spread over the origins by a hash of the URL (the directors vmod's
#   hash director), so each film's cuts and segments live on one origin's page
#   cache and in one copy here.
# - Cached: `?start=` cuts, whole files, HLS/DASH playlists, init and media
#   segments, images: every 200 of GET. A Range request is answered from the cached
#   whole object (Varnish fetches the whole answer on a miss, without the Range).
# - Cache-Control and ETag pass through unchanged; the TTL is the origin's
#   `Cache-Control: max-age` (`segment_cache_control` for segments), else
#   `default_ttl` below. Expired objects are kept for a day and revalidated with
#   If-None-Match (a 304 from the origin renews them without a body).
# - Never cached: a 5xx, a 206 or any answer that is not a whole body (a fetch whose
#   body ends short of its Content-Length fails, and Varnish keeps nothing of it).
# - Throttling: the origins must not throttle this cache's fetches (set
#   `throttle_exempt` to this host's addresses in their stream.conf), or a cached copy
#   fills at the pace of one viewer. Varnish itself does not throttle, so viewers
#   behind it get films at full speed; a site that needs the throttle for
#   pseudo-streams can `return (pass)` for `?start=` URLs instead (see vcl_recv)
#   and keep caching segments, which players pace themselves.
# - CORS: with `cors_origins` as a list the origins answer `Vary: Origin`, and
#   Varnish keeps one copy per page origin (with `*` there is one copy).

vcl 4.1;

import directors;

# One line per origin: Loomiere under tcpsvd. Timeouts allow a slow origin disk; a
# throttle-exempt fetch of a film takes seconds.
backend origin1 { .host = "10.0.0.11"; .port = "80"; .connect_timeout = 2s; .first_byte_timeout = 30s; .between_bytes_timeout = 30s; }
backend origin2 { .host = "10.0.0.12"; .port = "80"; .connect_timeout = 2s; .first_byte_timeout = 30s; .between_bytes_timeout = 30s; }

sub vcl_init {
    new origins = directors.hash();
    origins.add_backend(origin1, 1.0);
    origins.add_backend(origin2, 1.0);
}

sub vcl_recv {
    set req.backend_hint = origins.backend(req.url);
    if (req.method == "OPTIONS") {
        # CORS preflights: tiny, and they vary with request fields we do not hash.
        return (pass);
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (synth(405));
    }
    # Media URLs carry no cookies or credentials worth keying on.
    unset req.http.Cookie;
    unset req.http.Authorization;
    # To keep the throttle on pseudo-streams, pass them instead of caching:
    # if (req.url ~ "[?&]start=") { return (pass); }
    return (hash);
}

sub vcl_backend_fetch {
    # A miss fetches the whole object (Varnish strips Range); keep it that way.
    unset bereq.http.Range;
    unset bereq.http.If-Range;
}

sub vcl_backend_response {
    if (beresp.status >= 500) {
        # Never a 5xx: the next request tries the origin again.
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    if (beresp.status == 206 || !beresp.http.Content-Length && beresp.status == 200) {
        # Only whole bodies of known length are stored.
        set beresp.uncacheable = true;
        return (deliver);
    }
    if (beresp.status == 200 && !beresp.http.Cache-Control) {
        # Cuts and films: their bytes are stable for a given ETag.
        set beresp.ttl = 1h;
    }
    # Kept after expiry for revalidation with If-None-Match (conditional fetch).
    set beresp.keep = 1d;
    set beresp.grace = 10s;
    return (deliver);
}

sub vcl_deliver {
    # Hit or miss, for logs and tests (varnishstat has the totals).
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
