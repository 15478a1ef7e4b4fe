//! Reads safe times from what a person typed ("18:00-20:00", "after 9pm", "weekends",
//! "weekdays 6-8pm"). It understands little on purpose: what it cannot read is `Unclear`, the
//! words are kept for the counselor, and nobody contacts the person first until a counselor
//! sets the windows. Guessing wrong here could ring a phone in the wrong room.

use super::rules::{ClockTime, Day, SafeWindow};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    AnyTime,
    Windows(Vec<SafeWindow>),
    Unclear,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// Hours and minutes as written, and whether minutes were written.
    Num(u16, u16),
    Word(String),
    Dash,
}

fn tokenize(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.to_lowercase().chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let mut h = 0u16;
            let mut digits = 0;
            while i < chars.len() && chars[i].is_ascii_digit() && digits < 4 {
                h = h
                    .saturating_mul(10)
                    .saturating_add(chars[i] as u16 - '0' as u16);
                digits += 1;
                i += 1;
            }
            let mut m = 0u16;
            if digits >= 3 {
                // "1830"
                m = h % 100;
                h /= 100;
            } else if i + 2 < chars.len()
                && (chars[i] == ':' || chars[i] == '.')
                && chars[i + 1].is_ascii_digit()
                && chars[i + 2].is_ascii_digit()
            {
                m = (chars[i + 1] as u16 - '0' as u16) * 10 + (chars[i + 2] as u16 - '0' as u16);
                i += 3;
            }
            out.push(Tok::Num(h, m));
        } else if crate::chars::is_alphabetic(c) {
            let start = i;
            while i < chars.len() && (crate::chars::is_alphabetic(chars[i]) || chars[i] == '.') {
                i += 1;
            }
            let word: String = chars[start..i].iter().filter(|c| **c != '.').collect();
            out.push(Tok::Word(word));
        } else {
            if matches!(c, '-' | '–' | '—' | '~') {
                out.push(Tok::Dash);
            }
            i += 1;
        }
    }
    out
}

fn day_of(word: &str) -> Option<Day> {
    let names = [
        ("mon", "monday", Day::Mon),
        ("tue", "tuesday", Day::Tue),
        ("wed", "wednesday", Day::Wed),
        ("thu", "thursday", Day::Thu),
        ("fri", "friday", Day::Fri),
        ("sat", "saturday", Day::Sat),
        ("sun", "sunday", Day::Sun),
    ];
    let word = word
        .strip_suffix('s')
        .filter(|w| w.len() > 3)
        .unwrap_or(word);
    names
        .into_iter()
        .find(|(short, long, _)| word == *short || word == *long)
        .map(|(_, _, d)| d)
}

fn range_of_days(from: Day, to: Day) -> Vec<Day> {
    let (a, b) = (from as usize, to as usize);
    if a <= b {
        Day::ALL[a..=b].to_vec()
    } else {
        Day::ALL[a..]
            .iter()
            .chain(&Day::ALL[..=b])
            .copied()
            .collect()
    }
}

