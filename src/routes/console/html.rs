//! Page layout and escaping.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;

use crate::auth::Identity;

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b}header{background:#1d3557;color:#fff;padding:.6rem 1rem;display:flex;gap:1rem;align-items:center}header a{color:#fff}main{padding:1rem;max-width:70rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.35rem;text-align:left;vertical-align:top}.critical{color:#b00020;font-weight:bold}.high{color:#c45500;font-weight:bold}.error{color:#b00020}label{display:block;margin:.4rem 0}fieldset{margin:.6rem 0}button{padding:.35rem .8rem}textarea{width:100%;min-height:6rem}.muted{color:#666}";

pub fn page(title: &str, who: Option<&Identity>, body: &str) -> String {
    let (nav, csrf) = match who {
        Some(w) => (
            format!(
                "<nav><a href=\"/console/queue\">Queue</a> · <a href=\"/console/intake/phone\">Phone report</a>{all}</nav>\
                 <span class=\"muted\" id=\"signed-in-as\">{email} ({role})</span>\
                 <form method=\"post\" action=\"/console/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><button>Sign out</button></form>",
                email = escape(&w.user.email),
                role = w.user.role,
                csrf = escape(w.csrf.as_deref().unwrap_or("")),
                all = if w.is_supervisor() {
                    " · <a href=\"/console/cases\">All cases</a>"
                } else {
                    ""
                },
            ),
            w.csrf.clone().unwrap_or_default(),
        ),
        None => (String::new(), String::new()),
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <meta name=\"csrf-token\" content=\"{csrf}\"><title>{title} · hotline</title><style>{STYLE}</style></head>\
         <body><header><strong>hotline</strong>{nav}</header><main><h1>{title}</h1>{body}</main>\
         <script src=\"/console/app.js\"></script></body></html>",
        csrf = escape(&csrf),
        title = escape(title),
    )
}

pub fn page_response(
    status: StatusCode,
    title: &str,
    who: Option<&Identity>,
    body: &str,
) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        // Pages show personal data: never cache them, never frame them.
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header((
            "Content-Security-Policy",
            "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        ))
        .body(page(title, who, body))
}
