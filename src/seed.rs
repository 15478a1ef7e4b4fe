//! `hotline seed-demo`: demo staff, a handful of example cases and the demo partner directory,
//! for trying the console.
//! Safe to re-run: staff passwords are reset and printed again; cases are added only once.

use anyhow::Context as _;
use serde_json::json;

use crate::auth::{Role, audit, users};
use crate::context::AppContext;
use crate::domain::report::FreeText;
use crate::domain::{
    Answers, Caller, Channel, CountryCode, LanguageTag, NewReport, PhoneNumber, SafeContact,
};
use crate::intake::record_phone_report;

const STAFF: &[(&str, Role)] = &[
    ("admin@hotline.demo", Role::Admin),
    ("supervisor@hotline.demo", Role::Supervisor),
    ("counselor1@hotline.demo", Role::Counselor),
    ("counselor2@hotline.demo", Role::Counselor),
];

/// Invented examples in the region's languages (no real person).
/// caller, language, country, area, narrative, answers
type DemoCase = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const CASES: &[DemoCase] = &[
    (
        "relative",
        "th",
        "TH",
        "Songkhla",
        "พี่สาวไปทำงานโรงงาน นายจ้างยึดบัตรประชาชนไว้ และไม่ให้ออกไปไหน",
        &[("documents_seized", "yes"), ("confinement", "yes")],
    ),
    (
        "victim",
        "en",
        "KH",
        "Sihanoukville",
        "I was promised a job in customer service. Now I must work 16 hours a day and they say I owe them 3000 dollars.",
        &[("debt_bondage", "yes"), ("abroad", "yes")],
    ),
    (
        "friend",
        "vi",
        "VN",
        "Nghe An",
        "Ban toi sang Trung Quoc lay chong, gio khong lien lac duoc.",
        &[("abroad", "yes")],
    ),
    (
        "coworker",
        "my",
        "TH",
        "Samut Sakhon",
        "ငါးဖမ်းလှေပေါ်မှာ အလုပ်လုပ်နေတဲ့ သူငယ်ချင်းက လစာမရဘူး။",
        &[("at_sea", "yes")],
    ),
    (
        "anonymous",
        "lo",
        "LA",
        "Bokeo",
        "ມີເດັກຍິງອາຍຸ 16 ປີ ເຮັດວຽກຢູ່ຮ້ານຄາລາໂອເກະ",
        &[("minor", "yes")],
    ),
    (
        "professional",
        "en",
        "TH",
        "Bangkok",
        "A school counselor asks how to check a job offer abroad for a student's family.",
        &[],
    ),
];

fn demo_password() -> String {
    format!("demo-{}", crate::crypto::random_token(9))
}

pub async fn seed_demo(ctx: &AppContext) -> anyhow::Result<()> {
    let now = ctx.now();
    let mut logins = Vec::new();
    let mut counselor = None;
    for (email, role) in STAFF {
        let password = demo_password();
        let user = match users::find_by_email(&ctx.db, email).await? {
            Some(u) => {
                let hash = crate::auth::passwords::hash(&password)?;
                sqlx::query(
                    "UPDATE users SET password_hash = $2, role = $3, active = TRUE WHERE id = $1",
                )
                .bind(u.id)
                .bind(hash)
                .bind(role.as_str())
                .execute(&ctx.db)
                .await?;
                u
            }
            None => users::create(&ctx.db, email, *role, &password, now)
                .await
                .context("cannot create demo staff")?,
        };
        if *role == Role::Counselor && counselor.is_none() {
            counselor = Some(user.id);
        }
        logins.push(format!(
            "  {:<26} {:<11} {}",
            email,
            role.as_str(),
            password
        ));
    }
    let seeded: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM audit_log WHERE action = 'demo.seeded' LIMIT 1")
            .fetch_optional(&ctx.db)
            .await?;
    let counselor = counselor.context("demo staff has no counselor")?;
    if seeded.is_none() {
        for (i, (caller, lang, country, area, narrative, answers)) in CASES.iter().enumerate() {
            let report = NewReport {
                caller: Caller::parse("caller", caller)?,
                language: Some(LanguageTag::parse("language", lang)?),
                country: Some(CountryCode::parse("country", country)?),
                area: FreeText::parse("area", area, 200)?,
                narrative: FreeText::parse("narrative", narrative, 20_000)?
                    .context("demo narrative is empty")?,
                answers: Answers::parse(answers.iter().copied())?,
                callback_name: None,
                callback_phone: Some(PhoneNumber::parse("phone", &format!("+6681000000{i}"))?),
                safe_contact: SafeContact {
                    allowed_channels: vec![Channel::Phone],
                    safe_hours: Some("18:00-20:00".into()),
                    never_contact_first: false,
                    no_voicemail: true,
                },
                linked_cases: vec![],
            };
            record_phone_report(
                &ctx.db,
                &ctx.keys,
                &ctx.rules(),
                counselor,
                &report,
                None,
                now,
            )
            .await?;
        }
        audit::record(
            &ctx.db,
            None,
            "demo.seeded",
            None,
            json!({ "cases": CASES.len() }),
            now,
        )
        .await?;
    }
    // The demo partner directory (issue 14); entries are matched by external id, so reloading
    // refreshes them.
    let partners = crate::partners::demo::load(ctx).await?;
    #[expect(
        clippy::print_stdout,
        reason = "the demo logins are the command's output"
    )]
    {
        println!("Demo partner directory: {partners} entries (example.org addresses)");
        println!("Demo logins (passwords are new on every run of seed-demo):");
        for line in &logins {
            println!("{line}");
        }
    }
    Ok(())
}
