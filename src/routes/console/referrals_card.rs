//! The case page's referral card (issue 14): the case's referrals with their status and steps,
//! the ranked partners to choose from, consent, and the packet preview before sending.

use crate::console::clock_text::local_time;
use crate::context::AppContext;
use crate::domain::CaseId;
use crate::i18n::Tr;
use crate::partners::{View, store};
use crate::referrals::consent::OverrideReason;
use crate::referrals::{ReferralError, facts, list, suggestions};

pub struct ReferralLine {
    pub id: String,
    pub reference: String,
    pub partner: String,
    pub status: String,
    pub steps: String,
    pub next: Option<String>,
    /// An open phone task: what to do (the partner is closed now, or has no address).
    pub call: Option<String>,
    /// The partner's replies by email: (when, subject, text).
    pub replies: Vec<(String, String, String)>,
}

pub struct PartnerChoice {
    pub id: String,
    pub label: String,
    pub reasons: String,
}

pub struct ReferralsCard {
    pub items: Vec<ReferralLine>,
    pub partners: Vec<PartnerChoice>,
    pub override_reasons: Vec<(&'static str, String)>,
}

pub fn status_label(t: &Tr, status: &str) -> String {
    t.get_or(&format!("referral-status-{status}"), status)
}

pub fn type_label(t: &Tr, code: &str) -> String {
    t.get_or(&format!("partner-type-{}", code.replace('_', "-")), code)
}

pub async fn load(
    ctx: &AppContext,
    t: &Tr,
    case_id: CaseId,
) -> Result<ReferralsCard, ReferralError> {
    let zone = ctx.settings.time_zone();
    let items = list::case_referrals(ctx, case_id)
        .await?
        .into_iter()
        .map(|r| ReferralLine {
            id: r.id.to_string(),
            call: r
                .phone_task
                .as_ref()
                .filter(|task| task.done_at.is_none())
                .map(|task| {
                    t.with2(
                        if task.reason == "closed_now" {
                            "referral-call-closed"
                        } else {
                            "referral-call-no-email"
                        },
                        ("phone", task.phone.clone().unwrap_or_default().into()),
                        ("partner", r.partner.name.clone().into()),
                    )
                }),
            replies: r
                .replies
                .iter()
                .map(|reply| {
                    (
                        local_time(reply.received_at, zone),
                        reply.subject.clone(),
                        reply.text.clone(),
                    )
                })
                .collect(),
            reference: r.reference,
            partner: r.partner.name,
            status: status_label(t, &r.status),
            steps: r
                .steps
                .iter()
                .map(|s| format!("{} {}", status_label(t, &s.status), local_time(s.at, zone)))
                .collect::<Vec<_>>()
                .join(" · "),
            next: r
                .re_referral
                .map(|n| t.with("referral-next", "name", n.name)),
        })
        .collect();
    let facts = facts::case_facts(&ctx.db, &ctx.keys, case_id).await?;
    let view = View {
        reveal_address: false,
        stale_after_days: ctx.settings.referrals.stale_after_days,
        now: ctx.now(),
    };
    let partners = store::list(&ctx.db, &ctx.keys, view, true).await?;
    let partners = suggestions::suggest(
        &facts,
        partners,
        &ctx.settings.conversation.home_country,
        ctx.now(),
    )
    .into_iter()
    .map(|s| PartnerChoice {
        id: s.partner.id.to_string(),
        label: format!(
            "{} ({})",
            s.partner.name,
            type_label(t, s.partner.partner_type.as_str())
        ),
        reasons: s.reasons.join(", "),
    })
    .collect();
    Ok(ReferralsCard {
        items,
        partners,
        override_reasons: OverrideReason::ALL
            .iter()
            .map(|o| {
                (
                    o.as_str(),
                    t.get_or(
                        &format!("override-{}", o.as_str().replace('_', "-")),
                        o.as_str(),
                    ),
                )
            })
            .collect(),
    })
}
