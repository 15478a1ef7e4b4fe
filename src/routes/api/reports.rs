//! POST /api/v1/reports and the call-back number lookup.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::Identity;
use crate::cases::load_case_on;
use crate::context::AppContext;
use crate::crypto::sha256;
use crate::domain::report::FreeText;
use crate::domain::{
    Answer, Answers, Caller, CaseId, Channel, CountryCode, FieldError, LanguageTag, NewReport,
    PersonName, PhoneNumber, SafeContact,
};
use crate::error::ApiError;
use crate::intake::phone_report::Idempotency;
use crate::intake::record_phone_report_on;
use crate::routes::ApiJson;

/// The phone-call form as JSON. Fields are read leniently here and parsed into a `NewReport`,
/// which names the field of any problem; the schema documents what the parse accepts.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PhoneReport)]
pub struct PhoneReportForm {
    #[schema(value_type = Caller)]
    caller: Option<String>,
    /// BCP 47 tag, e.g. th, lo, km, my, vi, zh, en.
    language: Option<String>,
    location: Option<LocationForm>,
    #[schema(value_type = String, max_length = 20000)]
    narrative: Option<String>,
    /// Quick indicator answers; missing ones count as not asked.
    #[schema(value_type = Option<QuickAnswers>)]
    answers: Option<BTreeMap<String, String>>,
    callback: Option<CallbackForm>,
    /// Earlier cases the counselor decided concern the same person.
    linked_cases: Option<Vec<Uuid>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Location)]
struct LocationForm {
    /// ISO 3166 alpha-2.
    country: Option<String>,
    /// Province or city, free text.
    area: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CallbackRules)]
struct CallbackForm {
    name: Option<String>,
    phone: Option<String>,
    safe_hours: Option<String>,
    never_contact_first: Option<bool>,
    no_voicemail: Option<bool>,
}

/// The quick answers by question (`ANSWER_KEYS`), for the document only: a test checks the two
/// agree.
#[derive(ToSchema)]
#[allow(dead_code, reason = "describes the JSON; never built")]
pub struct QuickAnswers {
    minor: Option<Answer>,
    confinement: Option<Answer>,
    documents_seized: Option<Answer>,
    debt_bondage: Option<Answer>,
    injury_medical: Option<Answer>,
    threat_violence: Option<Answer>,
    abroad: Option<Answer>,
    at_sea: Option<Answer>,
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl PhoneReportForm {
    /// The report, parsed; `home_country` is the numbering plan for a call-back number when
    /// the form names no country.
    pub(crate) fn into_report(self, home_country: &str) -> Result<NewReport, FieldError> {
        let f = self;
        let caller =
            non_empty(&f.caller).ok_or_else(|| FieldError::new("caller", "is required"))?;
        let caller = Caller::parse("caller", caller)?;
        let language = non_empty(&f.language)
            .map(|l| LanguageTag::parse("language", l))
            .transpose()?;
        let (country, area) = match &f.location {
            Some(loc) => (
                non_empty(&loc.country)
                    .map(|c| CountryCode::parse("location.country", c))
                    .transpose()?,
                FreeText::parse("location.area", loc.area.as_deref().unwrap_or(""), 200)?,
            ),
            None => (None, None),
        };
        let narrative = FreeText::parse("narrative", f.narrative.as_deref().unwrap_or(""), 20_000)?
            .ok_or_else(|| {
                FieldError::new(
                    "narrative",
                    "is required: note what is happening in the caller's words",
                )
            })?;
        let answers = Answers::parse(
            f.answers
                .iter()
                .flatten()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        )?;
        let cb = f.callback.as_ref();
        // Checked against the person's country, or the hotline's home country (TH).
        let dial_country = country
            .as_ref()
            .map_or(home_country, |c: &CountryCode| c.as_str());
        let callback_phone = cb
            .and_then(|c| non_empty(&c.phone))
            .map(|p| PhoneNumber::for_country("callback.phone", p, dial_country))
            .transpose()?;
        let callback_name = match cb.and_then(|c| c.name.as_deref()) {
            Some(n) => PersonName::parse("callback.name", n)?,
            None => None,
        };
        let safe_hours = cb.and_then(|c| non_empty(&c.safe_hours)).map(str::to_owned);
        if safe_hours.as_ref().is_some_and(|s| s.chars().count() > 100) {
            return Err(FieldError::new(
                "callback.safe_hours",
                "must be at most 100 characters",
            ));
        }
        let safe_contact = SafeContact {
            // A number given for call-backs makes the phone an allowed channel.
            allowed_channels: if callback_phone.is_some() {
                vec![Channel::Phone]
            } else {
                vec![]
            },
            safe_hours,
            // No number given means the hotline cannot and must not call first.
            never_contact_first: cb
                .and_then(|c| c.never_contact_first)
                .unwrap_or(callback_phone.is_none()),
            no_voicemail: cb.and_then(|c| c.no_voicemail).unwrap_or(true),
        };
        Ok(NewReport {
            caller,
            language,
            country,
            area,
            narrative,
            answers,
            callback_name,
            callback_phone,
            safe_contact,
            linked_cases: f
                .linked_cases
                .unwrap_or_default()
                .into_iter()
                .map(CaseId)
                .collect(),
        })
    }
}

pub(crate) fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(v) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let key = v.to_str().map_err(|_| {
        ApiError::bad_request("invalid_header", "Idempotency-Key must be printable ASCII")
    })?;
    if key.is_empty() || key.len() > 200 {
        return Err(ApiError::bad_request(
            "invalid_header",
            "Idempotency-Key must be 1 to 200 characters",
        ));
    }
    Ok(Some(key.to_owned()))
}

