//! /api/v1/cases/{id}/safe-contact: the person's rules in force with their history, and a
//! counselor's change to them (a new version).

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::auth::Identity;
use crate::context::AppContext;
use crate::domain::{CaseId, Channel, FieldError, PhoneNumber};
use crate::error::ApiError;
use crate::routes::{ApiJson, parse_id};
use crate::safe_contact::{
    ClockTime, Day, SafeContactRules, SafeContactView, SafeWindow, VersionView, store,
};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SafeWindowForm)]
pub struct WindowForm {
    /// mon, tue, wed, thu, fri, sat, sun
    days: Vec<String>,
    /// HH:MM, local time in the rules' time zone
    from: String,
    /// HH:MM; not after `from` means the window crosses midnight
    to: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SafeContact)]
pub struct SafeContactForm {
    #[schema(value_type = Vec<Channel>)]
    allowed_channels: Vec<String>,
    /// Numbers that may be called; absent keeps the numbers on record.
    phones: Option<Vec<String>>,
    #[serde(default)]
    windows: Vec<WindowForm>,
    /// IANA name (Asia/Yangon); absent keeps the one on record.
    time_zone: Option<String>,
    never_contact_first: bool,
    no_voicemail: bool,
    #[schema(max_length = 200)]
    code_word: Option<String>,
    #[schema(max_length = 1000)]
    cover_story: Option<String>,
    /// The person's own words about when and how.
    #[schema(max_length = 500)]
    own_words: Option<String>,
}

fn text(field: &str, raw: Option<&str>, max: usize) -> Result<Option<String>, FieldError> {
    let Some(t) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if t.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(Some(t.to_owned()))
}

/// The parsed form, applied over the rules in force.
struct Parsed {
    allowed_channels: Vec<Channel>,
    phones: Option<Vec<String>>,
    windows: Vec<SafeWindow>,
    time_zone: Option<chrono_tz::Tz>,
    never_contact_first: bool,
    no_voicemail: bool,
    code_word: Option<String>,
    cover_story: Option<String>,
    own_words: Option<String>,
}

fn parse(form: SafeContactForm, country: &str) -> Result<Parsed, FieldError> {
    let mut allowed_channels = Vec::new();
    for (i, c) in form.allowed_channels.iter().enumerate() {
        let c = Channel::parse(&format!("allowed_channels[{i}]"), c)?;
        if !allowed_channels.contains(&c) {
            allowed_channels.push(c);
        }
    }
    let phones = form
        .phones
        .map(|phones| {
            phones
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    PhoneNumber::for_country(&format!("phones[{i}]"), p, country)
                        .map(|p| p.as_str().to_owned())
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    if allowed_channels.contains(&Channel::Phone) && phones.as_ref().is_some_and(Vec::is_empty) {
        return Err(FieldError::new(
            "phones",
            "at least one number is needed when phone is an allowed channel",
        ));
    }
    let mut windows = Vec::new();
    for (i, w) in form.windows.iter().enumerate() {
        if w.days.is_empty() {
            return Err(FieldError::new(
                format!("windows[{i}].days"),
                "must name at least one day",
            ));
        }
        let days = w
            .days
            .iter()
            .enumerate()
            .map(|(j, d)| Day::parse(&format!("windows[{i}].days[{j}]"), d))
            .collect::<Result<Vec<_>, _>>()?;
        windows.push(SafeWindow {
            days,
            from: ClockTime::parse(&format!("windows[{i}].from"), &w.from)?,
            to: ClockTime::parse(&format!("windows[{i}].to"), &w.to)?,
        });
    }
    let time_zone = form
        .time_zone
        .as_deref()
        .map(|tz| {
            tz.parse::<chrono_tz::Tz>().map_err(|_| {
                FieldError::new(
                    "time_zone",
                    "must be an IANA time zone name such as Asia/Bangkok",
                )
            })
        })
        .transpose()?;
    Ok(Parsed {
        allowed_channels,
        phones,
        windows,
        time_zone,
        never_contact_first: form.never_contact_first,
        no_voicemail: form.no_voicemail,
        code_word: text("code_word", form.code_word.as_deref(), 200)?,
        cover_story: text("cover_story", form.cover_story.as_deref(), 1000)?,
        own_words: text("own_words", form.own_words.as_deref(), 500)?,
    })
}

impl Parsed {
    fn apply(self, old: &SafeContactRules) -> SafeContactRules {
        let mut rules = old.clone();
        rules.allowed_channels = self.allowed_channels;
        if let Some(phones) = self.phones {
            // A number marked wrong stays marked if it is given again.
            let before = std::mem::take(&mut rules.phones);
            for p in phones {
                rules.add_phone(&p);
                if before.iter().any(|b| b.number == p && b.wrong) {
                    rules.mark_wrong(&p);
                }
            }
        }
        rules.windows = self.windows;
        if let Some(tz) = self.time_zone {
            rules.time_zone = tz;
        }
        rules.never_contact_first = self.never_contact_first;
        rules.no_voicemail = self.no_voicemail;
        rules.code_word = self.code_word;
        rules.cover_story = self.cover_story;
        rules.own_words = self.own_words;
        // The counselor set the windows themselves.
        rules.times_unclear = false;
        rules
    }
}

pub async fn put(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<SafeContactForm>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    let (country,): (Option<String>,) = sqlx::query_as("SELECT country FROM cases WHERE id = $1")
        .bind(id)
        .fetch_optional(&ctx.db)
        .await?
        .ok_or(ApiError::NotFound("case"))?;
    let home = ctx.settings.conversation.home_country.clone();
    let parsed = parse(body.value, country.as_deref().unwrap_or(&home))?;
    let current = crate::safe_contact::update_for_case(
        &ctx,
        who.actor(),
        id,
        |old| parsed.apply(old),
        ctx.now(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(SafeContactView::of(&current, true)))
}

/// The rules in force and every earlier version, newest first.
pub async fn get(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    crate::privacy::require_full(&ctx.db, who.user.id, who.user.role, id, ctx.now()).await?;
    let case =
        crate::cases::load_case(&ctx.db, &ctx.keys, &ctx.settings.queue, id, ctx.now()).await?;
    let show = case.may_act(who.user.id, who.is_supervisor());
    let current = &case.safe_contact_rules;
    let history: Vec<VersionView> = store::history(&ctx.db, &ctx.keys, current.reporter_id)
        .await?
        .into_iter()
        .map(|v| VersionView::of(v, current.reporter_id, show))
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "current": SafeContactView::of(current, show),
        "history": history,
    })))
}
