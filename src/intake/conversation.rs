//! The chat conversation: a pure state machine, the same for every chat channel.
//!
//! `advance(conversation, said, situation)` returns the next state, the bot's replies and the
//! facts learned (language, answers, how to contact back). It does no I/O and reads no clock;
//! `intake::chat` stores the state with the chat's identity and applies the effects in the same
//! transaction as the message. The steps follow the issue: language, a safety notice, "is it
//! safe to talk now?", an open question, optional quick questions, how to contact back, and a
//! hand-off to a counselor. Whatever the person writes is recorded on the case by the caller
//! before this runs, so someone who writes once and vanishes still reaches a counselor; the
//! machine only decides what the bot says next.
//!
//! Safety rules built in: a stop word or the Stop button ends the bot at any step; danger words
//! (detected by triage, passed in `situation.danger`) bring the emergency numbers at once; a
//! person already talking to a counselor never hears from the bot again; no question is
//! required, and none asks for details of harm.

use std::time::Duration;

use hotline_contract::Choice;
use serde::{Deserialize, Serialize};

use super::conversation_texts::{ConversationTexts, LanguagePack};
use super::language::{CHAT_LANGUAGES, detect_script_language};
use crate::domain::PhoneNumber;

/// Where one chat's conversation stands. Stored as JSON with the chat's identity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    #[serde(default)]
    pub step: Step,
    #[serde(default)]
    pub language: Option<String>,
    /// The person has told us something in their own words (so the open question is skipped).
    #[serde(default)]
    pub told: bool,
    /// The emergency numbers were shown because of danger words.
    #[serde(default)]
    pub danger_shown: bool,
    /// The person said it is not safe to write now: after the safe time, say goodbye instead
    /// of handing off.
    #[serde(default)]
    pub not_safe_now: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    #[default]
    New,
    ChoosingLanguage,
    AskedSafeToTalk,
    AskedSafeContactLater,
    /// Not safe to talk now; the bot said goodbye. The next message starts again gently.
    Paused,
    AskedWhatHappened,
    AskedMinor,
    AskedCanLeave,
    AskedDocuments,
    AskedCountry,
    AskedArea,
    AskedContact,
    AskedPhone,
    AskedSafeHours,
    /// The bot is done; a counselor answers here.
    HandedOff,
    /// A counselor has written on this chat: the bot stays silent.
    WithCounselor,
    /// The person asked the bot to stop.
    Stopped,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::New => "new",
            Step::ChoosingLanguage => "choosing_language",
            Step::AskedSafeToTalk => "asked_safe_to_talk",
            Step::AskedSafeContactLater => "asked_safe_contact_later",
            Step::Paused => "paused",
            Step::AskedWhatHappened => "asked_what_happened",
            Step::AskedMinor => "asked_minor",
            Step::AskedCanLeave => "asked_can_leave",
            Step::AskedDocuments => "asked_documents",
            Step::AskedCountry => "asked_country",
            Step::AskedArea => "asked_area",
            Step::AskedContact => "asked_contact",
            Step::AskedPhone => "asked_phone",
            Step::AskedSafeHours => "asked_safe_hours",
            Step::HandedOff => "handed_off",
            Step::WithCounselor => "with_counselor",
            Step::Stopped => "stopped",
        }
    }
}

/// What the person sent, reduced to what the conversation needs.
#[derive(Debug, Clone, Copy)]
pub enum Said<'a> {
    /// Opened the bot (`/start`, a LINE follow).
    Start,
    Text(&'a str),
    /// Pressed a button; the button's data.
    Choice(&'a str),
    /// Shared a phone contact.
    Contact {
        phone: &'a str,
    },
    /// A photo, voice message, location or edit: content for the counselor, no answer for the
    /// bot.
    OtherContent,
    /// A kind of message the channel cannot handle.
    Unsupported,
}

/// What the machine needs to know besides the message.
pub struct Situation<'a> {
    pub texts: &'a ConversationTexts,
    /// The platform's idea of the person's language (their app setting); a hint only.
    pub language_hint: Option<&'a str>,
    /// The country the person said they are in, for emergency numbers.
    pub country: Option<&'a str>,
    /// This message says someone is in danger now (triage found a critical flag in it).
    pub danger: bool,
    /// The answer target for the case's urgency level, to tell the person how long to expect.
    pub expected_wait: Duration,
}