pub async fn create(
    ctx: web::Data<AppContext>,
    who: Identity,
    req: HttpRequest,
    body: ApiJson<PhoneReportForm>,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency_key(&req)?;
    let report = body
        .value
        .into_report(&ctx.settings.conversation.home_country)?;
    let idempotency = key.as_deref().map(|key| Idempotency {
        key,
        request_hash: sha256(&body.raw),
    });
    let now = ctx.now();
    // One connection for the report and the 201's read-back of it (after the commit).
    let mut conn = ctx.db.acquire().await?;
    let recorded = record_phone_report_on(
        &mut conn,
        &ctx.keys,
        &ctx.rules(),
        who.user.id,
        &report,
        idempotency,
        now,
    )
    .await?;
    let case = load_case_on(
        &mut conn,
        &ctx.keys,
        &ctx.settings.queue,
        recorded.case_id,
        now,
    )
    .await?;
    let mut resp = HttpResponse::Created();
    resp.insert_header(("Location", format!("/api/v1/cases/{}", recorded.case_id)));
    if recorded.replayed {
        resp.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(resp.json(case))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneLookup {
    phone: String,
}

pub async fn matches(
    ctx: web::Data<AppContext>,
    who: Identity,
    body: ApiJson<PhoneLookup>,
) -> Result<HttpResponse, ApiError> {
    let phone = PhoneNumber::parse("phone", &body.value.phone)?;
    let items = crate::privacy::lookups::lookup_phone(&ctx, &who, &phone).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

/// Hostile input (issue 18): the phone form is read from any bytes a client sends; it answers a
/// report or a named field error, never a panic.
#[cfg(test)]
mod never_panics {
    use proptest::prelude::*;

    use super::PhoneReportForm;

    fn read(body: &[u8]) {
        if let Ok(form) = serde_json::from_slice::<PhoneReportForm>(body) {
            let _ = form.into_report("TH");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn on_arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
            read(&body);
        }

        #[test]
        fn on_forms_with_arbitrary_fields(
            caller in "\\PC{0,20}", language in "\\PC{0,20}", country in "\\PC{0,4}",
            area in "\\PC{0,300}", narrative in "\\PC{0,500}", phone in "\\PC{0,30}",
            answer in "\\PC{0,10}",
        ) {
            let body = serde_json::json!({
                "caller": caller, "language": language,
                "location": { "country": country, "area": area },
                "narrative": narrative, "answers": { "minor": answer },
                "callback": { "phone": phone, "safe_hours": area },
            });
            read(body.to_string().as_bytes());
        }
    }
}
