//! Small charts drawn on the server as SVG text (no front-end build, nothing to download):
//! answer-time percentiles per hour against the target line, and people waiting per hour.
//! Pure: figures in, markup out. Every word in the markup is escaped.

use std::fmt::Write as _;

use super::dashboard::DepthPoint;
use super::percentiles::Summary;

const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 170.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 24.0;

/// The chart's words, already translated.
pub struct ChartText<'a> {
    pub title: &'a str,
    pub target: &'a str,
    /// A duration in the reader's language (axis labels).
    pub duration: &'a dyn Fn(i64) -> String,
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The unit a duration reads best in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Seconds,
    Minutes,
    Hours,
}

/// Seconds as a number and a unit: 90 s, 2 min, 1.5 h.
pub fn duration_parts(seconds: i64) -> (String, Unit) {
    if seconds < 120 {
        (seconds.to_string(), Unit::Seconds)
    } else if seconds < 7200 {
        ((seconds / 60).to_string(), Unit::Minutes)
    } else {
        let hours = seconds as f64 / 3600.0;
        if hours.fract() == 0.0 {
            (format!("{hours:.0}"), Unit::Hours)
        } else {
            (format!("{hours:.1}"), Unit::Hours)
        }
    }
}

/// Seconds as a short label with English unit symbols: "90 s", "2 min", "1.5 h".
pub fn duration_label(seconds: i64) -> String {
    let (n, unit) = duration_parts(seconds);
    match unit {
        Unit::Seconds => format!("{n} s"),
        Unit::Minutes => format!("{n} min"),
        Unit::Hours => format!("{n} h"),
    }
}

fn x_at(i: usize, n: usize) -> f64 {
    let inner = WIDTH - LEFT - RIGHT;
    if n <= 1 {
        LEFT + inner / 2.0
    } else {
        LEFT + inner * i as f64 / (n - 1) as f64
    }
}

fn y_at(value: f64, top_value: f64) -> f64 {
    let inner = HEIGHT - TOP - BOTTOM;
    TOP + inner * (1.0 - (value / top_value).clamp(0.0, 1.0))
}

fn open_svg(out: &mut String, id: &str, title: &str) {
    let _ = write!(
        out,
        "<svg class=\"chart\" id=\"{id}\" role=\"img\" aria-labelledby=\"{id}-title\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-title\">{}</title>",
        escape(title)
    );
    // The baseline.
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\"/>",
        b = HEIGHT - BOTTOM,
        r = WIDTH - RIGHT
    );
}

fn x_labels(out: &mut String, labels: &[String]) {
    let n = labels.len();
    for (i, label) in labels.iter().enumerate() {
        if i % 3 != 0 && i + 1 != n {
            continue;
        }
        let _ = write!(
            out,
            "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x_at(i, n),
            HEIGHT - 8.0,
            escape(label)
        );
    }
}

