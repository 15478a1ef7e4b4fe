//! The phone-call form: pickers with native names for language and country, province
//! suggestions for the chosen country, the quick indicator questions.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::page::{Chrome, render};
use super::signed_in;
use crate::context::AppContext;
use crate::domain::report::ANSWER_KEYS;
use crate::i18n::{COUNTRIES, SPOKEN_LANGUAGES, Tr};

#[derive(Template)]
#[template(path = "phone_form.html")]
struct PhonePage {
    t: Tr,
    chrome: Chrome,
    callers: Vec<(&'static str, String)>,
    languages: Vec<(&'static str, &'static str)>,
    default_language: String,
    countries: Vec<(&'static str, String)>,
    home_country: String,
    /// Per country: (value, label) suggestions.
    provinces: Vec<(String, Vec<(String, String)>)>,
    questions: Vec<(&'static str, String)>,
}

pub async fn page(ctx: web::Data<AppContext>, req: HttpRequest) -> HttpResponse {
    let (who, t) = match signed_in(&ctx, &req).await {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    // The caller most likely speaks the counselor's first language, or the console's.
    let default_language = who
        .user
        .languages
        .first()
        .cloned()
        .unwrap_or_else(|| t.code().to_owned());
    let thai_console = t.code() == "th";
    let provinces = crate::console::provinces::all()
        .iter()
        .map(|(country, list)| {
            let names = list
                .iter()
                .map(|p| {
                    // Offer the name as this counselor would type it, the other as the hint.
                    if thai_console && country == "TH" {
                        (p.native.clone(), p.english.clone())
                    } else {
                        (p.english.clone(), p.native.clone())
                    }
                })
                .collect();
            (country.clone(), names)
        })
        .collect();
    let page = PhonePage {
        chrome: Chrome::new(&t, "phone", t.get("phone-title"), Some(&who)),
        callers: crate::domain::Caller::ALL
            .iter()
            .map(|c| (c.as_str(), t.caller(c.as_str())))
            .collect(),
        languages: SPOKEN_LANGUAGES.to_vec(),
        default_language,
        countries: COUNTRIES.iter().map(|c| (*c, t.country(c))).collect(),
        home_country: ctx.settings.conversation.home_country.clone(),
        provinces,
        questions: ANSWER_KEYS
            .iter()
            .map(|k| (*k, t.get(&format!("question-{k}"))))
            .collect(),
        t,
    };
    render(StatusCode::OK, &page)
}
