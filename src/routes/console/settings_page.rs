//! My settings: the console's language and the languages I can talk in (saved with
//! `PATCH /api/v1/me`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::page::{Chrome, render};
use super::signed_in;
use crate::context::AppContext;
use crate::i18n::{CONSOLE_LANGUAGES, SPOKEN_LANGUAGES, Tr};

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    t: Tr,
    chrome: Chrome,
    /// (code, name, chosen)
    console_languages: Vec<(&'static str, &'static str, bool)>,
    spoken: Vec<(&'static str, &'static str, bool)>,
}

pub async fn page(ctx: web::Data<AppContext>, req: HttpRequest) -> HttpResponse {
    let (who, t) = match signed_in(&ctx, &req).await {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    let _ = &ctx;
    let page = SettingsPage {
        chrome: Chrome::new(&t, "me", t.get("settings-title"), Some(&who)),
        console_languages: CONSOLE_LANGUAGES
            .iter()
            .map(|l| (l.code, l.native_name, l.code == t.code()))
            .collect(),
        spoken: SPOKEN_LANGUAGES
            .iter()
            .map(|(code, name)| (*code, *name, who.user.languages.iter().any(|l| l == code)))
            .collect(),
        t,
    };
    render(StatusCode::OK, &page)
}
