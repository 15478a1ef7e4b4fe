//! A reporter's safe-contact rules as one value: where, when and how the hotline may contact
//! them first. Pure: built from the phone form, the chat's answers or a counselor's edit, and
//! read by the gate (`gate.rs`). `Debug` never shows the numbers, the code word or the cover
//! story.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::domain::{Channel, FieldError};

/// A day of the week, as the API writes it (`mon` … `sun`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    pub const ALL: [Day; 7] = [
        Day::Mon,
        Day::Tue,
        Day::Wed,
        Day::Thu,
        Day::Fri,
        Day::Sat,
        Day::Sun,
    ];

    pub fn of(date: NaiveDate) -> Day {
        Day::ALL[date.weekday().num_days_from_monday() as usize]
    }

    pub fn parse(field: &str, raw: &str) -> Result<Day, FieldError> {
        Day::ALL
            .into_iter()
            .find(|d| d.as_str() == raw)
            .ok_or_else(|| {
                FieldError::new(field, "must be one of: mon, tue, wed, thu, fri, sat, sun")
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Day::Mon => "mon",
            Day::Tue => "tue",
            Day::Wed => "wed",
            Day::Thu => "thu",
            Day::Fri => "fri",
            Day::Sat => "sat",
            Day::Sun => "sun",
        }
    }
}

/// A local time of day to the minute, written `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockTime(u16);

impl ClockTime {
    pub fn new(hour: u16, minute: u16) -> Option<ClockTime> {
        (hour < 24 && minute < 60).then_some(ClockTime(hour * 60 + minute))
    }

    pub fn from_minutes(minutes: u16) -> ClockTime {
        ClockTime(minutes % 1440)
    }

    pub fn minutes(self) -> u16 {
        self.0
    }

    pub fn parse(field: &str, raw: &str) -> Result<ClockTime, FieldError> {
        let bad = || FieldError::new(field, "must be a time of day as HH:MM (00:00 to 23:59)");
        let (h, m) = raw.split_once(':').ok_or_else(bad)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(bad());
        }
        let h: u16 = h.parse().map_err(|_| bad())?;
        let m: u16 = m.parse().map_err(|_| bad())?;
        ClockTime::new(h, m).ok_or_else(bad)
    }

    fn naive(self) -> NaiveTime {
        NaiveTime::from_hms_opt(u32::from(self.0 / 60), u32::from(self.0 % 60), 0)
            .unwrap_or(NaiveTime::MIN)
    }
}

impl std::fmt::Display for ClockTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for ClockTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ClockTime, D::Error> {
        let raw = String::deserialize(d)?;
        ClockTime::parse("time", &raw).map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// When contact is safe: on `days`, from `from` to `to` local time. A window whose `to` is not
/// after its `from` crosses midnight and ends the next day (`22:00`–`02:00` on Friday covers
/// Friday night until 2 in the morning on Saturday); `from == to` is the whole day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafeWindow {
    pub days: Vec<Day>,
    pub from: ClockTime,
    pub to: ClockTime,
}

impl SafeWindow {
    pub fn every_day(from: ClockTime, to: ClockTime) -> SafeWindow {
        SafeWindow {
            days: Day::ALL.to_vec(),
            from,
            to,
        }
    }

    /// The window's length in minutes (1 to 1440).
    fn minutes(&self) -> i64 {
        let (f, t) = (i64::from(self.from.0), i64::from(self.to.0));
        if t > f { t - f } else { t - f + 1440 }
    }

    /// The local start and end of this window's occurrence that starts on `date`, if any.
    fn occurrence(&self, date: NaiveDate) -> Option<(NaiveDateTime, NaiveDateTime)> {
        if !self.days.contains(&Day::of(date)) {
            return None;
        }
        let start = date.and_time(self.from.naive());
        Some((start, start + Duration::minutes(self.minutes())))
    }
}

/// A number the person allows the hotline to call, and whether it turned out to be wrong.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowedPhone {
    pub number: String,
    #[serde(default)]
    pub wrong: bool,
}

/// How the rules were recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The person's own answers in the chat conversation.
    Chat,
    /// A counselor on the phone-call form.
    PhoneForm,
    /// A counselor editing the rules on the case.
    Counselor,
    /// A callback attempt reached a wrong number.
    CallbackAttempt,
    /// A missed call from a number nobody knew: the number only; a counselor decides.
    MissedCall,
    /// Rules stored before versions existed.
    Migration,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Chat => "chat",
            Source::PhoneForm => "phone_form",
            Source::Counselor => "counselor",
            Source::CallbackAttempt => "callback_attempt",
            Source::MissedCall => "missed_call",
            Source::Migration => "migration",
        }
    }
}