/// One message for the bot to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub text: String,
    pub choices: Vec<Vec<Choice>>,
    /// Label of a "share my phone number" button, if one is offered.
    pub request_contact: Option<String>,
}

/// How the person said we may contact them back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactPreference {
    /// Only answer on this chat.
    ThisChatOnly,
    /// A phone call is fine (the number comes separately).
    Phone,
    /// Never contact first: only answer when they write.
    NeverFirst,
}

/// A fact the conversation learned, for the caller to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Language(String),
    /// A quick answer: the phone form's question key and `yes`/`no`/`unknown`.
    Answer {
        question: &'static str,
        value: &'static str,
    },
    Country(String),
    Area(String),
    Contact(ContactPreference),
    Phone(String),
    SafeHours(String),
    Stopped,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advance {
    pub next: Conversation,
    pub replies: Vec<Reply>,
    pub effects: Vec<Effect>,
}

/// Countries offered as buttons; others are typed or skipped.
const COUNTRY_BUTTONS: &[&str] = &["TH", "MM", "KH", "LA", "VN", "CN", "MY"];
/// Longest free-text answer kept for an area or safe hours.
const SHORT_ANSWER_CHARS: usize = 100;

/// Moves the conversation one message forward.
pub fn advance(conversation: &Conversation, said: Said<'_>, situation: &Situation<'_>) -> Advance {
    let mut turn = Turn {
        next: conversation.clone(),
        replies: Vec::new(),
        effects: Vec::new(),
        situation,
    };
    turn.run(said);
    Advance {
        next: turn.next,
        replies: turn.replies,
        effects: turn.effects,
    }
}

struct Turn<'a> {
    next: Conversation,
    replies: Vec<Reply>,
    effects: Vec<Effect>,
    situation: &'a Situation<'a>,
}

