//! How a pressed button reads on the case page: the question and the answer, in English for
//! the counselor (the person saw them in their own language).

use super::conversation::Step;

pub fn describe(step: Step, data: &str) -> String {
    let question = match step {
        Step::ChoosingLanguage | Step::New => "Language",
        Step::AskedSafeToTalk | Step::Paused | Step::Stopped => "Safe to write now?",
        Step::AskedSafeContactLater | Step::AskedContact => "How to contact back",
        Step::AskedMinor => "Anyone under 18?",
        Step::AskedCanLeave => "Can the person leave freely?",
        Step::AskedDocuments => "Someone else keeps their passport or ID?",
        Step::AskedCountry => "Country now",
        Step::AskedArea => "Province or city",
        Step::AskedPhone => "Phone number",
        Step::AskedSafeHours => "Safe time to contact",
        _ => "Button",
    };
    let answer = match data.split_once(':') {
        Some((_, "yes")) => "yes".to_owned(),
        Some((_, "no")) => "no".to_owned(),
        Some((_, "unknown")) => "does not know".to_owned(),
        Some((_, "skip")) => "skipped".to_owned(),
        Some(("contact", "here")) => "only in this chat".to_owned(),
        Some(("contact", "phone")) => "by phone".to_owned(),
        Some(("contact", "never")) => "never contact first".to_owned(),
        Some(("hours", "any")) => "any time".to_owned(),
        Some(("hours", "morning")) => "morning (8-12)".to_owned(),
        Some(("hours", "afternoon")) => "afternoon (12-18)".to_owned(),
        Some(("hours", "evening")) => "evening (18-22)".to_owned(),
        Some((_, value)) => value.to_owned(),
        None if data == "stop" => return "Pressed Stop".to_owned(),
        None => data.to_owned(),
    };
    format!("{question} → {answer}")
}