/// The rules themselves.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafeContactRules {
    /// Channels the person agreed to be contacted on. Empty: only where they wrote, and phone
    /// contact never (calling first needs the phone listed explicitly).
    pub allowed_channels: Vec<Channel>,
    pub phones: Vec<AllowedPhone>,
    /// When contact is safe. Empty: any time (unless `times_unclear`).
    pub windows: Vec<SafeWindow>,
    #[serde(with = "tz_name")]
    pub time_zone: Tz,
    /// The hotline only answers; it never writes or calls first.
    pub never_contact_first: bool,
    /// Never leave a voice message.
    pub no_voicemail: bool,
    /// A word the person must say before anything is disclosed on a call.
    pub code_word: Option<String>,
    /// What the caller says they are ("say you are from the bank").
    pub cover_story: Option<String>,
    /// The person's own words about when and how, as they said them.
    pub own_words: Option<String>,
    /// The person described safe times that could not be read as windows: nobody contacts
    /// them first until a counselor sets the windows.
    #[serde(default)]
    pub times_unclear: bool,
}

impl std::fmt::Debug for SafeContactRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SafeContactRules")
            .field("allowed_channels", &self.allowed_channels)
            .field("phones", &self.phones.len())
            .field("windows", &self.windows)
            .field("time_zone", &self.time_zone)
            .field("never_contact_first", &self.never_contact_first)
            .field("no_voicemail", &self.no_voicemail)
            .field("times_unclear", &self.times_unclear)
            .finish_non_exhaustive()
    }
}

