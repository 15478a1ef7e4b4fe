//! The script's surge parts: the honest wait, "are you safe right now?", and the hand-off that
//! says the wait again. The wait comes from the queue's real figures (`crate::surge`), rounded
//! up; it is a "may take about", never a promise, and someone who asked never to be contacted
//! first is promised only an answer here when they write (`hand_off`).

use std::time::Duration;

use super::{Effect, Turn, choice};
use crate::surge::{WaitFigure, round_wait};

impl Turn<'_> {
    /// "Many people are writing to us now; an answer may take about …".
    pub(super) fn tell_surge_wait(&mut self) {
        let Some(wait) = self.situation.surge_wait else {
            return;
        };
        let text = self
            .pack()
            .texts
            .surge_notice
            .replace("{wait}", &self.wait_words(wait));
        self.say(text);
        self.next.surge_told = true;
    }

    /// Surge's first question: safe right now, in danger, or cannot write now.
    pub(super) fn ask_safe_now(&mut self) {
        let pack = self.pack();
        let text = pack.texts.surge_ask_safe_now.clone();
        let rows = vec![
            vec![choice(pack.buttons.surge_safe_now.clone(), "safe:yes")],
            vec![choice(pack.buttons.surge_in_danger.clone(), "safe:danger")],
            vec![choice(pack.buttons.surge_cannot_write.clone(), "safe:no")],
        ];
        self.say_with(text, rows, None);
        self.next.step = super::Step::AskedSafeToTalk;
    }

    /// The person said they are in danger now: the emergency numbers at once (unless danger
    /// words just brought them), and an answer triage reads as critical (a threat now), so a
    /// counselor answers them first.
    pub(super) fn in_danger_now(&mut self) {
        self.effects.push(Effect::Answer {
            question: "threat_violence",
            value: "yes",
        });
        if !self.next.danger_shown {
            self.next.danger_shown = true;
            self.next.numbers_shown = true;
            let text = self
                .pack()
                .texts
                .danger_now
                .replace("{emergency_numbers}", &self.emergency_lines().join("\n"));
            self.say(text);
        }
    }

    /// The surge hand-off: a counselor will answer here, the honest wait, and the numbers.
    pub(super) fn surge_hand_off(&mut self, wait: Duration) {
        let inline = self.emergency_lines().join(", ");
        let text = self
            .pack()
            .texts
            .surge_handoff
            .replace("{wait}", &self.wait_words(wait))
            .replace("{emergency_numbers_inline}", &inline);
        self.say(text);
        self.next.step = super::Step::HandedOff;
    }

    fn wait_words(&self, wait: Duration) -> String {
        let texts = &self.pack().texts;
        match round_wait(wait) {
            WaitFigure::Minutes(n) => texts.wait_minutes.replace("{n}", &n.to_string()),
            WaitFigure::Hours(n) => texts.wait_hours.replace("{n}", &n.to_string()),
        }
    }
}
