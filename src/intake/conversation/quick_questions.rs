//! Optional quick questions, answered with buttons: anyone under 18? can the person leave
//! freely? documents taken? which country, which province? Any can be skipped, and writing
//! instead of pressing is kept as part of the story.

use super::{COUNTRY_BUTTONS, Choice, Effect, Said, Step, Turn, choice, short};

impl Turn<'_> {
    pub(super) fn on_yes_no_question(&mut self, said: Said<'_>) {
        let Said::Choice(data) = said else {
            if !said.is_content() {
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

    pub(super) fn on_country(&mut self, said: Said<'_>) {
        match said {
            Said::Choice(data) if data.starts_with("country:") => {
                let code = &data["country:".len()..];
                if COUNTRY_BUTTONS.contains(&code) {
                    self.effects.push(Effect::Country(code.to_owned()));
                }
                self.ask(Step::AskedArea);
            }
            _ if said.is_content() => {}
            _ => self.repeat_step(),
        }
    }

    pub(super) fn on_area(&mut self, said: Said<'_>) {
        match said {
            Said::Text(text) => {
                self.effects.push(Effect::Area(short(text)));
                self.ask(Step::AskedContact);
            }
            Said::Choice("area:skip") => self.ask(Step::AskedContact),
            _ if said.is_content() => {}
            _ => self.repeat_step(),
        }
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

    /// Sends one of the quick questions. Returns false for a step that is not one.
    pub(super) fn ask_quick_question(&mut self, step: Step) -> bool {
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
        let own = self.next.about_self;
        let pick = |about_self: &String, about_others: &String| {
            if own {
                about_self.clone()
            } else {
                about_others.clone()
            }
        };
        match step {
            Step::AskedMinor => self.say_with(
                pick(&t.question_minor_self, &t.question_minor),
                yes_no(),
                None,
            ),
            Step::AskedCanLeave => self.say_with(
                pick(&t.question_can_leave_self, &t.question_can_leave),
                yes_no(),
                None,
            ),
            Step::AskedDocuments => self.say_with(
                pick(&t.question_documents_self, &t.question_documents),
                yes_no(),
                None,
            ),
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
                let question = if self.in_surge() {
                    t.surge_question_where.clone()
                } else {
                    t.question_country.clone()
                };
                self.say_with(question, rows, None);
            }
            Step::AskedArea => self.say_with(
                t.question_area.clone(),
                vec![vec![choice(b.skip.clone(), "area:skip")]],
                None,
            ),
            _ => return false,
        }
        true
    }
}
