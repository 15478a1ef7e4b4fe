//! How and when the hotline may contact the person back: this chat only, by phone (the number
//! typed or shared), or never first; and the safe hours. What they choose becomes their
//! safe-contact rules.

use super::{ContactPreference, Effect, Said, Step, Turn, choice, short};
use crate::domain::PhoneNumber;

impl Turn<'_> {
    pub(super) fn on_contact(&mut self, said: Said<'_>) {
        match said {
            Said::Choice("contact:here") => {
                self.effects
                    .push(Effect::Contact(ContactPreference::ThisChatOnly));
                self.next.never_first = false;
                self.ask(Step::AskedSafeHours);
            }
            Said::Choice("contact:phone") => {
                self.next.never_first = false;
                self.ask(Step::AskedPhone)
            }
            Said::Choice("contact:never") => {
                self.effects
                    .push(Effect::Contact(ContactPreference::NeverFirst));
                self.next.never_first = true;
                self.hand_off();
            }
            _ if said.is_content() => {}
            _ => self.repeat_step(),
        }
    }

    pub(super) fn on_phone(&mut self, said: Said<'_>) {
        match said {
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
            _ if said.is_content() => {}
            _ => self.repeat_step(),
        }
    }

    pub(super) fn on_safe_hours(&mut self, said: Said<'_>) {
        let hours = match said {
            Said::Choice("hours:any") => Some("any time".to_owned()),
            Said::Choice("hours:morning") => Some("08:00-12:00".to_owned()),
            Said::Choice("hours:afternoon") => Some("12:00-18:00".to_owned()),
            Said::Choice("hours:evening") => Some("18:00-22:00".to_owned()),
            Said::Choice("hours:skip") => None,
            Said::Text(text) => Some(short(text)),
            _ if said.is_content() => return,
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

    /// Sends one of the contact questions. Returns false for a step that is not one.
    pub(super) fn ask_contact_question(&mut self, step: Step) -> bool {
        let pack = self.pack().clone();
        let b = &pack.buttons;
        let t = &pack.texts;
        match step {
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
            _ => return false,
        }
        true
    }
}
