//! My second factor: set up an authenticator app (a text key and an `otpauth://` link, then a
//! first code), see how many recovery codes are left, get new ones or remove it (password and a
//! code again). The page's script calls `/api/v1/me/second-factor…`. A person whose role
//! requires a second factor and has none is sent here by every other page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::page::{Chrome, render};
use super::{database_unavailable, signed_in};
use crate::auth::second_factor::{self, store};
use crate::console::clock_text::local_time;
use crate::context::AppContext;
use crate::i18n::Tr;

#[derive(Template)]
#[template(path = "second_factor.html")]
struct SecondFactorPage {
    t: Tr,
    chrome: Chrome,
    enabled: bool,
    required: bool,
    /// Whether it is on (since when, recovery codes left), required, or optional.
    status_text: String,
}

pub async fn page(ctx: web::Data<AppContext>, req: HttpRequest) -> HttpResponse {
    let (who, t) = match signed_in(&ctx, &req).await {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    let Ok(status) = store::status(&ctx.db, who.user.id).await else {
        return database_unavailable(t, &who);
    };
    let required = second_factor::required_for(&ctx.settings.auth, &who.user);
    let status_text = match status.enabled_at {
        Some(at) => t.with2(
            "second-factor-on",
            ("since", local_time(at, ctx.settings.time_zone()).into()),
            ("left", status.recovery_codes_left.into()),
        ),
        None if required => t.get("second-factor-required"),
        None => t.get("second-factor-optional"),
    };
    let page = SecondFactorPage {
        chrome: Chrome::new(
            &t,
            "second-factor",
            t.get("second-factor-title"),
            Some(&who),
        ),
        enabled: status.enabled_at.is_some(),
        required,
        status_text,
        t,
    };
    render(StatusCode::OK, &page)
}