/// p50, p90 and p95 per hour as three lines (broken where an hour had no answers), and the
/// target as a dashed line. `hours` runs oldest first.
pub fn answer_chart(id: &str, hours: &[Summary], target: i64, text: &ChartText<'_>) -> String {
    let highest = hours.iter().filter_map(|h| h.p95).max().unwrap_or(0);
    let top_value = (highest.max(target) as f64 * 1.25).max(1.0);
    let mut out = String::new();
    open_svg(&mut out, id, text.title);
    for value in [0, target] {
        let _ = write!(
            out,
            "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT - 4.0,
            y_at(value as f64, top_value) + 4.0,
            escape(&(text.duration)(value))
        );
    }
    let ty = y_at(target as f64, top_value);
    let _ = write!(
        out,
        "<line class=\"target\" x1=\"{LEFT}\" y1=\"{ty:.1}\" x2=\"{r}\" y2=\"{ty:.1}\" stroke-dasharray=\"6 4\"/><text class=\"target-label\" x=\"{r}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
        ty - 4.0,
        escape(text.target),
        r = WIDTH - RIGHT
    );
    let n = hours.len();
    for (class, pick) in [
        ("p95", (|s: &Summary| s.p95) as fn(&Summary) -> Option<i64>),
        ("p90", |s: &Summary| s.p90),
        ("p50", |s: &Summary| s.p50),
    ] {
        let mut path = String::new();
        let mut pen_down = false;
        for (i, h) in hours.iter().enumerate() {
            match pick(h) {
                Some(v) => {
                    let _ = write!(
                        path,
                        "{}{:.1},{:.1} ",
                        if pen_down { "L" } else { "M" },
                        x_at(i, n),
                        y_at(v as f64, top_value)
                    );
                    pen_down = true;
                    let _ = write!(
                        out,
                        "<circle class=\"{class}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"2\"/>",
                        x_at(i, n),
                        y_at(v as f64, top_value)
                    );
                }
                None => pen_down = false,
            }
        }
        if !path.is_empty() {
            let _ = write!(
                out,
                "<path class=\"{class}\" d=\"{}\" fill=\"none\"/>",
                path.trim_end()
            );
        }
    }
    // The legend: the percentile names are the same in every language.
    for (i, class) in ["p50", "p90", "p95"].iter().enumerate() {
        let _ = write!(
            out,
            "<text class=\"legend {class}\" x=\"{:.1}\" y=\"{:.1}\">{class}</text>",
            LEFT + 6.0 + 34.0 * i as f64,
            TOP + 10.0
        );
    }
    let labels: Vec<String> = hours.iter().map(|h| h.key.clone()).collect();
    x_labels(&mut out, &labels);
    out.push_str("</svg>");
    out
}

/// People waiting per hour mark, as bars.
pub fn depth_chart(id: &str, points: &[DepthPoint], labels: &[String], title: &str) -> String {
    let highest = points.iter().map(|p| p.waiting).max().unwrap_or(0).max(1);
    let top_value = highest as f64;
    let mut out = String::new();
    open_svg(&mut out, id, title);
    let _ = write!(
        out,
        "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{highest}</text>",
        LEFT - 4.0,
        y_at(top_value, top_value) + 4.0,
    );
    let n = points.len();
    let bar = ((WIDTH - LEFT - RIGHT) / n.max(1) as f64 * 0.7).max(1.0);
    for (i, p) in points.iter().enumerate() {
        let y = y_at(p.waiting as f64, top_value);
        let _ = write!(
            out,
            "<rect class=\"depth\" x=\"{:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{:.1}\"><title>{}</title></rect>",
            x_at(i, n) - bar / 2.0,
            (HEIGHT - BOTTOM - y).max(0.0),
            p.waiting
        );
    }
    x_labels(&mut out, labels);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::supervisor::percentiles::summarize;

    #[test]
    fn the_answer_chart_draws_the_target_and_breaks_lines_at_empty_hours() {
        let hours = vec![
            summarize("08".into(), &[30, 60], 2, 0),
            summarize("09".into(), &[], 0, 0),
            summarize("10".into(), &[200], 0, 0),
        ];
        let svg = answer_chart(
            "c",
            &hours,
            120,
            &ChartText {
                title: "Critical <answers>",
                target: "target",
                duration: &duration_label,
            },
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("class=\"target\""));
        assert!(svg.contains("Critical &lt;answers&gt;"));
        // Two separate runs for p50: a move (M) starts each.
        let p50 = svg
            .split("<path class=\"p50\" d=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default();
        assert_eq!(p50.matches('M').count(), 2, "{p50}");
    }

    #[test]
    fn durations_read_in_seconds_minutes_or_hours() {
        assert_eq!(duration_label(90), "90 s");
        assert_eq!(duration_label(600), "10 min");
        assert_eq!(duration_label(86400), "24 h");
        assert_eq!(duration_label(5400), "90 min");
    }
}