/// A number, with the am/pm word after it, as a time of day.
fn time_at(tokens: &[Tok], i: usize) -> Option<(ClockTime, Option<bool>, usize)> {
    let Tok::Num(h, m) = tokens.get(i)? else {
        return None;
    };
    let meridiem = match tokens.get(i + 1) {
        Some(Tok::Word(w)) if w == "am" => Some(false),
        Some(Tok::Word(w)) if w == "pm" => Some(true),
        _ => None,
    };
    let mut hour = *h;
    match meridiem {
        Some(_) if hour == 0 || hour > 12 => return None,
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    if hour == 24 && *m == 0 {
        hour = 0;
    }
    let used = if meridiem.is_some() { 2 } else { 1 };
    Some((ClockTime::new(hour, *m)?, meridiem, used))
}

fn is_to(tok: Option<&Tok>) -> bool {
    match tok {
        Some(Tok::Dash) => true,
        Some(Tok::Word(w)) => matches!(w.as_str(), "to" | "until" | "till" | "and"),
        _ => false,
    }
}

pub fn read_safe_times(text: &str) -> Reading {
    let lowered = text.trim().to_lowercase();
    if matches!(
        lowered.as_str(),
        "any time" | "anytime" | "any" | "always" | "any time is fine" | "24/7"
    ) {
        return Reading::AnyTime;
    }
    let tokens = tokenize(text);
    let mut days: Vec<Day> = Vec::new();
    let mut spans: Vec<(ClockTime, ClockTime)> = Vec::new();
    let mut understood_any = false;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Tok::Word(w) => {
                let w = w.as_str();
                let named = |h_from: u16, h_to: u16| {
                    (
                        ClockTime::from_minutes(h_from * 60),
                        ClockTime::from_minutes(h_to * 60),
                    )
                };
                match w {
                    "weekend" | "weekends" => days.extend([Day::Sat, Day::Sun]),
                    "weekday" | "weekdays" => days.extend(range_of_days(Day::Mon, Day::Fri)),
                    "morning" | "mornings" => spans.push(named(8, 12)),
                    "afternoon" | "afternoons" => spans.push(named(12, 18)),
                    "evening" | "evenings" => spans.push(named(18, 22)),
                    "after" | "from" | "since" => {
                        if let Some((from, _, used)) = time_at(&tokens, i + 1) {
                            let next = i + 1 + used;
                            if is_to(tokens.get(next))
                                && let Some((to, meridiem, used2)) = time_at(&tokens, next + 1)
                            {
                                spans.push((adjust(from, meridiem, to), to));
                                i = next + 1 + used2;
                                understood_any = true;
                                continue;
                            }
                            // "after 9pm": until midnight.
                            spans.push((from, ClockTime::from_minutes(0)));
                            i = next;
                            understood_any = true;
                            continue;
                        }
                    }
                    "before" => {
                        if let Some((to, _, used)) = time_at(&tokens, i + 1) {
                            spans.push((ClockTime::from_minutes(0), to));
                            i += 1 + used;
                            understood_any = true;
                            continue;
                        }
                    }
                    _ => {
                        if let Some(day) = day_of(w) {
                            // "mon-fri", "monday to friday"
                            if is_to(tokens.get(i + 1))
                                && let Some(Tok::Word(w2)) = tokens.get(i + 2)
                                && let Some(last) = day_of(w2)
                            {
                                days.extend(range_of_days(day, last));
                                i += 3;
                                understood_any = true;
                                continue;
                            }
                            days.push(day);
                        } else {
                            i += 1;
                            continue;
                        }
                    }
                }
                understood_any = true;
                i += 1;
            }
            Tok::Num(..) => {
                let Some((from, _, used)) = time_at(&tokens, i) else {
                    return Reading::Unclear;
                };
                let next = i + used;
                if is_to(tokens.get(next))
                    && let Some((to, meridiem, used2)) = time_at(&tokens, next + 1)
                {
                    spans.push((adjust(from, meridiem, to), to));
                    i = next + 1 + used2;
                    understood_any = true;
                    continue;
                }
                // A lone time ("call at 7pm") is read as that hour.
                spans.push((from, ClockTime::from_minutes(from.minutes() + 60)));
                understood_any = true;
                i = next;
            }
            Tok::Dash => i += 1,
        }
    }
    if !understood_any {
        return Reading::Unclear;
    }
    days.sort();
    days.dedup();
    if days.is_empty() {
        days = Day::ALL.to_vec();
    }
    if spans.is_empty() {
        // Days only ("weekends"): the whole day.
        spans.push((ClockTime::from_minutes(0), ClockTime::from_minutes(0)));
    }
    Reading::Windows(
        spans
            .into_iter()
            .map(|(from, to)| SafeWindow {
                days: days.clone(),
                from,
                to,
            })
            .collect(),
    )
}

/// "6-8pm": the start takes the end's pm when it has no marker of its own and that keeps it
/// before the end.
fn adjust(from: ClockTime, end_meridiem: Option<bool>, to: ClockTime) -> ClockTime {
    let m = from.minutes();
    if end_meridiem == Some(true) && m < 12 * 60 && m + 12 * 60 <= to.minutes() {
        ClockTime::from_minutes(m + 12 * 60)
    } else {
        from
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn windows(text: &str) -> Vec<(Vec<Day>, String, String)> {
        match read_safe_times(text) {
            Reading::Windows(w) => w
                .into_iter()
                .map(|w| (w.days, w.from.to_string(), w.to.to_string()))
                .collect(),
            other => panic!("{text:?} read as {other:?}"),
        }
    }

    #[test]
    fn a_plain_range_is_every_day() {
        assert_eq!(
            windows("18:00-20:00"),
            vec![(Day::ALL.to_vec(), "18:00".into(), "20:00".into())]
        );
        assert_eq!(windows("6-8pm")[0].1, "18:00");
        assert_eq!(windows("between 9am and 11am")[0].2, "11:00");
        assert_eq!(windows("22.30 - 01.00")[0].1, "22:30");
    }

    #[test]
    fn after_nine_pm_runs_to_midnight() {
        assert_eq!(
            windows("after 9pm"),
            vec![(Day::ALL.to_vec(), "21:00".into(), "00:00".into())]
        );
        assert_eq!(windows("before 8am")[0].2, "08:00");
    }

    #[test]
    fn days_alone_are_whole_days_and_join_times() {
        assert_eq!(
            windows("weekends"),
            vec![(vec![Day::Sat, Day::Sun], "00:00".into(), "00:00".into())]
        );
        assert_eq!(
            windows("weekdays after 9pm"),
            vec![(
                vec![Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri],
                "21:00".into(),
                "00:00".into()
            )]
        );
        assert_eq!(
            windows("Mon-Wed 10:00-11:00")[0].0,
            vec![Day::Mon, Day::Tue, Day::Wed]
        );
        assert_eq!(windows("evenings")[0].1, "18:00");
    }

    #[test]
    fn what_cannot_be_read_is_unclear_and_any_time_is_any_time() {
        assert_eq!(read_safe_times("when my boss is out"), Reading::Unclear);
        assert_eq!(read_safe_times("หลังเลิกงาน"), Reading::Unclear);
        assert_eq!(read_safe_times("any time"), Reading::AnyTime);
        assert_eq!(read_safe_times("at 99"), Reading::Unclear);
    }
}