impl Turn<'_> {
    fn run(&mut self, said: Said<'_>) {
        let content = matches!(
            said,
            Said::Text(_) | Said::Contact { .. } | Said::OtherContent
        );
        if self.next.step == Step::WithCounselor {
            // The counselor leads now; only "stop" is still honoured, so the person can end it.
            if self.is_stop(said) {
                self.stop();
            }
            return;
        }
        if self.is_stop(said) {
            self.stop();
            return;
        }
        if let Said::Text(text) = said
            && self.next.language.is_none()
            && let Some(language) = detect_script_language(text)
        {
            self.set_language(language);
        }
        if self.situation.danger && !self.next.danger_shown {
            self.next.danger_shown = true;
            let pack = self.pack();
            let text = pack
                .texts
                .danger_now
                .replace("{emergency_numbers}", &self.emergency_lines().join("\n"));
            self.say(text);
        }
        if let Said::Choice(data) = said
            && let Some(language) = data.strip_prefix("lang:")
        {
            if CHAT_LANGUAGES.contains(&language) {
                self.set_language(language);
            }
            if matches!(self.next.step, Step::New | Step::ChoosingLanguage) {
                self.notice_and_ask_safe();
            } else {
                self.repeat_step();
            }
            return;
        }
        if matches!(said, Said::Unsupported) {
            let text = self.pack().texts.unsupported.clone();
            self.say(text);
            return;
        }
        if content {
            self.next.told = true;
        }
        match self.next.step {
            Step::New => match said {
                Said::Text(_) if self.next.language.is_some() => self.notice_and_ask_safe(),
                _ => self.ask_language(),
            },
            Step::ChoosingLanguage => match said {
                Said::Start | Said::Choice(_) => self.ask_language(),
                _ => {
                    // Not clear from the script: take the app's language, else English, rather
                    // than ask again and again.
                    if self.next.language.is_none() {
                        let fallback = self
                            .situation
                            .language_hint
                            .and_then(|h| h.split(['-', '_']).next())
                            .filter(|h| CHAT_LANGUAGES.contains(h))
                            .unwrap_or("en")
                            .to_owned();
                        self.set_language(&fallback);
                    }
                    self.notice_and_ask_safe();
                }
            },
            Step::AskedSafeToTalk | Step::Paused | Step::Stopped => match said {
                Said::Choice("safe:yes") => {
                    self.next.not_safe_now = false;
                    self.after_safe_to_talk()
                }
                Said::Choice("safe:no") => {
                    self.next.not_safe_now = true;
                    self.ask_safe_contact_later()
                }
                // Writing what happens answers "is it safe?" in practice.
                Said::Text(_) | Said::Contact { .. } | Said::OtherContent
                    if self.next.step == Step::AskedSafeToTalk =>
                {
                    self.after_safe_to_talk()
                }
                _ => {
                    let welcome = self.pack().texts.welcome_back.clone();
                    if self.next.step != Step::AskedSafeToTalk {
                        self.say(welcome);
                    }
                    self.ask_safe_to_talk();
                }
            },
            Step::AskedSafeContactLater => match said {
                // A way to reach them: then a safe time, then goodbye.
                Said::Choice("contact:here") => {
                    self.effects
                        .push(Effect::Contact(ContactPreference::ThisChatOnly));
                    self.ask(Step::AskedSafeHours);
                }
                Said::Choice("contact:never") => {
                    self.effects
                        .push(Effect::Contact(ContactPreference::NeverFirst));
                    self.say_goodbye();
                }
                Said::Choice(_) | Said::Start => self.repeat_step(),
                _ => self.say_goodbye(),
            },
            Step::AskedWhatHappened => {
                if content {
                    self.thank_and_ask_first_question();
                } else {
                    self.repeat_step();
                }
            }
            Step::AskedMinor | Step::AskedCanLeave | Step::AskedDocuments => {
                let Said::Choice(data) = said else {
                    if !content {
                        self.repeat_step();
                    }
                    return;
                };
                let Some(value) = data.strip_prefix("ans:") else {
                    self.repeat_step();
                    return;
                };
                self.record_answer(value);
                self.ask_next_question();
            }
            Step::AskedCountry => match said {
                Said::Choice(data) if data.starts_with("country:") => {
                    let code = &data["country:".len()..];
                    if COUNTRY_BUTTONS.contains(&code) {
                        self.effects.push(Effect::Country(code.to_owned()));
                    }
                    self.ask(Step::AskedArea);
                }
                _ if content => {}
                _ => self.repeat_step(),
            },
            Step::AskedArea => match said {
                Said::Text(text) => {
                    self.effects.push(Effect::Area(short(text)));
                    self.ask(Step::AskedContact);
                }
                Said::Choice("area:skip") => self.ask(Step::AskedContact),
                _ if content => {}
                _ => self.repeat_step(),
            },
            Step::AskedContact => match said {
                Said::Choice("contact:here") => {
                    self.effects
                        .push(Effect::Contact(ContactPreference::ThisChatOnly));
                    self.ask(Step::AskedSafeHours);
                }
                Said::Choice("contact:phone") => self.ask(Step::AskedPhone),
                Said::Choice("contact:never") => {
                    self.effects
                        .push(Effect::Contact(ContactPreference::NeverFirst));
                    self.hand_off();
                }
                _ if content => {}
                _ => self.repeat_step(),
            },
            Step::AskedPhone => match said {
                Said::Contact { phone } | Said::Text(phone) => {
                    match PhoneNumber::parse("phone", phone) {
                        Ok(number) => {
                            self.effects.push(Effect::Phone(number.as_str().to_owned()));
                            self.effects.push(Effect::Contact(ContactPreference::Phone));
                            self.ask(Step::AskedSafeHours);
                        }
                        Err(_) => {
                            let text = self.pack().texts.phone_not_understood.clone();
                            let skip = self.pack().buttons.skip.clone();
                            self.say_with(text, vec![vec![choice(skip, "phone:skip")]], None);
                        }
                    }
                }
                Said::Choice("phone:skip") => self.ask(Step::AskedSafeHours),
                _ if content => {}
                _ => self.repeat_step(),
            },
            Step::AskedSafeHours => {
                let hours = match said {
                    Said::Choice("hours:any") => Some("any time".to_owned()),
                    Said::Choice("hours:morning") => Some("08:00-12:00".to_owned()),
                    Said::Choice("hours:afternoon") => Some("12:00-18:00".to_owned()),
                    Said::Choice("hours:evening") => Some("18:00-22:00".to_owned()),
                    Said::Choice("hours:skip") => None,
                    Said::Text(text) => Some(short(text)),
                    _ if content => return,
                    _ => {
                        self.repeat_step();
                        return;
                    }
                };
                if let Some(hours) = hours {
                    self.effects.push(Effect::SafeHours(hours));
                }
                self.hand_off();
            }
            Step::HandedOff => {
                if matches!(said, Said::Start) {
                    let text = self.pack().texts.welcome_back.clone();
                    self.say(text);
                }
            }
            Step::WithCounselor => {}
        }
    }

    fn pack(&self) -> &LanguagePack {
        self.situation
            .texts
            .pack(self.next.language.as_deref().unwrap_or("en"))
    }

    fn emergency_lines(&self) -> Vec<String> {
        self.situation.texts.emergency_lines(
            self.situation.country,
            self.next.language.as_deref().unwrap_or("en"),
        )
    }

    fn set_language(&mut self, language: &str) {
        if self.next.language.as_deref() != Some(language) {
            self.next.language = Some(language.to_owned());
            self.effects.push(Effect::Language(language.to_owned()));
        }
    }

    fn is_stop(&self, said: Said<'_>) -> bool {
        match said {
            Said::Choice(data) => data == "stop",
            Said::Text(text) => {
                let t = text.trim().trim_end_matches(['.', '!']).to_lowercase();
                self.situation
                    .texts
                    .packs()
                    .any(|p| p.stop_words.iter().any(|w| w.to_lowercase() == t))
            }
            _ => false,
        }
    }

    fn stop(&mut self) {
        let text = self.pack().texts.stopped.clone();
        self.say(text);
        self.next.step = Step::Stopped;
        self.effects.push(Effect::Stopped);
    }

    fn say(&mut self, text: String) {
        self.say_with(text, Vec::new(), None);
    }

    fn say_with(&mut self, text: String, mut choices: Vec<Vec<Choice>>, contact: Option<String>) {
        if !choices.is_empty() {
            // Every question can be ended with one press.
            let stop = self.pack().buttons.stop.clone();
            choices.push(vec![choice(stop, "stop")]);
        }
        self.replies.push(Reply {
            text,
            choices,
            request_contact: contact,
        });
    }

    fn ask_language(&mut self) {
        let hint = self
            .situation
            .language_hint
            .and_then(|h| h.split(['-', '_']).next())
            .filter(|h| CHAT_LANGUAGES.contains(h))
            .unwrap_or("en");
        let text = self
            .situation
            .texts
            .pack(hint)
            .texts
            .choose_language
            .clone();
        let buttons: Vec<Choice> = self
            .situation
            .texts
            .packs()
            .map(|p| choice(p.language_name.clone(), &format!("lang:{}", p.language)))
            .collect();
        let rows = buttons.chunks(2).map(<[Choice]>::to_vec).collect();
        self.say_with(text, rows, None);
        self.next.step = Step::ChoosingLanguage;
    }

    fn notice_and_ask_safe(&mut self) {
        let pack = self.pack();
        let stop_word = pack.stop_words.first().cloned().unwrap_or_default();
        let text = pack
            .texts
            .safety_notice
            .replace("{stop_word}", &stop_word)
            .replace("{emergency_numbers}", &self.emergency_lines().join("\n"));
        self.say(text);
        self.ask_safe_to_talk();
    }

    fn ask_safe_to_talk(&mut self) {
        let pack = self.pack();
        let text = pack.texts.ask_safe_to_talk.clone();
        let rows = vec![
            vec![choice(pack.buttons.safe_yes.clone(), "safe:yes")],
            vec![choice(pack.buttons.safe_no.clone(), "safe:no")],
        ];
        self.say_with(text, rows, None);
        self.next.step = Step::AskedSafeToTalk;
    }

    fn ask_safe_contact_later(&mut self) {
        let pack = self.pack();
        let text = pack.texts.ask_safe_contact_later.clone();
        let rows = vec![
            vec![choice(pack.buttons.contact_here.clone(), "contact:here")],
            vec![choice(
                pack.buttons.contact_never_first.clone(),
                "contact:never",
            )],
        ];
        self.say_with(text, rows, None);
        self.next.step = Step::AskedSafeContactLater;
    }

    fn after_safe_to_talk(&mut self) {
        if self.next.told {
            self.thank_and_ask_first_question();
        } else {
            let text = self.pack().texts.ask_what_happened.clone();
            self.say(text);
            self.next.step = Step::AskedWhatHappened;
        }
    }

    fn thank_and_ask_first_question(&mut self) {
        let pack = self.pack();
        let text = format!(
            "{}\n{}",
            pack.texts.thanks_for_telling, pack.texts.quick_questions_intro
        );
        self.say(text);
        self.ask(Step::AskedMinor);
    }

    fn record_answer(&mut self, value: &str) {
        let value: &'static str = match value {
            "yes" => "yes",
            "no" => "no",
            "unknown" => "unknown",
            _ => return,
        };
        let effect = match self.next.step {
            Step::AskedMinor => Effect::Answer {
                question: "minor",
                value,
            },
            // "Can the person leave freely?" is the confinement question turned around.
            Step::AskedCanLeave => Effect::Answer {
                question: "confinement",
                value: match value {
                    "yes" => "no",
                    "no" => "yes",
                    other => other,
                },
            },
            Step::AskedDocuments => Effect::Answer {
                question: "documents_seized",
                value,
            },
            _ => return,
        };
        self.effects.push(effect);
    }

    fn ask_next_question(&mut self) {
        let next = match self.next.step {
            Step::AskedMinor => Step::AskedCanLeave,
            Step::AskedCanLeave => Step::AskedDocuments,
            _ => Step::AskedCountry,
        };
        self.ask(next);
    }

    /// Sends the question for `step` and moves there.
    fn ask(&mut self, step: Step) {
        let pack = self.pack().clone();
        let b = &pack.buttons;
        let t = &pack.texts;
        let yes_no = || {
            vec![
                vec![
                    choice(b.yes.clone(), "ans:yes"),
                    choice(b.no.clone(), "ans:no"),
                ],
                vec![
                    choice(b.unknown.clone(), "ans:unknown"),
                    choice(b.skip.clone(), "ans:skip"),
                ],
            ]
        };
        match step {
            Step::AskedMinor => self.say_with(t.question_minor.clone(), yes_no(), None),
            Step::AskedCanLeave => self.say_with(t.question_can_leave.clone(), yes_no(), None),
            Step::AskedDocuments => self.say_with(t.question_documents.clone(), yes_no(), None),
            Step::AskedCountry => {
                let mut buttons: Vec<Choice> = COUNTRY_BUTTONS
                    .iter()
                    .map(|c| {
                        let name = pack.countries.get(*c).cloned().unwrap_or((*c).to_owned());
                        choice(name, &format!("country:{c}"))
                    })
                    .collect();
                buttons.push(choice(b.country_other.clone(), "country:other"));
                buttons.push(choice(b.skip.clone(), "country:skip"));
                let rows = buttons.chunks(3).map(<[Choice]>::to_vec).collect();
                self.say_with(t.question_country.clone(), rows, None);
            }
            Step::AskedArea => self.say_with(
                t.question_area.clone(),
                vec![vec![choice(b.skip.clone(), "area:skip")]],
                None,
            ),
            Step::AskedContact => self.say_with(
                t.ask_contact.clone(),
                vec![
                    vec![choice(b.contact_here.clone(), "contact:here")],
                    vec![choice(b.contact_phone.clone(), "contact:phone")],
                    vec![choice(b.contact_never_first.clone(), "contact:never")],
                ],
                None,
            ),
            Step::AskedPhone => self.say_with(
                t.ask_phone.clone(),
                vec![vec![choice(b.skip.clone(), "phone:skip")]],
                Some(b.share_phone.clone()),
            ),
            Step::AskedSafeHours => self.say_with(
                t.ask_safe_hours.clone(),
                vec![
                    vec![
                        choice(b.hours_any.clone(), "hours:any"),
                        choice(b.hours_morning.clone(), "hours:morning"),
                    ],
                    vec![
                        choice(b.hours_afternoon.clone(), "hours:afternoon"),
                        choice(b.hours_evening.clone(), "hours:evening"),
                    ],
                    vec![choice(b.skip.clone(), "hours:skip")],
                ],
                None,
            ),
            _ => return,
        }
        self.next.step = step;
    }

    /// Says the current step's question again (after a stray button or an unexpected message).
    fn repeat_step(&mut self) {
        match self.next.step {
            Step::New | Step::ChoosingLanguage => self.ask_language(),
            Step::AskedSafeToTalk | Step::Paused | Step::Stopped => self.ask_safe_to_talk(),
            Step::AskedSafeContactLater => self.ask_safe_contact_later(),
            Step::AskedWhatHappened => {
                let text = self.pack().texts.ask_what_happened.clone();
                self.say(text);
            }
            step @ (Step::AskedMinor
            | Step::AskedCanLeave
            | Step::AskedDocuments
            | Step::AskedCountry
            | Step::AskedArea
            | Step::AskedContact
            | Step::AskedPhone
            | Step::AskedSafeHours) => self.ask(step),
            Step::HandedOff | Step::WithCounselor => {}
        }
    }

    /// Ends gently when it is not safe to talk: the chat can be deleted, and the numbers to call.
    fn say_goodbye(&mut self) {
        let inline = self.emergency_lines().join(", ");
        let text = self
            .pack()
            .texts
            .not_safe_goodbye
            .replace("{emergency_numbers_inline}", &inline);
        self.say(text);
        self.next.step = Step::Paused;
        self.next.not_safe_now = false;
    }

    fn hand_off(&mut self) {
        if self.next.not_safe_now {
            self.say_goodbye();
            return;
        }
        let pack = self.pack();
        let minutes = self.situation.expected_wait.as_secs().div_ceil(60).max(1);
        let wait = if minutes < 120 {
            pack.texts.wait_minutes.replace("{n}", &minutes.to_string())
        } else {
            pack.texts
                .wait_hours
                .replace("{n}", &minutes.div_ceil(60).to_string())
        };
        let text = pack.texts.handoff.replace("{wait}", &wait);
        self.say(text);
        self.next.step = Step::HandedOff;
    }
}