mod tz_name {
    use chrono_tz::Tz;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(tz: &Tz, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(tz.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Tz, D::Error> {
        let raw = String::deserialize(d)?;
        raw.parse()
            .map_err(|_| serde::de::Error::custom("not an IANA time zone name"))
    }
}

/// The time zone a person in `country` most likely lives by; `Asia/Bangkok` when unknown.
pub fn time_zone_of_country(country: Option<&str>) -> Tz {
    use chrono_tz::Asia;
    match country.map(str::to_ascii_uppercase).as_deref() {
        Some("LA") => Asia::Vientiane,
        Some("KH") => Asia::Phnom_Penh,
        Some("MM") => Asia::Yangon,
        Some("VN") => Asia::Ho_Chi_Minh,
        Some("CN") => Asia::Shanghai,
        Some("MY") => Asia::Kuala_Lumpur,
        Some("SG") => Asia::Singapore,
        Some("ID") => Asia::Jakarta,
        Some("PH") => Asia::Manila,
        Some("HK") => Asia::Hong_Kong,
        Some("TW") => Asia::Taipei,
        Some("JP") => Asia::Tokyo,
        Some("KR") => Asia::Seoul,
        _ => Asia::Bangkok,
    }
}

impl SafeContactRules {
    /// The rules of someone who has said nothing yet: answer only, no voicemail.
    pub fn answer_only(country: Option<&str>) -> SafeContactRules {
        SafeContactRules {
            allowed_channels: vec![],
            phones: vec![],
            windows: vec![],
            time_zone: time_zone_of_country(country),
            never_contact_first: false,
            no_voicemail: true,
            code_word: None,
            cover_story: None,
            own_words: None,
            times_unclear: false,
        }
    }

    /// Keeps the person's words and reads windows from them where it can.
    pub fn set_own_words(&mut self, words: Option<&str>) {
        let words = words.map(str::trim).filter(|w| !w.is_empty());
        self.own_words = words.map(str::to_owned);
        match words.map(super::words::read_safe_times) {
            Some(super::words::Reading::AnyTime) | None => {
                self.windows.clear();
                self.times_unclear = false;
            }
            Some(super::words::Reading::Windows(windows)) => {
                self.windows = windows;
                self.times_unclear = false;
            }
            Some(super::words::Reading::Unclear) => {
                self.windows.clear();
                self.times_unclear = true;
            }
        }
    }

    pub fn allows_channel(&self, channel: Channel) -> bool {
        self.allowed_channels.contains(&channel)
    }

    /// The numbers that may be dialled (not marked wrong).
    pub fn usable_phones(&self) -> impl Iterator<Item = &str> {
        self.phones
            .iter()
            .filter(|p| !p.wrong)
            .map(|p| p.number.as_str())
    }

    pub fn add_phone(&mut self, number: &str) {
        if let Some(p) = self.phones.iter_mut().find(|p| p.number == number) {
            p.wrong = false;
        } else {
            self.phones.push(AllowedPhone {
                number: number.to_owned(),
                wrong: false,
            });
        }
    }

    pub fn mark_wrong(&mut self, number: &str) {
        for p in self.phones.iter_mut().filter(|p| p.number == number) {
            p.wrong = true;
        }
    }

    /// Whether `at` falls in one of the safe windows (true when there are none).
    pub fn in_window(&self, at: DateTime<Utc>) -> bool {
        if self.windows.is_empty() {
            return true;
        }
        let local = at.with_timezone(&self.time_zone).naive_local();
        let today = local.date();
        self.windows.iter().any(|w| {
            [today.pred_opt(), Some(today)]
                .into_iter()
                .flatten()
                .filter_map(|d| w.occurrence(d))
                .any(|(start, end)| start <= local && local < end)
        })
    }

    /// The first moment after `at` that starts (or lies in) a safe window, within the next
    /// eight days; `None` when no window has a day.
    pub fn next_window_start(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = at.with_timezone(&self.time_zone).naive_local();
        let today = local.date();
        let mut best: Option<DateTime<Utc>> = None;
        for offset in -1..=8 {
            let Some(date) = today.checked_add_signed(Duration::days(offset)) else {
                continue;
            };
            for w in &self.windows {
                let Some((start, _)) = w.occurrence(date) else {
                    continue;
                };
                let Some(start) = self.to_utc(start) else {
                    continue;
                };
                // A start in a daylight-saving gap is moved forward; keep it only if it really
                // lies in the window, so the answer is always a moment the gate allows.
                if start > at && self.in_window(start) && best.is_none_or(|b| start < b) {
                    best = Some(start);
                }
            }
        }
        best
    }

    /// A local wall-clock moment as UTC; in a daylight-saving gap, the first moment after it.
    fn to_utc(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        (0..=4)
            .map(|q| local + Duration::minutes(15 * q))
            .find_map(|l| self.time_zone.from_local_datetime(&l).earliest())
            .map(|t| t.with_timezone(&Utc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(raw: &str) -> ClockTime {
        ClockTime::parse("t", raw).unwrap()
    }

    fn utc(raw: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(raw)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn rules(windows: Vec<SafeWindow>, tz: Tz) -> SafeContactRules {
        SafeContactRules {
            windows,
            time_zone: tz,
            ..SafeContactRules::answer_only(None)
        }
    }

    #[test]
    fn a_window_is_read_in_the_persons_time_zone() {
        // 18:00-20:00 in Bangkok (UTC+7) is 11:00-13:00 UTC.
        let r = rules(
            vec![SafeWindow::every_day(t("18:00"), t("20:00"))],
            chrono_tz::Asia::Bangkok,
        );
        assert!(r.in_window(utc("2026-11-23T11:30:00Z")));
        assert!(!r.in_window(utc("2026-11-23T13:00:00Z")));
        assert_eq!(
            r.next_window_start(utc("2026-11-23T13:00:00Z")),
            Some(utc("2026-11-24T11:00:00Z"))
        );
        // The same window in Yangon (UTC+6:30) starts half an hour later in UTC.
        let r = rules(
            vec![SafeWindow::every_day(t("18:00"), t("20:00"))],
            chrono_tz::Asia::Yangon,
        );
        assert_eq!(
            r.next_window_start(utc("2026-11-23T08:00:00Z")),
            Some(utc("2026-11-23T11:30:00Z"))
        );
    }

    #[test]
    fn a_window_that_crosses_midnight_belongs_to_the_day_it_starts() {
        // Fridays 22:00 to 02:00, Bangkok: Saturday 01:00 local is inside, Friday 01:00 is not.
        let r = rules(
            vec![SafeWindow {
                days: vec![Day::Fri],
                from: t("22:00"),
                to: t("02:00"),
            }],
            chrono_tz::Asia::Bangkok,
        );
        // 2026-11-27 is a Friday.
        assert!(r.in_window(utc("2026-11-27T18:00:00Z"))); // Sat 01:00 local
        assert!(!r.in_window(utc("2026-11-26T18:00:00Z"))); // Fri 01:00 local
        assert!(r.in_window(utc("2026-11-27T15:00:00Z"))); // Fri 22:00 local
        assert!(!r.in_window(utc("2026-11-27T19:00:00Z"))); // Sat 02:00 local
        assert_eq!(
            r.next_window_start(utc("2026-11-23T00:00:00Z")),
            Some(utc("2026-11-27T15:00:00Z"))
        );
    }

    #[test]
    fn no_windows_means_any_time_and_a_window_without_days_never() {
        let r = rules(vec![], chrono_tz::Asia::Bangkok);
        assert!(r.in_window(utc("2026-11-23T03:00:00Z")));
        let r = rules(
            vec![SafeWindow {
                days: vec![],
                from: t("08:00"),
                to: t("09:00"),
            }],
            chrono_tz::Asia::Bangkok,
        );
        assert!(!r.in_window(utc("2026-11-23T01:30:00Z")));
        assert_eq!(r.next_window_start(utc("2026-11-23T01:30:00Z")), None);
    }

    #[test]
    fn the_time_zone_comes_from_the_country_and_defaults_to_bangkok() {
        assert_eq!(time_zone_of_country(Some("MM")), chrono_tz::Asia::Yangon);
        assert_eq!(
            time_zone_of_country(Some("kh")),
            chrono_tz::Asia::Phnom_Penh
        );
        assert_eq!(time_zone_of_country(None), chrono_tz::Asia::Bangkok);
        assert_eq!(time_zone_of_country(Some("ZZ")), chrono_tz::Asia::Bangkok);
    }

    #[test]
    fn debug_never_shows_numbers_code_word_or_cover_story() {
        let mut r = SafeContactRules::answer_only(None);
        r.add_phone("+66812345678");
        r.code_word = Some("mango".into());
        r.cover_story = Some("the bank".into());
        let shown = format!("{r:?}");
        assert!(!shown.contains("812") && !shown.contains("mango") && !shown.contains("bank"));
    }
}