fn choice(label: String, data: &str) -> Choice {
    Choice {
        label,
        data: data.to_owned(),
    }
}

fn short(text: &str) -> String {
    text.trim().chars().take(SHORT_ANSWER_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn texts() -> &'static ConversationTexts {
        static TEXTS: std::sync::LazyLock<ConversationTexts> = std::sync::LazyLock::new(|| {
            ConversationTexts::load(
                Path::new("config/conversation"),
                Path::new("config/emergency_numbers.yaml"),
                "TH",
            )
            .unwrap()
        });
        &TEXTS
    }

    fn situation(danger: bool) -> Situation<'static> {
        Situation {
            texts: texts(),
            language_hint: None,
            country: None,
            danger,
            expected_wait: Duration::from_secs(600),
        }
    }

    /// Runs a whole exchange and returns the final state and every reply.
    fn talk(said: &[Said<'_>]) -> (Conversation, Vec<Reply>, Vec<Effect>) {
        let mut state = Conversation::default();
        let (mut replies, mut effects) = (Vec::new(), Vec::new());
        for s in said {
            let a = advance(&state, *s, &situation(false));
            state = a.next;
            replies.extend(a.replies);
            effects.extend(a.effects);
        }
        (state, replies, effects)
    }

    #[test]
    fn every_language_file_loads_with_every_key() {
        assert_eq!(texts().packs().count(), CHAT_LANGUAGES.len());
    }

    #[test]
    fn a_clear_script_skips_the_language_question() {
        let (state, replies, effects) = talk(&[Said::Text("ช่วยด้วย")]);
        assert_eq!(state.language.as_deref(), Some("th"));
        assert_eq!(state.step, Step::AskedSafeToTalk);
        assert!(
            replies[0].text.starts_with(
                texts()
                    .pack("th")
                    .texts
                    .safety_notice
                    .split('{')
                    .next()
                    .unwrap()
            )
        );
        assert!(effects.contains(&Effect::Language("th".into())));
    }

    #[test]
    fn every_question_offers_a_stop_button_and_stop_works_at_any_step() {
        let (_, replies, _) = talk(&[
            Said::Start,
            Said::Choice("lang:en"),
            Said::Choice("safe:yes"),
        ]);
        for reply in replies.iter().filter(|r| !r.choices.is_empty()) {
            assert!(reply.choices.iter().flatten().any(|c| c.data == "stop"));
        }
        for stop in ["stop", "หยุด", "STOP"] {
            let (state, replies, effects) =
                talk(&[Said::Start, Said::Choice("lang:en"), Said::Text(stop)]);
            assert_eq!(state.step, Step::Stopped, "{stop}");
            assert_eq!(
                replies.last().unwrap().text,
                texts().pack("en").texts.stopped
            );
            assert!(effects.contains(&Effect::Stopped));
        }
    }

    #[test]
    fn danger_brings_the_emergency_numbers_once_at_any_step() {
        let first = advance(
            &Conversation::default(),
            Said::Text("help"),
            &situation(true),
        );
        assert!(first.replies[0].text.contains("191"));
        let again = advance(&first.next, Said::Text("help"), &situation(true));
        assert!(
            !again
                .replies
                .iter()
                .any(|r| r.text.contains("191") && r.text == first.replies[0].text)
        );
    }

    #[test]
    fn the_quick_questions_record_answers_and_cannot_leave_means_confinement() {
        let (state, _, effects) = talk(&[
            Said::Text("ช่วยด้วย"),
            Said::Choice("safe:yes"),
            Said::Choice("ans:yes"),
            Said::Choice("ans:no"),
            Said::Choice("ans:skip"),
            Said::Choice("country:KH"),
            Said::Text("Poipet"),
            Said::Choice("contact:phone"),
            Said::Contact {
                phone: "+855 12 345 678",
            },
            Said::Choice("hours:morning"),
        ]);
        assert_eq!(state.step, Step::HandedOff);
        for expected in [
            Effect::Answer {
                question: "minor",
                value: "yes",
            },
            Effect::Answer {
                question: "confinement",
                value: "yes",
            },
            Effect::Country("KH".into()),
            Effect::Area("Poipet".into()),
            Effect::Phone("+85512345678".into()),
            Effect::Contact(ContactPreference::Phone),
            Effect::SafeHours("08:00-12:00".into()),
        ] {
            assert!(
                effects.contains(&expected),
                "missing {expected:?} in {effects:?}"
            );
        }
        assert!(!effects.iter().any(|e| matches!(
            e,
            Effect::Answer {
                question: "documents_seized",
                ..
            }
        )));
    }

    #[test]
    fn not_safe_now_offers_a_way_and_a_time_then_ends_gently() {
        let (state, replies, effects) = talk(&[
            Said::Start,
            Said::Choice("lang:en"),
            Said::Choice("safe:no"),
            Said::Choice("contact:here"),
            Said::Choice("hours:evening"),
        ]);
        assert_eq!(state.step, Step::Paused);
        let en = &texts().pack("en").texts;
        assert!(
            replies
                .last()
                .unwrap()
                .text
                .starts_with(en.not_safe_goodbye.split('{').next().unwrap())
        );
        assert!(
            !replies
                .iter()
                .any(|r| r.text.starts_with(en.handoff.split('{').next().unwrap()))
        );
        assert!(effects.contains(&Effect::SafeHours("18:00-22:00".into())));
        assert!(effects.contains(&Effect::Contact(ContactPreference::ThisChatOnly)));
    }

    #[test]
    fn a_person_talking_to_a_counselor_never_hears_the_bot() {
        let state = Conversation {
            step: Step::WithCounselor,
            language: Some("en".into()),
            ..Conversation::default()
        };
        for said in [
            Said::Text("hello"),
            Said::Start,
            Said::Choice("safe:yes"),
            Said::Unsupported,
        ] {
            let a = advance(&state, said, &situation(true));
            assert!(a.replies.is_empty(), "{said:?}");
            assert_eq!(a.next.step, Step::WithCounselor);
        }
    }

    #[test]
    fn no_text_demands_details_of_harm() {
        // Open questions only: no text asks who did what to whom.
        for pack in texts().packs().filter(|p| p.language == "en") {
            for text in [
                &pack.texts.ask_what_happened,
                &pack.texts.thanks_for_telling,
            ] {
                for word in ["who hurt", "describe the abuse", "what did they do to"] {
                    assert!(!text.to_lowercase().contains(word));
                }
            }
        }
    }
}
